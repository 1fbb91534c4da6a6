import type { DbOrTrx } from '../storage/schema.ts';

/** An invitation's sign-up link works for 14 days (our decision), once. */
export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

export type InvitationStatus = 'valid' | 'unknown' | 'accepted' | 'revoked' | 'expired' | 'email_taken';

/** The door ids an invitation row holds (a JSON array; anything else reads as none). */
export function storedDoorIds(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
}

/** What a stored invitation is at `now`: withdrawn, used, past its 14 days, or still valid. */
export function invitationStatus(
  row: { accepted_at: number | null; revoked_at: number | null; created_at: number },
  now: number,
): 'valid' | 'accepted' | 'revoked' | 'expired' {
  if (row.revoked_at !== null) return 'revoked';
  if (row.accepted_at !== null) return 'accepted';
  if (Number(row.created_at) + INVITATION_TTL_MS <= now) return 'expired';
  return 'valid';
}

/** Marks a pending invitation accepted; false when it was accepted or revoked meanwhile. */
export async function claimInvitation(db: DbOrTrx, invitationId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}
