import type { Kysely } from 'kysely';

/**
 * Booking transfer (products.md §2 `booking_id`): a window of a confirmed booking lent by its renter
 * to somebody the borrowing product names. The Marketplace owns this table; the borrower is known
 * only by the handle of the access grants it made for the borrower (`grant_source`, `grant_source_id`
 * — a guest pass: `guest_pass`, the pass id), so that cancelling the booking can end them without the
 * Marketplace knowing any other product. `[starts_at, ends_at)` is the lent window (inside the
 * booking's); `returned_at` is when it came back early (the pass revoked, the booking cancelled).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('booking_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id').onDelete('cascade'))
    .addColumn('grant_source', 'text', (c) => c.notNull())
    .addColumn('grant_source_id', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('returned_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('booking_transfers_grant_source', ['grant_source', 'grant_source_id'])
    .execute();
  await db.schema
    .createIndex('booking_transfers_booking')
    .on('booking_transfers')
    .columns(['booking_id', 'starts_at'])
    .execute();
}
