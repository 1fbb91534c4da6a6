import type { DbOrTrx } from '../storage/schema.ts';
import { requireAccountAdmin } from './account-doors.ts';
import type { Actor } from './actor.ts';
import { activeGrants } from './grants.ts';
import { INVITATION_TTL_MS, storedDoorIds } from './invitation-records.ts';

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

/** The account's pending invitations and who holds invitation grants to which of its doors now. */
export async function listSharing(
  db: DbOrTrx,
  admin: Actor,
  now: number,
): Promise<{ invitations: PendingInvitation[]; shared: SharedAccess[] }> {
  requireAccountAdmin(admin);
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
    .selectFrom(activeGrants(db, now).selectAll().where('source', '=', 'invitation').as('a'))
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
      'a.starts_at',
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
      grantedAt: Number(r.starts_at),
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
