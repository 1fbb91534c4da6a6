import { DomainError } from '../lib/domain-error.ts';

// The refusals of guests/ (products.md §2): each a stable `code` and a `kind`
// (src/lib/domain-error.ts). Another account's pass, another host's pass (for a User), a pass nobody
// has: all the same `404 guest_pass_not_found`. The time refusals carry the Marketplace's codes
// (`invalid_time`, `nonexistent_local_time`, `invalid_window`, `window_in_past`): one wire language.

/** No pass with this id that this person may see. */
export class GuestPassNotFound extends DomainError {
  constructor(passId: string) {
    super('guest_pass_not_found', 'not_found', `guest pass ${passId} not found`);
  }
}

/** A User the Admin has not given the `guests` permission (products.md §0 "Permissions"). */
export class GuestsNotPermitted extends DomainError {
  constructor() {
    super(
      'guests_not_permitted',
      'forbidden',
      "creating guest passes needs the account Admin's `guests` permission",
    );
  }
}

/** Only the account's Admin reads and sets the guest policy. */
export class PolicyAdminOnly extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', "only the account's Admin can set the guest policy");
  }
}

/** The rules of the policy (products.md §2), by their wire names. */
export type PolicyRule = 'max_active_passes_per_host' | 'max_pass_hours' | 'max_days_per_plate_30d';

/**
 * A pass the account's guest policy refuses: `422 policy_limit`, the message naming the rule, the
 * limit and what the pass would reach.
 */
export class PolicyLimit extends DomainError {
  readonly rule: PolicyRule;
  readonly limit: number;
  readonly actual: number;
  constructor(rule: PolicyRule, limit: number, actual: number, message: string) {
    super('policy_limit', 'unprocessable', `${rule}: ${message}`);
    this.rule = rule;
    this.limit = limit;
    this.actual = actual;
  }
}

/** A policy that is not three non-negative whole numbers or nulls. */
export class InvalidGuestPolicy extends DomainError {
  constructor(message: string) {
    super('invalid_guest_policy', 'invalid_input', message);
  }
}

/** A pass that cannot be made as asked (no name, no door, a field too long, a bad email). */
export class GuestPassInputError extends DomainError {
  constructor(message: string) {
    super('invalid_guest_pass', 'invalid_input', message);
  }
}

/** A pass revoked or past its end: its window can no longer change, nor can it be revoked again. */
export class GuestPassEnded extends DomainError {
  constructor(passId: string, status: 'expired' | 'revoked') {
    super('guest_pass_ended', 'conflict', `guest pass ${passId} is ${status}`);
  }
}

/** A time that is not RFC 3339 with an offset nor a naive local `YYYY-MM-DDTHH:MM[:SS]`. */
export class InvalidTime extends DomainError {
  constructor(field: string, value: string) {
    super(
      'invalid_time',
      'invalid_input',
      `${field} must be RFC 3339 with an offset (2026-03-08T09:30:00-05:00) or a local YYYY-MM-DDTHH:MM[:SS], got ${JSON.stringify(value)}`,
    );
  }
}

/** A naive local time the clocks skip (a spring-forward gap): no instant has it. */
export class NonexistentLocalTime extends DomainError {
  constructor(field: string, value: string, timeZone: string) {
    super(
      'nonexistent_local_time',
      'invalid_input',
      `${field} ${value} does not exist in ${timeZone} (the clocks skip it); give a time with an offset or another time`,
    );
  }
}

/** A window whose end is not after its start (or, for a pass already running, not after now). */
export class InvalidWindow extends DomainError {
  constructor(message: string) {
    super('invalid_window', 'invalid_input', message);
  }
}

/** The window starts more than 5 minutes ago. */
export class WindowInPast extends DomainError {
  constructor() {
    super('window_in_past', 'unprocessable', 'the window starts more than 5 minutes ago');
  }
}

/** Why a guest link opens nothing: unknown (404), revoked or expired (410), not yet started (403). */
export type LinkRefusal = 'unknown' | 'revoked' | 'expired' | 'scheduled';

/**
 * A guest link that cannot open a door now. Nothing is written (no history entry): the link is not
 * in force, exactly like no grant.
 */
export class GuestLinkNotUsable extends DomainError {
  readonly reason: LinkRefusal;
  constructor(reason: LinkRefusal) {
    const refusal = {
      unknown: ['guest_link_not_found', 'not_found', 'this guest link does not exist'],
      revoked: ['guest_pass_revoked', 'gone', 'this guest pass was revoked'],
      expired: ['guest_pass_expired', 'gone', 'this guest pass has expired'],
      scheduled: ['guest_pass_not_started', 'forbidden', 'this guest pass has not started yet'],
    } as const;
    const [code, kind, message] = refusal[reason];
    super(code, kind, message);
    this.reason = reason;
  }
}

/** A pass that lends a booking keeps its window (the booking's share): revoke it and lend again. */
export class LentWindowFixed extends DomainError {
  constructor() {
    super(
      'lent_window_fixed',
      'conflict',
      'a pass lending a booking keeps its window; revoke it (the booking returns to you) and lend again',
    );
  }
}

/** A list query that cannot be answered as asked (bad limit, cursor or status). */
export class InvalidPassQuery extends DomainError {
  constructor(message: string) {
    super('invalid_request', 'invalid_input', message);
  }
}
