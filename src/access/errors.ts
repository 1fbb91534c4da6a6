import { DomainError } from '../lib/domain-error.ts';
import type { InvitationStatus } from './invitation-records.ts';

// The refusals of access/: each a stable `code` and a `kind` (src/lib/domain-error.ts). Another
// account's door or device is reported exactly like one that does not exist (spec §5.4, §5.5).

/** A door this person cannot see (or, for applications, one not opted in to API control). */
export class DoorNotFound extends DomainError {
  readonly doorId: string;
  constructor(doorId: string) {
    super('door_not_found', 'not_found', `door ${doorId} not found`);
    this.doorId = doorId;
  }
}

/**
 * A controller nobody here may see: unknown to the operator (`parqex devices`), or one of which this
 * person can see no door (or, for applications, no door opted in to the API).
 */
export class DeviceNotFound extends DomainError {
  constructor(ref: string) {
    super('device_not_found', 'not_found', `no controller with id or blackbox code ${JSON.stringify(ref)}`);
  }
}

/** The controller has no door with this entity number. */
export class DeviceDoorNotFound extends DomainError {
  constructor(blackboxCode: string, entityNumber: number, doorCount: number) {
    super(
      'device_door_not_found',
      'not_found',
      `controller ${blackboxCode} has no door ${entityNumber} (its doors are numbered 1 to ${doorCount})`,
    );
  }
}

/** A controller that cannot be registered or changed as asked. */
export class DeviceInputError extends DomainError {
  constructor(message: string) {
    super('invalid_device', 'invalid_input', message);
  }
}

/** A door name that breaks a rule (too long). */
export class DoorNameInputError extends DomainError {
  constructor(message: string) {
    super('invalid_door_name', 'invalid_input', message);
  }
}

/** A history query that cannot be answered as asked (bad dates, range, limit or cursor). */
export class InvalidHistoryQuery extends DomainError {
  constructor(message: string) {
    super('invalid_request', 'invalid_input', message);
  }
}

/** A grant that cannot be made as asked (an empty window, a holder without a name or plate). */
export class GrantInputError extends DomainError {
  constructor(message: string) {
    super('invalid_grant_input', 'invalid_input', message);
  }
}

/** Only the account's Admin shares its doors (spec §1, §5.6). */
export class NotAccountAdmin extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', "only the account's Admin can share its doors");
  }
}

/** A door that is not the Admin's account's: reported as unknown, whether or not it exists elsewhere. */
export class DoorNotInAccount extends DomainError {
  readonly doorId: string;
  constructor(doorId: string) {
    super('door_not_found', 'not_found', `door ${doorId} not found`);
    this.doorId = doorId;
  }
}

/** The Admin sees every door of the account already. */
export class CannotInviteYourself extends DomainError {
  constructor() {
    super('invalid_request', 'invalid_input', 'you already have every door of your account');
  }
}

/** Nobody with this email or id has access to (or a pending invitation for) these doors. */
export class NothingToRemove extends DomainError {
  constructor() {
    super('not_found', 'not_found', 'no access or pending invitation to remove');
  }
}

/** The invitation email could not be handed to the mail server; the invitation was withdrawn. */
export class InvitationMailFailed extends DomainError {
  constructor(cause: unknown) {
    super('mail_not_sent', 'unavailable', 'the invitation email could not be sent', { cause });
  }
}

/** A sign-up link that cannot be used (any more), and why. */
export class InvitationNotUsable extends DomainError {
  readonly status: Exclude<InvitationStatus, 'valid'>;
  constructor(status: Exclude<InvitationStatus, 'valid'>) {
    super('invitation_not_usable', status === 'unknown' ? 'not_found' : 'gone', `invitation ${status}`);
    this.status = status;
  }
}
