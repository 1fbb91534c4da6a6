import { DomainError } from '../lib/domain-error.ts';
import type { DbOrTrx } from '../storage/schema.ts';

/**
 * The members' permissions (products.md §0 "Permissions"): the Admin can do everything on the
 * account; a User may create guest passes (`guests`) and act as a patrol agent (`enforce`) only where
 * the Admin gave it. Stored as `users.can_guests` / `users.can_enforce` (0/1); the Admin's are
 * always both true whatever is stored.
 */

export interface MemberPermissions {
  guests: boolean;
  enforce: boolean;
}

/** Who asks (a person on a page, or an application on their behalf). */
export interface Member {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
}

/** A person of the account, as `GET members` lists them. */
export interface MemberView {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  role: 'admin' | 'user';
  permissions: MemberPermissions;
}

/** Only the account's Admin sets permissions. */
export class PermissionsAdminOnly extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', "only the account's Admin can set members' permissions");
  }
}

/** No person with this id in the caller's account (another account's person is the same). */
export class MemberNotFound extends DomainError {
  constructor(userId: string) {
    super('member_not_found', 'not_found', `member ${userId} not found`);
  }
}

/** The Admin holds every permission by role: they cannot be taken away. */
export class AdminPermissionsFixed extends DomainError {
  constructor() {
    super('admin_permissions_fixed', 'unprocessable', "the account's Admin holds every permission");
  }
}

/** A body that is not `{"guests"?: bool, "enforce"?: bool}` with at least one of them. */
export class InvalidPermissions extends DomainError {
  constructor(message: string) {
    super('invalid_permissions', 'invalid_input', message);
  }
}

function permissionsOf(row: { role: 'admin' | 'user'; can_guests: number; can_enforce: number }) {
  return row.role === 'admin'
    ? { guests: true, enforce: true }
    : { guests: Number(row.can_guests) === 1, enforce: Number(row.can_enforce) === 1 };
}

/** One person's permissions (none for a person who does not exist). */
export async function getPermissions(db: DbOrTrx, userId: string): Promise<MemberPermissions> {
  const row = await db
    .selectFrom('users')
    .select(['role', 'can_guests', 'can_enforce'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? permissionsOf(row) : { guests: false, enforce: false };
}

/** True when this person may create guest passes now: the Admin, or a User given `guests`. */
export async function mayCreateGuestPasses(db: DbOrTrx, member: Member): Promise<boolean> {
  return member.role === 'admin' || (await getPermissions(db, member.userId)).guests;
}

/** True when this person may act as a patrol agent now: the Admin, or a User given `enforce`. */
export async function mayEnforce(db: DbOrTrx, member: Member): Promise<boolean> {
  return member.role === 'admin' || (await getPermissions(db, member.userId)).enforce;
}

/**
 * The account's people with their permissions, the Admin first then by email (`GET members`). The
 * Admin sees everyone; a User sees only themself (their own permissions, not their colleagues').
 */
export async function listMembers(db: DbOrTrx, caller: Member): Promise<MemberView[]> {
  let query = db
    .selectFrom('users')
    .select(['id', 'email', 'first_name', 'last_name', 'role', 'can_guests', 'can_enforce'])
    .where('account_id', '=', caller.accountId);
  if (caller.role !== 'admin') query = query.where('id', '=', caller.userId);
  const rows = await query
    .orderBy((eb) => eb.case().when('role', '=', 'admin').then(0).else(1).end())
    .orderBy('email')
    .execute();
  return rows.map(memberView);
}

function memberView(row: {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: 'admin' | 'user';
  can_guests: number;
  can_enforce: number;
}): MemberView {
  return {
    userId: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    permissions: permissionsOf(row),
  };
}

/**
 * Sets a member's permissions (`PUT members/{user_id}/permissions`): the Admin only; a field left
 * out keeps its value. Another account's person → `MemberNotFound`; the Admin themself →
 * `AdminPermissionsFixed` unless asking for what they hold already (both true). Returns the member.
 */
export async function setPermissions(
  db: DbOrTrx,
  caller: Member,
  userId: string,
  change: Partial<MemberPermissions>,
): Promise<MemberView> {
  if (caller.role !== 'admin') throw new PermissionsAdminOnly();
  for (const [field, value] of Object.entries(change)) {
    if (field !== 'guests' && field !== 'enforce')
      throw new InvalidPermissions(`unknown permission "${field}"`);
    if (value !== undefined && typeof value !== 'boolean')
      throw new InvalidPermissions(`"${field}" must be true or false`);
  }
  if (change.guests === undefined && change.enforce === undefined)
    throw new InvalidPermissions('give "guests" and/or "enforce"');
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'first_name', 'last_name', 'role', 'can_guests', 'can_enforce'])
    .where('id', '=', userId)
    .where('account_id', '=', caller.accountId)
    .executeTakeFirst();
  if (!row) throw new MemberNotFound(userId);
  if (row.role === 'admin') {
    if (change.guests === false || change.enforce === false) throw new AdminPermissionsFixed();
    return memberView(row);
  }
  const values = {
    ...(change.guests === undefined ? {} : { can_guests: change.guests ? 1 : 0 }),
    ...(change.enforce === undefined ? {} : { can_enforce: change.enforce ? 1 : 0 }),
  };
  await db.updateTable('users').set(values).where('id', '=', userId).execute();
  return memberView({ ...row, ...values });
}
