import { createUser } from '../accounts/users.ts';
import { hexId, randomToken, sha256 } from '../lib/crypto.ts';
import { accessGrantedMail, invitationMail, type SharingFacts } from '../mail/invitation-mail.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { publishAccessListChange } from '../webhooks/publish.ts';
import type { Actor } from './actor.ts';

/** An invitation's sign-up link works for 14 days (our decision), once. */
export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

/** Only the account's Admin shares its doors (spec §1, §5.6). */
export class NotAccountAdmin extends Error {
  readonly code = 'forbidden';
  constructor() {
    super("only the account's Admin can share its doors");
    this.name = 'NotAccountAdmin';
  }
}

/** A door that is not the Admin's account's: reported as unknown, whether or not it exists elsewhere. */
export class DoorNotInAccount extends Error {
  readonly code = 'door_not_found';
  readonly doorId: string;
  constructor(doorId: string) {
    super(`door ${doorId} not found`);
    this.name = 'DoorNotInAccount';
    this.doorId = doorId;
  }
}

/** The Admin sees every door of the account already. */
export class CannotInviteYourself extends Error {
  readonly code = 'invalid_request';
  constructor() {
    super('you already have every door of your account');
    this.name = 'CannotInviteYourself';
  }
}

/** Nobody with this email or id has access to (or a pending invitation for) these doors. */
export class NothingToRemove extends Error {
  readonly code = 'not_found';
  constructor() {
    super('no access or pending invitation to remove');
    this.name = 'NothingToRemove';
  }
}

/** The invitation email could not be handed to the mail server; the invitation was withdrawn. */
export class InvitationMailFailed extends Error {
  readonly code = 'mail_not_sent';
  constructor(cause: unknown) {
    super('the invitation email could not be sent', { cause });
    this.name = 'InvitationMailFailed';
  }
}

export type InvitationStatus = 'valid' | 'unknown' | 'accepted' | 'revoked' | 'expired' | 'email_taken';

/** A sign-up link that cannot be used (any more), and why. */
export class InvitationNotUsable extends Error {
  readonly code = 'invitation_not_usable';
  readonly status: Exclude<InvitationStatus, 'valid'>;
  constructor(status: Exclude<InvitationStatus, 'valid'>) {
    super(`invitation ${status}`);
    this.name = 'InvitationNotUsable';
    this.status = status;
  }
}

export interface SharingDeps {
  db: Db;
  mailer: Mailer;
  /** The public base URL: the sign-up and sign-in links of the emails. */
  publicUrl: string;
  now: number;
}

export type InviteResult =
  | {
      result: 'access_granted';
      userId: string;
      email: string;
      doorIds: string[];
      /** The notification is a courtesy: access stands when it could not be sent. */
      emailSent: boolean;
      mailError?: unknown;
    }
  | { result: 'invitation_sent'; invitationId: string; email: string; doorIds: string[]; expiresAt: number };

export interface PendingInvitation {
  id: string;
  email: string;
  doorIds: string[];
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface SharedAccess {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  doors: { doorId: string; name: string; grantedBy: string | null; grantedAt: number }[];
}

export type RemovalTarget = { email: string } | { userId: string };

export interface RemovalResult {
  userId: string | null;
  email: string;
  removedDoorIds: string[];
  /** Pending invitations withdrawn, whole or for the doors named. */
  revokedInvitations: number;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new NotAccountAdmin();
}

function storedDoorIds(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}

/** The doors asked for, in the order asked, each one of the account's; else `DoorNotInAccount`. */
async function accountDoors(
  db: DbOrTrx,
  accountId: string,
  doorIds: readonly string[],
): Promise<{ id: string; name: string }[]> {
  const wanted = [...new Set(doorIds)];
  const rows = await db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select(['d.id', 'd.name'])
    .where('v.account_id', '=', accountId)
    .where('d.id', 'in', wanted)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.map((id) => {
    const door = byId.get(id);
    if (!door) throw new DoorNotInAccount(id);
    return door;
  });
}

async function sharingFacts(db: DbOrTrx, admin: Actor, doorNames: string[]): Promise<SharingFacts> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .select(['u.first_name', 'u.last_name', 'u.email', 'a.name'])
    .where('u.id', '=', admin.userId)
    .executeTakeFirstOrThrow();
  return {
    inviterName: `${row.first_name} ${row.last_name}`,
    inviterEmail: row.email,
    accountName: row.name,
    doorNames,
  };
}

async function grantDoors(
  db: DbOrTrx,
  userId: string,
  doorIds: readonly string[],
  grantedBy: string | null,
  now: number,
): Promise<void> {
  if (doorIds.length === 0) return;
  const added = await db
    .insertInto('door_access')
    .values(
      doorIds.map((doorId) => ({ door_id: doorId, user_id: userId, granted_by: grantedBy, granted_at: now })),
    )
    // A door the person already has keeps its first grant.
    .onConflict((oc) => oc.columns(['door_id', 'user_id']).doNothing())
    .returning('door_id')
    .execute();
  for (const { door_id } of added) {
    await publishAccessListChange(db, { doorId: door_id, userId, added: true, occurredAt: now });
  }
}

/**
 * Spec §5.6: the Admin shares doors of their account with a person by email. Someone who already
 * has a ParqEx account gets access at once (and a notification); anyone else gets a pending
 * invitation with a single-use sign-up link, valid for 14 days. `email` is normalized and valid.
 */
export async function inviteUser(
  deps: SharingDeps,
  admin: Actor,
  input: { email: string; doorIds: readonly string[] },
): Promise<InviteResult> {
  requireAdmin(admin);
  const { db, now } = deps;
  const doors = await accountDoors(db, admin.accountId, input.doorIds);
  const doorIds = doors.map((d) => d.id);
  const facts = await sharingFacts(
    db,
    admin,
    doors.map((d) => d.name),
  );
  const existing = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', input.email)
    .executeTakeFirst();

  if (existing) {
    if (existing.id === admin.userId) throw new CannotInviteYourself();
    await grantDoors(db, existing.id, doorIds, admin.userId, now);
    let mailError: unknown;
    try {
      await deps.mailer.send(accessGrantedMail(existing.email, facts, `${deps.publicUrl}/login`));
    } catch (error) {
      mailError = error;
    }
    return {
      result: 'access_granted',
      userId: existing.id,
      email: existing.email,
      doorIds,
      emailSent: mailError === undefined,
      ...(mailError === undefined ? {} : { mailError }),
    };
  }

  const token = randomToken();
  const invitationId = hexId();
  await db
    .insertInto('invitations')
    .values({
      id: invitationId,
      account_id: admin.accountId,
      email: input.email,
      door_ids: JSON.stringify(doorIds),
      token_hash: sha256(token),
      invited_by: admin.userId,
      created_at: now,
      accepted_at: null,
      revoked_at: null,
    })
    .execute();
  const expiresAt = now + INVITATION_TTL_MS;
  const link = `${deps.publicUrl}/signup?invitation=${encodeURIComponent(token)}`;
  try {
    await deps.mailer.send(invitationMail(input.email, facts, link, expiresAt));
  } catch (error) {
    // Only the email held the token: an invitation nobody received is withdrawn.
    await db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .execute();
    throw new InvitationMailFailed(error);
  }
  return { result: 'invitation_sent', invitationId, email: input.email, doorIds, expiresAt };
}

/** The account's pending invitations and who has access to which of its doors. */
export async function listSharing(
  db: DbOrTrx,
  admin: Actor,
  now: number,
): Promise<{ invitations: PendingInvitation[]; shared: SharedAccess[] }> {
  requireAdmin(admin);
  const invitations = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'door_ids', 'invited_by', 'created_at'])
    .where('account_id', '=', admin.accountId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('created_at', '>', now - INVITATION_TTL_MS)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  const rows = await db
    .selectFrom('door_access as a')
    .innerJoin('doors as d', 'd.id', 'a.door_id')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select([
      'u.id as user_id',
      'u.email',
      'u.first_name',
      'u.last_name',
      'd.id as door_id',
      'd.name',
      'a.granted_by',
      'a.granted_at',
    ])
    .where('v.account_id', '=', admin.accountId)
    .orderBy('u.email')
    .orderBy('v.created_at')
    .orderBy('v.id')
    .orderBy('d.entity_number')
    .execute();
  const shared = new Map<string, SharedAccess>();
  for (const r of rows) {
    let person = shared.get(r.user_id);
    if (!person) {
      person = {
        userId: r.user_id,
        email: r.email,
        firstName: r.first_name,
        lastName: r.last_name,
        doors: [],
      };
      shared.set(r.user_id, person);
    }
    person.doors.push({
      doorId: r.door_id,
      name: r.name,
      grantedBy: r.granted_by,
      grantedAt: Number(r.granted_at),
    });
  }
  return {
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      doorIds: storedDoorIds(i.door_ids),
      invitedBy: i.invited_by,
      createdAt: Number(i.created_at),
      expiresAt: Number(i.created_at) + INVITATION_TTL_MS,
    })),
    shared: [...shared.values()],
  };
}

/**
 * Spec §5.6: removes a person's access to the account's doors (all of them when `doorIds` is
 * absent) and withdraws their pending invitations for those doors. Effective at once: the toggle
 * reads access from `door_access` on every request.
 */
export async function removeAccess(
  db: Db,
  admin: Actor,
  target: RemovalTarget,
  doorIds: readonly string[] | undefined,
  now: number,
): Promise<RemovalResult> {
  requireAdmin(admin);
  return db.transaction().execute(async (trx) => {
    const only =
      doorIds === undefined
        ? undefined
        : (await accountDoors(trx, admin.accountId, doorIds)).map((d) => d.id);
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email'])
      .where((eb) => ('userId' in target ? eb('id', '=', target.userId) : eb('email', '=', target.email)))
      .executeTakeFirst();
    const email = user?.email ?? ('email' in target ? target.email : undefined);
    if (email === undefined) throw new NothingToRemove();

    let removedDoorIds: string[] = [];
    if (user) {
      const ofAccount = trx
        .selectFrom('doors as d')
        .innerJoin('devices as v', 'v.id', 'd.device_id')
        .select('d.id')
        .where('v.account_id', '=', admin.accountId);
      let held = trx
        .selectFrom('door_access')
        .select('door_id')
        .where('user_id', '=', user.id)
        .where('door_id', 'in', ofAccount);
      if (only) held = held.where('door_id', 'in', only);
      removedDoorIds = (await held.execute()).map((r) => r.door_id);
      if (removedDoorIds.length > 0) {
        await trx
          .deleteFrom('door_access')
          .where('user_id', '=', user.id)
          .where('door_id', 'in', removedDoorIds)
          .execute();
        for (const doorId of removedDoorIds) {
          await publishAccessListChange(trx, { doorId, userId: user.id, added: false, occurredAt: now });
        }
      }
    }

    let revokedInvitations = 0;
    const pending = await trx
      .selectFrom('invitations')
      .select(['id', 'door_ids'])
      .where('account_id', '=', admin.accountId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('created_at', '>', now - INVITATION_TTL_MS)
      .execute();
    for (const invitation of pending) {
      const before = storedDoorIds(invitation.door_ids);
      const after = only ? before.filter((id) => !only.includes(id)) : [];
      if (after.length === before.length) continue;
      // Compare-and-set on the row as read: an invitation accepted meanwhile is left alone (its
      // access, granted in that acceptance, is removed above or by the next DELETE).
      const changed = await trx
        .updateTable('invitations')
        .set(after.length === 0 ? { revoked_at: now } : { door_ids: JSON.stringify(after) })
        .where('id', '=', invitation.id)
        .where('door_ids', '=', invitation.door_ids)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (changed.numUpdatedRows === 1n) revokedInvitations++;
    }

    if (removedDoorIds.length === 0 && revokedInvitations === 0) throw new NothingToRemove();
    return { userId: user?.id ?? null, email, removedDoorIds, revokedInvitations };
  });
}

/** Marks a pending invitation accepted; false when it was accepted or revoked meanwhile. */
async function claim(db: DbOrTrx, invitationId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** An accepted invitation's doors that are still the inviting account's (a controller may have moved). */
async function grantInvitedDoors(
  db: DbOrTrx,
  userId: string,
  invitation: { account_id: string; door_ids: string; invited_by: string },
  now: number,
): Promise<void> {
  const doorIds = storedDoorIds(invitation.door_ids);
  if (doorIds.length === 0) return;
  const stillThere = await db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select('d.id')
    .where('v.account_id', '=', invitation.account_id)
    .where('d.id', 'in', doorIds)
    .execute();
  await grantDoors(
    db,
    userId,
    stillThere.map((d) => d.id),
    invitation.invited_by,
    now,
  );
}

export interface InvitationView {
  status: InvitationStatus;
  email: string;
  accountName: string;
  inviterName: string;
  doorNames: string[];
  expiresAt: number;
}

function statusOf(
  row: { accepted_at: number | null; revoked_at: number | null; created_at: number },
  now: number,
) {
  if (row.revoked_at !== null) return 'revoked';
  if (row.accepted_at !== null) return 'accepted';
  if (Number(row.created_at) + INVITATION_TTL_MS <= now) return 'expired';
  return 'valid';
}

/** What the sign-up page shows for a link's token; `unknown` when no invitation has it. */
export async function inspectInvitation(
  db: DbOrTrx,
  token: string,
  now: number,
): Promise<InvitationView | { status: 'unknown' }> {
  const row = await db
    .selectFrom('invitations as i')
    .innerJoin('accounts as a', 'a.id', 'i.account_id')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.email',
      'i.account_id',
      'i.door_ids',
      'i.created_at',
      'i.accepted_at',
      'i.revoked_at',
      'a.name as account_name',
      'u.first_name',
      'u.last_name',
    ])
    .where('i.token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row) return { status: 'unknown' };
  let status: InvitationStatus = statusOf(row, now);
  if (status === 'valid') {
    const taken = await db.selectFrom('users').select('id').where('email', '=', row.email).executeTakeFirst();
    if (taken) status = 'email_taken';
  }
  const doorIds = storedDoorIds(row.door_ids);
  const doors =
    doorIds.length === 0
      ? []
      : await db
          .selectFrom('doors as d')
          .innerJoin('devices as v', 'v.id', 'd.device_id')
          .select(['d.id', 'd.name'])
          .where('v.account_id', '=', row.account_id)
          .where('d.id', 'in', doorIds)
          .execute();
  return {
    status,
    email: row.email,
    accountName: row.account_name,
    inviterName: row.first_name === null ? row.account_name : `${row.first_name} ${row.last_name}`,
    doorNames: doorIds.flatMap((id) => doors.find((d) => d.id === id)?.name ?? []),
    expiresAt: Number(row.created_at) + INVITATION_TTL_MS,
  };
}

/**
 * Accepting a sign-up link: creates the person as a User of the inviting account, marks the
 * invitation used (single use: a conditional UPDATE, so of two submissions one wins) and grants its
 * doors — together with every other pending invitation to the same address, since holding this
 * link proves the address. One transaction: a refused password leaves the link usable.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  person: { firstName: string; lastName: string; password: string },
  now: number,
): Promise<{ userId: string }> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row) throw new InvitationNotUsable('unknown');
    const status = statusOf(row, now);
    if (status !== 'valid') throw new InvitationNotUsable(status);
    // Claimed before anything else: a second submission of the link waits here, then finds it used.
    const claimed = await claim(trx, row.id, now);
    if (!claimed) throw new InvitationNotUsable('accepted');
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', row.email)
      .executeTakeFirst();
    if (taken) throw new InvitationNotUsable('email_taken');

    const { userId } = await createUser(trx, { email: row.email, accountId: row.account_id, ...person }, now);
    await grantInvitedDoors(trx, userId, row, now);
    const others = await trx
      .selectFrom('invitations')
      .select(['id', 'account_id', 'door_ids', 'invited_by'])
      .where('email', '=', row.email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('created_at', '>', now - INVITATION_TTL_MS)
      .execute();
    for (const invitation of others) {
      if (await claim(trx, invitation.id, now)) await grantInvitedDoors(trx, userId, invitation, now);
    }
    return { userId };
  });
}
