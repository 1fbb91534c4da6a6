import type { Kysely } from 'kysely';

// Webhooks: endpoints staff enable per application environment, and the outbox of deliveries
// written in the same transaction as the change that caused them.
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    // Comma-separated families: door, management, access, enforcer.
    .addColumn('event_families', 'text', (c) => c.notNull())
    .addColumn('api_key_sealed', 'text', (c) => c.notNull())
    .addColumn('signing_secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('disabled_reason', 'text')
    // Since when every attempt failed (cleared by a success): three days of it disables the endpoint.
    .addColumn('failing_since', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_client')
    .on('webhook_endpoints')
    .column('client_id')
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    // Upper-case 32-hex: the payload's `id` and the `webhook-id` header, stable across retries.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) =>
      c.notNull().references('webhook_endpoints.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text')
    .addColumn('event_type', 'text', (c) => c.notNull())
    // The exact body sent (and signed) on every attempt.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('event_at', 'bigint', (c) => c.notNull())
    // Breaks ties between events of the same millisecond in the order they were written.
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    // A dispatcher's lease on the delivery while it sends it.
    .addColumn('locked_until', 'bigint')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_endpoint')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'event_at'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_attempts_delivery')
    .on('webhook_attempts')
    .column('delivery_id')
    .execute();

  // A simulated door in motion remembers the toggle that set it moving, so the sensor's report can
  // be published as that toggle's door event (channel and person included).
  await db.schema.alterTable('doors').addColumn('moving_event_id', 'text').execute();
  await db.schema.alterTable('doors').addColumn('moving_channel', 'text').execute();
  await db.schema.alterTable('doors').addColumn('moving_user_id', 'text').execute();
}
