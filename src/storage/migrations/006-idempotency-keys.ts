import type { Kysely } from 'kysely';

/**
 * Idempotency keys (products.md §0): one row per caller and key, claimed by INSERT (the primary key
 * settles a race), completed with the answer to replay, deleted after 24 h by the pruner.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    // Who may replay it: the client id and user id of a bearer call.
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    // SHA-256 of method, route and canonical body: another body under the same key is refused.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    // Null while the first request still runs.
    .addColumn('status_code', 'integer')
    .addColumn('headers', 'text')
    .addColumn('body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['caller', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expiry')
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}
