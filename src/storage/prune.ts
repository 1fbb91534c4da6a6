import type { Config } from '../config.ts';
import type { Db } from './schema.ts';

/**
 * Deletes what can no longer be used: expired sessions, pending authorization requests, codes, old
 * login attempts, long-expired tokens, idempotency keys past their 24 hours; and wipes sealed refresh successors once their grace window
 * has passed, so no recoverable token outlives it. Safe to run from several processes at once.
 */
export async function pruneExpired(db: Db, config: Config, now: number): Promise<void> {
  const dayAgo = now - 86_400_000;
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  await db.deleteFrom('authorization_requests').where('expires_at', '<=', now).execute();
  await db
    .deleteFrom('login_attempts')
    .where('attempted_at', '<=', now - config.loginWindowS * 1000)
    .execute();
  await db.deleteFrom('authorization_codes').where('expires_at', '<=', dayAgo).execute();
  await db.deleteFrom('access_tokens').where('expires_at', '<=', dayAgo).execute();
  await db.deleteFrom('refresh_tokens').where('expires_at', '<=', dayAgo).execute();
  await db
    .updateTable('refresh_tokens')
    .set({ successor_sealed: null })
    .where('successor_sealed', 'is not', null)
    .where('rotated_at', '<=', now - config.refreshGraceS * 1000)
    .execute();
  // Products.md §0: an Idempotency-Key is remembered for 24 hours.
  await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
}
