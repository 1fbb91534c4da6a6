import { type Kysely, sql } from 'kysely';

/**
 * GuestParq & GuestAccess (products.md §2): guest passes and the doors each opens, the account's
 * guest policy, and the members' permissions (products.md §0 "Permissions").
 *
 * A pass is a record beside the access grants it makes (`access_grants.source = 'guest_pass'`,
 * `source_id` = the pass id): the grants are what opens doors; this row says who invited whom, the
 * window as asked, the link's hash and whether it was revoked. `booking_id` is the host's booking
 * transferred to the guest (null: none). The link's secret (256 bits) is never stored: only its
 * SHA-256 (`link_hash`, unique, found by equality). `code` is the 8-character human-readable code.
 * `ended_at` marks a pass whose end (revocation or its window's close) has been told to webhooks
 * (the `…_removed` management events), so each end is told once by whichever process sees it first.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('guest_passes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('host_user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('guest_first_name', 'text', (c) => c.notNull())
    .addColumn('guest_last_name', 'text', (c) => c.notNull())
    .addColumn('guest_email', 'text')
    .addColumn('guest_phone', 'text')
    // As typed; `plate_match` is its match form (src/lib/plates.ts), for the 30-day plate rule.
    .addColumn('plate', 'text')
    .addColumn('plate_match', 'text')
    // Half-open [starts_at, ends_at), epoch ms UTC; the zone the times were read in and are shown in.
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('booking_id', 'text', (c) => c.references('bookings.id').onDelete('set null'))
    .addColumn('link_hash', 'text', (c) => c.notNull().unique())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'text')
    .addColumn('ended_at', 'bigint')
    .addCheckConstraint('guest_passes_window', sql`ends_at > starts_at`)
    .addCheckConstraint('guest_passes_plate', sql`(plate is null) = (plate_match is null)`)
    .execute();
  // Lists (newest first, keyset), a host's active passes, a plate's days, the sweep of ends.
  await db.schema
    .createIndex('guest_passes_account')
    .on('guest_passes')
    .columns(['account_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('guest_passes_host')
    .on('guest_passes')
    .columns(['host_user_id', 'ends_at'])
    .execute();
  await db.schema
    .createIndex('guest_passes_plate')
    .on('guest_passes')
    .columns(['account_id', 'plate_match', 'ends_at'])
    .execute();
  await db.schema.createIndex('guest_passes_booking').on('guest_passes').column('booking_id').execute();
  await db.schema
    .createIndex('guest_passes_unended')
    .on('guest_passes')
    .column('ends_at')
    .where(sql.ref('ended_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('guest_pass_doors')
    .addColumn('pass_id', 'text', (c) => c.notNull().references('guest_passes.id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('guest_pass_doors_pk', ['pass_id', 'door_id'])
    .execute();
  await db.schema.createIndex('guest_pass_doors_door').on('guest_pass_doors').column('door_id').execute();

  // One row per account that set a policy; a null limit (or no row) is no limit.
  await db.schema
    .createTable('guest_policies')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('max_active_passes_per_host', 'integer')
    .addColumn('max_pass_hours', 'integer')
    .addColumn('max_days_per_plate_30d', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  // The members' permissions (products.md §0): the Admin holds both by role; a User when given.
  await db.schema
    .alterTable('users')
    .addColumn('can_guests', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('can_enforce', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
