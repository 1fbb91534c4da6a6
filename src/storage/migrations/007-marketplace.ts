import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../schema.ts';

/**
 * The Marketplace (products.md §1): properties and their gates, listings, bookings, orders
 * with their price lines and their payments. Money is integer minor units beside an ISO 4217 code;
 * times are epoch milliseconds (UTC); a window is half-open `[starts_at, ends_at)`.
 *
 * No double booking: a booking holds its listing's capacity over `[starts_at, hold_ends_at)`
 * (`hold_ends_at` null: a monthly plan still renewing holds it for ever; a cancelled or failed
 * booking's hold is empty, `hold_ends_at = starts_at`). On PostgreSQL an exclusion constraint over
 * that range forbids two overlapping holds of a space (`exclusive = 1`); pools are serialised by a
 * row lock on their listing (see marketplace/bookings.ts). On SQLite the write transaction that
 * checks is the one that inserts (`BEGIN IMMEDIATE`).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('properties')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON: {line1, line2, city, region, postal_code, country}.
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('properties_account').on('properties').columns(['account_id', 'id']).execute();
  // Search: a bounding box on latitude first, then longitude, then the exact distance.
  await db.schema
    .createIndex('properties_location')
    .on('properties')
    .columns(['latitude', 'longitude'])
    .execute();

  // A property's gates: doors of its own account (a door may be the gate of several properties).
  await db.schema
    .createTable('property_doors')
    .addColumn('property_id', 'text', (c) => c.notNull().references('properties.id').onDelete('cascade'))
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('property_doors_pk', ['property_id', 'door_id'])
    .execute();
  await db.schema.createIndex('property_doors_door').on('property_doors').column('door_id').execute();

  await db.schema
    .createTable('listings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('property_id', 'text', (c) => c.notNull().references('properties.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('vehicle_size_max', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('hourly_rate', 'bigint')
    .addColumn('daily_max_rate', 'bigint')
    .addColumn('monthly_rate', 'bigint')
    .addColumn('min_minutes', 'integer')
    .addColumn('max_minutes', 'integer')
    // JSON of the wire `availability`, or null: open at all times.
    .addColumn('availability', 'text')
    .addColumn('free_cancel_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('listings_kind', sql`kind in ('space', 'pool')`)
    .addCheckConstraint('listings_capacity', sql`capacity >= 1 and (kind = 'pool' or capacity = 1)`)
    .addCheckConstraint('listings_status', sql`status in ('draft', 'published', 'unpublished')`)
    .execute();
  await db.schema.createIndex('listings_account').on('listings').columns(['account_id', 'id']).execute();
  await db.schema
    .createIndex('listings_property')
    .on('listings')
    .columns(['property_id', 'status'])
    .execute();

  await db.schema
    .createTable('bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('listing_id', 'text', (c) => c.notNull().references('listings.id').onDelete('cascade'))
    .addColumn('property_id', 'text', (c) => c.notNull().references('properties.id').onDelete('cascade'))
    // The owner's account; the renter may be of any account.
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The SHA-256 of the quote id it booked (quote ids are signed quotes, never stored): a quote books once.
    .addColumn('quote_id', 'text', (c) => c.unique())
    .addColumn('plan', 'text', (c) => c.notNull())
    // pending (charging) → confirmed | (deleted when the charge fails); confirmed → cancelled | completed.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('hold_ends_at', 'bigint')
    // 1 when the listing is a space: the exclusion constraint's scope.
    .addColumn('exclusive', 'integer', (c) => c.notNull())
    .addColumn('plate', 'text', (c) => c.notNull())
    .addColumn('vehicle_id', 'text')
    .addColumn('pass_code', 'text', (c) => c.notNull().unique())
    .addColumn('payment_method', 'text', (c) => c.notNull())
    // Monthly: when the next month is charged; null when it will not renew.
    .addColumn('renews_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('cancelled_at', 'bigint')
    .addCheckConstraint('bookings_status', sql`status in ('pending', 'confirmed', 'cancelled', 'completed')`)
    .addCheckConstraint('bookings_plan', sql`plan in ('hourly', 'monthly')`)
    .addCheckConstraint('bookings_window', sql`ends_at > starts_at`)
    .addCheckConstraint('bookings_hold', sql`hold_ends_at is null or hold_ends_at >= starts_at`)
    .execute();
  await db.schema
    .createIndex('bookings_listing_hold')
    .on('bookings')
    .columns(['listing_id', 'starts_at', 'hold_ends_at'])
    .execute();
  await db.schema.createIndex('bookings_user').on('bookings').columns(['user_id', 'starts_at']).execute();
  await db.schema
    .createIndex('bookings_account')
    .on('bookings')
    .columns(['account_id', 'starts_at'])
    .execute();
  await db.schema.createIndex('bookings_renewal').on('bookings').column('renews_at').execute();

  if (dialect === 'postgres') {
    // The database itself refuses two overlapping holds of one space, whatever the application does.
    await sql`create extension if not exists btree_gist schema public`.execute(db);
    await sql`
      alter table bookings add constraint bookings_space_no_overlap
      exclude using gist (listing_id with =, int8range(starts_at, hold_ends_at, '[)') with &&)
      where (exclusive = 1)`.execute(db);
  }

  // An order: what one booking costs (its lines) and what moved (its payments).
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('booking_id', 'text', (c) =>
      c.notNull().unique().references('bookings.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('orders_status', sql`status in ('pending', 'paid', 'refunded')`)
    .execute();
  await db.schema.createIndex('orders_user').on('orders').columns(['user_id', 'created_at']).execute();

  // Price lines: kind `parking` (the owner earns it) or `service_fee` (the platform's); one set per
  // period (a monthly plan adds one per renewal).
  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('period_starts_at', 'bigint', (c) => c.notNull())
    .addColumn('period_ends_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('order_lines_kind', sql`kind in ('parking', 'service_fee')`)
    .execute();
  await db.schema
    .createIndex('order_lines_order')
    .on('order_lines')
    .columns(['order_id', 'created_at'])
    .execute();

  // Money that moved: a charge (positive) or a refund (positive amount, kind `refund`), with the
  // processor's id. Idempotency keys sent to the processor derive from these ids.
  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('processor', 'text', (c) => c.notNull())
    .addColumn('processor_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('payments_kind', sql`kind in ('charge', 'refund')`)
    .addCheckConstraint('payments_amount', sql`amount > 0`)
    .execute();
  await db.schema.createIndex('payments_order').on('payments').columns(['order_id', 'created_at']).execute();
}
