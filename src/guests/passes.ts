import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { DoorNotFound } from '../access/errors.ts';
import { endGrantsOfSource, grantAccess } from '../access/grants.ts';
import { findVisibleDoor } from '../access/visible-doors.ts';
import { mayCreateGuestPasses } from '../accounts/permissions.ts';
import { findUserById, isEmailAddress, normalizeEmail } from '../accounts/users.ts';
import { hexId } from '../lib/crypto.ts';
import { normalizePlate, plateMatchKey } from '../lib/plates.ts';
import { placesOfDoors } from '../marketplace/door-properties.ts';
import { type LendableBooking, transferBooking } from '../marketplace/transfer.ts';
import type { Db, DbOrTrx, Dialect } from '../storage/schema.ts';
import type { GuestDeps } from './deps.ts';
import {
  GuestPassEnded,
  GuestPassInputError,
  GuestPassNotFound,
  GuestsNotPermitted,
  InvalidPassQuery,
  InvalidWindow,
  LentWindowFixed,
  WindowInPast,
} from './errors.ts';
import { publishGuestAccessList, publishGuestPass } from './guest-events.ts';
import { mintLinkSecret } from './guest-links.ts';
import {
  GUEST_PASS_STATUSES,
  type GuestPass,
  type GuestPassStatus,
  guestLabel,
  lentPassCut,
  passDoorIds,
  passFacts,
  passOf,
  selectPasses,
} from './pass-records.ts';
import { PAST_START_GRACE_MS, parsePassTime } from './pass-window.ts';
import { checkPolicy, readPolicy } from './policies.ts';

/**
 * Guest passes (products.md §2). A host (the Admin, or a User the Admin gave `guests`) invites a
 * named guest to some of the doors they may operate, for a window. A pass IS access grants
 * (`access/grants.ts`, source `guest_pass`, sourceId the pass id): per door, one for the guest's link
 * (holder `guest`, their name) and, with a plate, one for the plate (LPR) — each for the pass's
 * window. This row keeps who invited whom, the window as asked, the link's hash and the revocation.
 *
 * Seeing a pass: its host, and the account's Admin (every pass of the account). Anybody else — a
 * colleague, another account — gets `404 guest_pass_not_found`, nothing written.
 *
 * Booking transfer (`booking_id`): the host lends a window of their own confirmed booking to the
 * guest, through the Marketplace's one function `transferBooking` (marketplace/transfer.ts), called
 * in the pass's own transaction. The pass takes the booking's gates (`door_ids` must be left out),
 * its window (the default of `starts`/`ends`, and their bounds: else `422 window_outside_booking`)
 * and, when the guest has none, its plate; the Marketplace cuts that window out of the host's grants
 * and records the transfer with this pass's grant handle (`guest_pass`, the pass id). The guest's
 * grants are the pass's, as for any pass. Revoking returns the rest of the window to the host at
 * once; cancelling the booking ends the pass's grants (the Marketplace ends them by that handle) and
 * its link refuses from then on. The window of such a pass is fixed (`409 lent_window_fixed`).
 */

export type { GuestPass, GuestPassStatus } from './pass-records.ts';
export { passStatus } from './pass-records.ts';

/** What a host asks for (times as the wire gives them: RFC 3339 or naive local). */
export interface NewGuestPass {
  guest: { firstName: string; lastName: string; email?: string | null; phone?: string | null };
  plate?: string | null;
  /** Absent: now. A start up to 5 minutes ago counts as now. */
  starts?: string;
  /** Required unless lending a booking (its end by default). */
  ends?: string | null;
  doorIds?: readonly string[];
  /** Lend this booking of the host's: its gates, window (default and bounds) and plate. */
  bookingId?: string | null;
}

export const GUEST_LIMITS = { name: 100, email: 254, phone: 32, plate: 16, doors: 50 } as const;
const PHONE = /^[0-9+()\-. ]+$/;

/** One page of passes, newest first (products.md §0: `limit` default 50, max 200). */
export interface PassPage {
  items: GuestPass[];
  nextCursor: string | null;
}

function clean(value: unknown, field: string, max: number, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw new GuestPassInputError(`${field} is required`);
    return null;
  }
  if (typeof value !== 'string') throw new GuestPassInputError(`${field} must be a string`);
  const trimmed = value.trim().replace(/\s+/g, ' ');
  if (trimmed === '') {
    if (required) throw new GuestPassInputError(`${field} is required`);
    return null;
  }
  if (trimmed.length > max) throw new GuestPassInputError(`${field} is at most ${max} characters`);
  return trimmed;
}

function checkGuest(input: NewGuestPass) {
  const guest = input.guest ?? ({} as NewGuestPass['guest']);
  const firstName = clean(guest.firstName, 'guest.first_name', GUEST_LIMITS.name, true)!;
  const lastName = clean(guest.lastName, 'guest.last_name', GUEST_LIMITS.name, true)!;
  let email = clean(guest.email, 'guest.email', GUEST_LIMITS.email, false);
  if (email !== null) {
    email = normalizeEmail(email);
    if (!isEmailAddress(email))
      throw new GuestPassInputError(`guest.email "${guest.email}" is not an email address`);
  }
  const phone = clean(guest.phone, 'guest.phone', GUEST_LIMITS.phone, false);
  if (phone !== null && !PHONE.test(phone)) {
    throw new GuestPassInputError('guest.phone may hold digits, spaces and + ( ) - . only');
  }
  const plate = clean(input.plate, 'plate', GUEST_LIMITS.plate, false);
  if (plate !== null && normalizePlate(plate) === '')
    throw new GuestPassInputError('plate has no letters or digits');
  return { firstName, lastName, email, phone, plate };
}

function checkDoorIds(doorIds: unknown): string[] {
  if (doorIds === undefined || doorIds === null) return [];
  if (!Array.isArray(doorIds) || doorIds.some((id) => typeof id !== 'string')) {
    throw new GuestPassInputError('door_ids must be a list of door ids');
  }
  const unique = [...new Set(doorIds as string[])];
  if (unique.length > GUEST_LIMITS.doors)
    throw new GuestPassInputError(`at most ${GUEST_LIMITS.doors} doors per pass`);
  return unique;
}

/**
 * The doors the host may operate now, each of the host's own account (a door they reach only as a
 * renter or through another account is not theirs to lend: `door_not_found`, as any door they cannot
 * see). `apiOnly`: an application asks, so doors not opted in to API control are unknown too.
 */
async function hostDoors(
  db: DbOrTrx,
  host: Actor,
  doorIds: readonly string[],
  now: number,
  apiOnly: boolean,
) {
  for (const doorId of doorIds) {
    const visible = await findVisibleDoor(db, host, doorId, { apiOnly, at: now });
    if (!visible || visible.device.account_id !== host.accountId) throw new DoorNotFound(doorId);
  }
}

/** On PostgreSQL, the account's row lock: passes of one account are checked against the policy one at a time. */
async function lockAccount(trx: DbOrTrx, dialect: Dialect, accountId: string): Promise<void> {
  if (dialect !== 'postgres') return; // SQLite: the write transaction (BEGIN IMMEDIATE) already serialises.
  await sql`select id from accounts where id = ${accountId} for update`.execute(trx);
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 8 characters without the look-alikes (no I, L, O, 0, 1): read aloud or typed from a screen. */
export function newPassCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

async function freshCode(trx: DbOrTrx): Promise<string> {
  for (;;) {
    const code = newPassCode();
    const taken = await trx
      .selectFrom('guest_passes')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst();
    if (!taken) return code;
  }
}

/** The grants a pass's window gives: per door the guest's link and, with a plate, the plate. */
async function grantPass(
  trx: DbOrTrx,
  pass: { id: string; hostUserId: string; label: string; plate: string | null; doorIds: readonly string[] },
  window: { startsAt: number; endsAt: number },
  now: number,
): Promise<void> {
  for (const doorId of pass.doorIds) {
    const base = { doorId, ...window, source: 'guest_pass', sourceId: pass.id, grantedBy: pass.hostUserId };
    await grantAccess(trx, { ...base, holder: { kind: 'guest', label: pass.label } }, now);
    if (pass.plate !== null)
      await grantAccess(trx, { ...base, holder: { kind: 'plate', plate: pass.plate } }, now);
  }
}

/**
 * Creates a pass for `host` (products.md §2 `POST guest-passes`). In order: the permission
 * (`403 guests_not_permitted`), the guest's fields, the doors (`404 door_not_found` for one the host
 * cannot operate now), the window (read in the first door's property's zone, else the host's;
 * `invalid_time`, `nonexistent_local_time`, `invalid_window`, `422 window_in_past`), then — in the
 * transaction that writes — the account's policy (`422 policy_limit`). Refused: nothing written.
 * Made: the pass, its doors, its grants and its webhooks (`guest_pass_created`, and the management
 * events per door) in one transaction. Returns the pass and the link's token, shown this once.
 */
export async function createPass(
  deps: GuestDeps,
  host: Actor,
  input: NewGuestPass,
  now: number,
  options: { apiOnly?: boolean } = {},
): Promise<{ pass: GuestPass; token: string }> {
  const { db } = deps;
  if (!(await mayCreateGuestPasses(db, host))) throw new GuestsNotPermitted();
  const guest = checkGuest(input);
  let lent: LendableBooking | null = null;
  let doorIds: string[];
  if (input.bookingId !== undefined && input.bookingId !== null) {
    if (checkDoorIds(input.doorIds).length > 0) {
      throw new GuestPassInputError('door_ids: a lent booking opens its own gates; leave door_ids out');
    }
    const described = await transferBooking(
      db,
      deps.marketplace,
      host,
      { kind: 'describe', bookingId: input.bookingId },
      now,
    );
    if (described.kind !== 'describe') throw new Error('transferBooking answered another request');
    lent = described.booking;
    doorIds = lent.doorIds;
    if (doorIds.length === 0) throw new GuestPassInputError('the booked property has no gates to lend');
  } else {
    doorIds = checkDoorIds(input.doorIds);
    if (doorIds.length === 0) throw new GuestPassInputError('door_ids: give at least one door');
    await hostDoors(db, host, doorIds, now, options.apiOnly ?? false);
  }

  const hostUser = await findUserById(db, host.userId);
  if (!hostUser) throw new GuestsNotPermitted();
  const place = lent ? null : (await placesOfDoors(db, [doorIds[0]!])).get(doorIds[0]!);
  const timeZone = lent?.property.timeZone ?? place?.timeZone ?? hostUser.timeZone;
  if ((input.ends === undefined || input.ends === null) && !lent)
    throw new GuestPassInputError('ends is required');
  let startsAt =
    input.starts === undefined || input.starts === null
      ? lent
        ? Math.max(lent.startsAt, now)
        : now
      : parsePassTime(input.starts, timeZone, 'starts');
  const endsAt =
    input.ends === undefined || input.ends === null
      ? lent!.endsAt
      : parsePassTime(input.ends, timeZone, 'ends');
  if (!(endsAt > startsAt))
    throw new InvalidWindow(`ends (${input.ends}) must be after starts (${input.starts ?? 'now'})`);
  if (startsAt < now - PAST_START_GRACE_MS) throw new WindowInPast();
  startsAt = Math.max(startsAt, now);
  if (!(endsAt > startsAt)) throw new InvalidWindow(`ends (${input.ends}) must be after now`);

  const { token, hash } = mintLinkSecret();
  const id = hexId();
  // A lent booking's plate goes with it unless the guest comes in their own car.
  const plate = guest.plate ?? lent?.plate ?? null;
  const plateMatch = plate === null ? null : plateMatchKey(plate);
  const pass = await db.transaction().execute(async (trx) => {
    await lockAccount(trx, deps.dialect, host.accountId);
    let grantWindow = { startsAt, endsAt };
    if (lent) {
      // First, so a window outside the booking (or one lent already) refuses before anything is written.
      const lending = await transferBooking(
        trx,
        deps.marketplace,
        host,
        {
          kind: 'lend',
          bookingId: lent.bookingId,
          startsAt,
          endsAt,
          grantSource: 'guest_pass',
          grantSourceId: id,
        },
        now,
      );
      if (lending.kind !== 'lend') throw new Error('transferBooking answered another request');
      // The guest's grants cover what the host gave up (the booking's grace at its edges).
      grantWindow = lending.grantWindow;
    }
    const policy = await readPolicy(trx, host.accountId);
    await checkPolicy(
      trx,
      policy,
      {
        accountId: host.accountId,
        hostUserId: host.userId,
        startsAt,
        endsAt,
        plateMatch,
        plate,
        timeZone,
      },
      now,
    );
    const code = await freshCode(trx);
    await trx
      .insertInto('guest_passes')
      .values({
        id,
        account_id: host.accountId,
        host_user_id: host.userId,
        guest_first_name: guest.firstName,
        guest_last_name: guest.lastName,
        guest_email: guest.email,
        guest_phone: guest.phone,
        plate,
        plate_match: plateMatch,
        starts_at: startsAt,
        ends_at: endsAt,
        time_zone: timeZone,
        booking_id: lent?.bookingId ?? null,
        link_hash: hash,
        code,
        created_at: now,
        updated_at: now,
        revoked_at: null,
        revoked_by: null,
        ended_at: null,
      })
      .execute();
    await trx
      .insertInto('guest_pass_doors')
      .values(doorIds.map((doorId) => ({ pass_id: id, door_id: doorId })))
      .execute();
    const made = await loadPass(trx, id, now);
    await grantPass(
      trx,
      { id, hostUserId: host.userId, label: guestLabel(made), plate: made.plate, doorIds: made.doorIds },
      grantWindow,
      now,
    );
    await publishGuestPass(trx, 'guest_pass_created', passFacts(made), now);
    await publishGuestAccessList(trx, passFacts(made), true, now);
    return made;
  });
  return { pass, token };
}

async function loadPass(db: DbOrTrx, id: string, now: number): Promise<GuestPass> {
  const row = await selectPasses(db).where('p.id', '=', id).executeTakeFirstOrThrow();
  const doors = await passDoorIds(db, [id]);
  return passOf(row, doors.get(id) ?? [], now);
}

/** The pass if `caller` may see it: its host, or the Admin of its account; else `GuestPassNotFound`. */
export async function getPass(db: DbOrTrx, caller: Actor, passId: string, now: number): Promise<GuestPass> {
  if (typeof passId !== 'string' || !/^[0-9a-f]{32}$/.test(passId))
    throw new GuestPassNotFound(String(passId));
  let query = selectPasses(db).where('p.id', '=', passId).where('p.account_id', '=', caller.accountId);
  if (caller.role !== 'admin') query = query.where('p.host_user_id', '=', caller.userId);
  const row = await query.executeTakeFirst();
  if (!row) throw new GuestPassNotFound(passId);
  const doors = await passDoorIds(db, [passId]);
  return lentPassCut(db, passOf(row, doors.get(passId) ?? [], now));
}

/**
 * `GET guest-passes`: the caller's own passes, or for the Admin every pass of the account; newest
 * first, keyset-paginated; `status` filters by the status at `now`.
 */
export async function listPasses(
  db: DbOrTrx,
  caller: Actor,
  query: { limit?: number; cursor?: string | null; status?: GuestPassStatus },
  now: number,
): Promise<PassPage> {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new InvalidPassQuery('limit must be 1 to 200');
  if (query.status !== undefined && !GUEST_PASS_STATUSES.includes(query.status)) {
    throw new InvalidPassQuery(`status must be one of ${GUEST_PASS_STATUSES.join(', ')}`);
  }
  let q = selectPasses(db).where('p.account_id', '=', caller.accountId);
  if (caller.role !== 'admin') q = q.where('p.host_user_id', '=', caller.userId);
  switch (query.status) {
    case 'revoked':
      // Also a pass whose grants all ended early (booking cancelled, host lost the doors): decided below.
      q = q.where((eb) => eb.or([eb('p.revoked_at', 'is not', null), eb('p.ends_at', '>', now)]));
      break;
    case 'scheduled':
      q = q.where('p.revoked_at', 'is', null).where('p.starts_at', '>', now);
      break;
    case 'active':
      q = q.where('p.revoked_at', 'is', null).where('p.starts_at', '<=', now).where('p.ends_at', '>', now);
      break;
    case 'expired':
      q = q.where('p.revoked_at', 'is', null).where('p.ends_at', '<=', now);
      break;
  }
  if (query.cursor !== undefined && query.cursor !== null) {
    const after = decodeCursor(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb('p.created_at', '<', after.createdAt),
        eb.and([eb('p.created_at', '=', after.createdAt), eb('p.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const doors = await passDoorIds(
    db,
    page.map((r) => r.id),
  );
  const items: GuestPass[] = [];
  for (const r of page) {
    const pass = await lentPassCut(db, passOf(r, doors.get(r.id) ?? [], now));
    // The stored row cannot tell a lent pass cut short by its booking's cancellation: its status
    // can (a page may then hold fewer than `limit` items; the cursor still moves on).
    if (query.status === undefined || pass.status === query.status) items.push(pass);
  }
  const last = page.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(Number(last.created_at), last.id) : null,
  };
}

// The cursor is opaque to clients: base64url of "1:<created_at>:<id>" (1 = this format).
const CURSOR = /^1:(\d{1,16}):([0-9a-f]{32})$/;

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`1:${createdAt}:${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match =
    typeof cursor === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
      ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
      : null;
  if (!match) throw new InvalidPassQuery('the cursor is not one this endpoint returned');
  return { createdAt: Number(match[1]), id: match[2]! };
}

/**
 * `DELETE guest-passes/{id}`: revokes at once — the pass's grants end at `now` (a pass not yet
 * started ends empty), and `guest_pass_revoked` and the `…_removed` management events go out, in one
 * transaction. Its host may revoke it (with or without the `guests` permission still), and the
 * Admin. Revoking a revoked pass returns it unchanged (nothing sent twice); an expired one is
 * `409 guest_pass_ended`. A lent booking returns to the host here (`transferBooking` `return`).
 */
export async function revokePass(
  deps: GuestDeps,
  caller: Actor,
  passId: string,
  now: number,
): Promise<GuestPass> {
  const pass = await getPass(deps.db, caller, passId, now);
  if (pass.status === 'revoked') return pass;
  if (pass.status === 'expired') throw new GuestPassEnded(passId, 'expired');
  return deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('guest_passes')
      .set({ revoked_at: now, revoked_by: caller.userId, updated_at: now, ended_at: now })
      .where('id', '=', passId)
      .where('revoked_at', 'is', null)
      .where('ends_at', '>', now)
      .executeTakeFirst();
    const after = await loadPass(trx, passId, now);
    if (done.numUpdatedRows !== 1n) {
      // Another request got there first (revoked), or the window closed meanwhile (expired).
      if (after.status === 'revoked') return after;
      throw new GuestPassEnded(passId, 'expired');
    }
    await endGrantsOfSource(trx, 'guest_pass', passId, now);
    if (after.bookingId !== null) {
      // The lent booking returns to its renter (the host) at once, for the rest of the window.
      const renter = { userId: after.host.userId, accountId: after.accountId, role: 'user' as const };
      await transferBooking(
        trx,
        deps.marketplace,
        renter,
        { kind: 'return', grantSource: 'guest_pass', grantSourceId: passId },
        now,
      );
    }
    await publishGuestPass(trx, 'guest_pass_revoked', passFacts(after), now);
    await publishGuestAccessList(trx, passFacts(after), false, now);
    return after;
  });
}

/**
 * `PATCH guest-passes/{id}`: a new window (either end may be left out: it stays). The host (who must
 * still hold the `guests` permission, unless the Admin) or the Admin; a revoked or expired pass is
 * `409 guest_pass_ended`. The new start obeys the creation rule (up to 5 minutes ago counts as now;
 * earlier is `422 window_in_past`) unless it is the pass's start already; the end must be after the
 * start and after now (ending a pass now is revoking it). The policy is checked again, the pass not
 * counted twice. The grants follow: those running end now, new ones cover `[max(start, now), end)`.
 */
const MINUTE_MS = 60_000;

export async function updatePassWindow(
  deps: GuestDeps,
  caller: Actor,
  passId: string,
  change: { starts?: string; ends?: string },
  now: number,
): Promise<GuestPass> {
  const { db } = deps;
  const pass = await getPass(db, caller, passId, now);
  if (!(await mayCreateGuestPasses(db, caller))) throw new GuestsNotPermitted();
  if (pass.status === 'revoked' || pass.status === 'expired') throw new GuestPassEnded(passId, pass.status);
  if (pass.bookingId !== null) throw new LentWindowFixed();
  // A host extends only what they may still lend: every door, as when creating (404 door_not_found).
  if (caller.role !== 'admin') await hostDoors(db, caller, pass.doorIds, now, false);
  let startsAt =
    change.starts === undefined ? pass.startsAt : parsePassTime(change.starts, pass.timeZone, 'starts');
  const endsAt = change.ends === undefined ? pass.endsAt : parsePassTime(change.ends, pass.timeZone, 'ends');
  // A form shows times to the minute: a start within the stored start's minute is that start, unchanged.
  if (Math.floor(startsAt / MINUTE_MS) === Math.floor(pass.startsAt / MINUTE_MS)) startsAt = pass.startsAt;
  if (!(endsAt > startsAt)) throw new InvalidWindow('ends must be after starts');
  if (startsAt !== pass.startsAt) {
    if (startsAt < now - PAST_START_GRACE_MS) throw new WindowInPast();
    startsAt = Math.max(startsAt, now);
  }
  if (!(endsAt > now)) throw new InvalidWindow('ends must be after now (to end a pass now, revoke it)');
  if (!(endsAt > startsAt)) throw new InvalidWindow('ends must be after starts');
  if (startsAt === pass.startsAt && endsAt === pass.endsAt) return pass;
  return db.transaction().execute(async (trx) => {
    await lockAccount(trx, deps.dialect, pass.accountId);
    const policy = await readPolicy(trx, pass.accountId);
    await checkPolicy(
      trx,
      policy,
      {
        accountId: pass.accountId,
        hostUserId: pass.host.userId,
        passId,
        startsAt,
        endsAt,
        plateMatch: pass.plate === null ? null : plateMatchKey(pass.plate),
        plate: pass.plate,
        timeZone: pass.timeZone,
      },
      now,
    );
    const done = await trx
      .updateTable('guest_passes')
      .set({ starts_at: startsAt, ends_at: endsAt, updated_at: now })
      .where('id', '=', passId)
      .where('revoked_at', 'is', null)
      .where('ends_at', '>', now)
      .executeTakeFirst();
    if (done.numUpdatedRows !== 1n) {
      const after = await loadPass(trx, passId, now);
      throw new GuestPassEnded(passId, after.status === 'revoked' ? 'revoked' : 'expired');
    }
    await endGrantsOfSource(trx, 'guest_pass', passId, now);
    await grantPass(
      trx,
      {
        id: passId,
        hostUserId: pass.host.userId,
        label: guestLabel(pass),
        plate: pass.plate,
        doorIds: pass.doorIds,
      },
      { startsAt: Math.max(startsAt, now), endsAt },
      now,
    );
    return loadPass(trx, passId, now);
  });
}

/**
 * Tells webhooks of the passes whose window has closed (`…_removed` management events, at the
 * instant each ended), at most `batch` per call; safe from several processes at once (each pass is
 * claimed by a conditional update, so told once). Revoked passes were told when revoked. Returns how
 * many were told. Run periodically (src/background.ts).
 */
export async function endDuePasses(db: Db, now: number, batch = 100): Promise<number> {
  const due = await db
    .selectFrom('guest_passes')
    .select('id')
    .where('ended_at', 'is', null)
    .where('ends_at', '<=', now)
    .orderBy('ends_at')
    .limit(batch)
    .execute();
  let told = 0;
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('guest_passes')
        .set({ ended_at: now })
        .where('id', '=', id)
        .where('ended_at', 'is', null)
        .where('ends_at', '<=', now)
        .executeTakeFirst();
      if (claimed.numUpdatedRows !== 1n) return;
      const pass = await loadPass(trx, id, now);
      await publishGuestAccessList(trx, passFacts(pass), false, pass.endsAt);
      told++;
    });
  }
  return told;
}
