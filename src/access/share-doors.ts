import type { DbOrTrx } from '../storage/schema.ts';
import { publishAccessListChange } from '../webhooks/publish.ts';
import { doorHolders, grantInvitationAccess } from './grants.ts';
import { storedDoorIds } from './invitation-records.ts';

/**
 * Gives a person the account's doors as invitation grants (open-ended, from `now`), each added one
 * announced as `access_list_user_added` (spec §6). A door the person already has keeps its first grant.
 */
export async function shareDoors(
  db: DbOrTrx,
  userId: string,
  doorIds: readonly string[],
  grantedBy: string | null,
  now: number,
  invitationId: string | null = null,
): Promise<void> {
  for (const doorId of doorIds) {
    const added = await grantInvitationAccess(db, { doorId, userId, grantedBy, sourceId: invitationId }, now);
    if (added)
      await publishAccessListChange(db, { doorId, userId, added: true, occurredAt: now }, doorHolders);
  }
}

/** An accepted invitation's doors that are still the inviting account's (a controller may have moved). */
export async function shareInvitedDoors(
  db: DbOrTrx,
  userId: string,
  invitation: { id: string; account_id: string; door_ids: string; invited_by: string },
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
  // In the order the invitation named them.
  const kept = doorIds.filter((id) => stillThere.some((d) => d.id === id));
  await shareDoors(db, userId, kept, invitation.invited_by, now, invitation.id);
}
