import { createUser } from '../accounts/users.ts';
import { sha256 } from '../lib/crypto.ts';
import type { Db } from '../storage/schema.ts';
import { InvitationNotUsable } from './errors.ts';
import { claimInvitation, INVITATION_TTL_MS, invitationStatus } from './invitation-records.ts';
import { shareInvitedDoors } from './share-doors.ts';

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
    const status = invitationStatus(row, now);
    if (status !== 'valid') throw new InvitationNotUsable(status);
    // Claimed before anything else: a second submission of the link waits here, then finds it used.
    const claimed = await claimInvitation(trx, row.id, now);
    if (!claimed) throw new InvitationNotUsable('accepted');
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', row.email)
      .executeTakeFirst();
    if (taken) throw new InvitationNotUsable('email_taken');

    const { userId } = await createUser(trx, { email: row.email, accountId: row.account_id, ...person }, now);
    await shareInvitedDoors(trx, userId, row, now);
    const others = await trx
      .selectFrom('invitations')
      .select(['id', 'account_id', 'door_ids', 'invited_by'])
      .where('email', '=', row.email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('created_at', '>', now - INVITATION_TTL_MS)
      .execute();
    for (const invitation of others) {
      if (await claimInvitation(trx, invitation.id, now))
        await shareInvitedDoors(trx, userId, invitation, now);
    }
    return { userId };
  });
}
