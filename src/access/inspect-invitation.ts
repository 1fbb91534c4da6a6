import { sha256 } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import {
  INVITATION_TTL_MS,
  type InvitationStatus,
  invitationStatus,
  storedDoorIds,
} from './invitation-records.ts';

export interface InvitationView {
  status: InvitationStatus;
  email: string;
  accountName: string;
  inviterName: string;
  doorNames: string[];
  expiresAt: number;
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
  let status: InvitationStatus = invitationStatus(row, now);
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
