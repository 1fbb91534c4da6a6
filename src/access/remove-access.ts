import type { Db } from '../storage/schema.ts';
import { publishAccessListChange } from '../webhooks/publish.ts';
import { accountDoors, requireAccountAdmin } from './account-doors.ts';
import type { Actor } from './actor.ts';
import { NothingToRemove } from './errors.ts';
import { activeGrants, doorHolders, endGrantsGivenBy, endInvitationGrants } from './grants.ts';
import { INVITATION_TTL_MS, storedDoorIds } from './invitation-records.ts';

export type RemovalTarget = { email: string } | { userId: string };

export interface RemovalResult {
  userId: string | null;
  email: string;
  removedDoorIds: string[];
  /** Pending invitations withdrawn, whole or for the doors named. */
  revokedInvitations: number;
}

/**
 * Spec §5.6: ends a person's invitation grants to the account's doors (all of them when `doorIds`
 * is absent) and withdraws their pending invitations for those doors. Effective at once: a grant
 * ended at `now` is no grant from `now` on. The grants the person gave on those doors (`granted_by`,
 * e.g. a guest pass) end too; other grants (a booking) are their product's to end.
 */
export async function removeAccess(
  db: Db,
  admin: Actor,
  target: RemovalTarget,
  doorIds: readonly string[] | undefined,
  now: number,
): Promise<RemovalResult> {
  requireAccountAdmin(admin);
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
      let held = activeGrants(trx, now)
        .select('door_id')
        .where('user_id', '=', user.id)
        .where('source', '=', 'invitation')
        .where('door_id', 'in', ofAccount);
      if (only) held = held.where('door_id', 'in', only);
      const heldDoorIds = [...new Set((await held.execute()).map((r) => r.door_id))];
      removedDoorIds = await endInvitationGrants(trx, user.id, heldDoorIds, now);
      // In the order they were held (the account's order), as before.
      removedDoorIds = heldDoorIds.filter((id) => removedDoorIds.includes(id));
      // What they lent on those doors (a guest pass's grants: granted_by = its host) ends with them.
      await endGrantsGivenBy(trx, user.id, removedDoorIds, now);
      for (const doorId of removedDoorIds) {
        await publishAccessListChange(
          trx,
          { doorId, userId: user.id, added: false, occurredAt: now },
          doorHolders,
        );
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
