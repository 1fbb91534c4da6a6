import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the minute-by-minute pruning (src/storage/prune.ts): without them each pass scans
 * every code and token ever issued (a million tokens: a stall of the process once a minute).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['authorization_codes', 'access_tokens', 'refresh_tokens', 'authorization_requests']) {
    await db.schema.createIndex(`${table}_expiry`).on(table).column('expires_at').execute();
  }
  // Only the few rotated tokens still holding a sealed successor (the grace window) are in it.
  await db.schema
    .createIndex('refresh_tokens_sealed_rotation')
    .on('refresh_tokens')
    .column('rotated_at')
    .where(sql.ref('successor_sealed'), 'is not', null)
    .execute();
}
