import { randomToken, sha256 } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';

/**
 * Server-side browser sessions. The cookie carries a random id (signed by the cookie layer); the
 * database keeps only its SHA-256, the signed-in user and the CSRF token of the session.
 */
export interface Session {
  /** The raw id, for the cookie. Never stored or logged. */
  id: string;
  idHash: string;
  userId: string | null;
  csrfToken: string;
  expiresAt: number;
}

export async function createSession(
  db: DbOrTrx,
  userId: string | null,
  now: number,
  ttlS: number,
): Promise<Session> {
  const id = randomToken();
  const session = { id, idHash: sha256(id), userId, csrfToken: randomToken(), expiresAt: now + ttlS * 1000 };
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      user_id: userId,
      csrf_token: session.csrfToken,
      created_at: now,
      expires_at: session.expiresAt,
    })
    .execute();
  return session;
}

export async function findSession(db: DbOrTrx, id: string, now: number): Promise<Session | undefined> {
  const idHash = sha256(id);
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'csrf_token', 'expires_at'])
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row && { id, idHash, userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function deleteSession(db: DbOrTrx, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}
