import { endGrant, endGrantsOfSource, grantAccess, listGrantsOfSource } from '../access/grants.ts';
import { hexId } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { BookingNotFound, BookingNotTransferable, WindowOutsideBooking } from './errors.ts';
import type { Actor, Address } from './records.ts';

/**
 * Booking transfer (products.md §2 `booking_id`): THE one function another product (GuestParq) calls
 * to lend a window of a booking to somebody else, and to give it back. Marketplace keeps its tables
 * (`bookings`, `booking_transfers`) to itself; the borrower keeps its own (a guest pass) and makes the
 * borrower's access grants itself. The split:
 *
 * - `describe`: the renter's own confirmed booking (else 404 `booking_not_found` — another person's,
 *   even the owner account's Admin: lending is the renter's; 409 `booking_not_transferable` once it
 *   is cancelled or over) → what the borrower needs: the gates (door ids), the window, the plate, the
 *   property's zone, name and address. Writes nothing.
 * - `lend` (in the caller's transaction, with the borrower's own writes): the same checks, the window
 *   inside the booking's (else 422 `window_outside_booking`) and not overlapping another lent window
 *   still out (409 `booking_not_transferable`); the renter's grants of the booking (person and plate,
 *   source `booking`) are cut out for `[startsAt, endsAt)` — what runs after it is granted again — and
 *   the transfer is recorded with the handle of the borrower's grants (`grantSource`/`grantSourceId`).
 * - `return` (the borrower ends it early, e.g. a pass revoked): the renter gets the gates back at
 *   once, for the rest of the lent window; the transfer is marked returned. Idempotent: a transfer
 *   already returned (or never made) changes nothing.
 *
 * The booking's end of the deal (`cancelBooking`): a cancellation that ends the booking's grants also
 * ends the grants of every transfer still out, by their handle (`endLentGrants`), so the borrower's
 * access stops at once without the Marketplace knowing what a guest pass is. The renter stays the
 * payer: orders are never touched here.
 */
/** What `transferBooking` needs besides the database (the composition root's `MarketplaceDeps` has it). */
export interface TransferDeps {
  /** A booking's gates run this long before and after its window (`PARQEX_BOOKING_GRACE_MINUTES`). */
  readonly bookingGraceMs: number;
}

export type TransferRequest =
  | { kind: 'describe'; bookingId: string }
  | {
      kind: 'lend';
      bookingId: string;
      startsAt: number;
      endsAt: number;
      /** The handle of the access grants the borrower makes for the window. */
      grantSource: string;
      grantSourceId: string;
    }
  | { kind: 'return'; grantSource: string; grantSourceId: string };

/** What a borrower needs of a booking. */
export interface LendableBooking {
  bookingId: string;
  /** The property's gates: the doors the booking opens. */
  doorIds: string[];
  startsAt: number;
  endsAt: number;
  plate: string;
  property: { id: string; name: string; address: Address; timeZone: string };
}

export type TransferResult =
  | { kind: 'describe'; booking: LendableBooking }
  | {
      kind: 'lend';
      booking: LendableBooking;
      transferId: string;
      /**
       * The window the borrower's grants should cover, taken from the renter's: the lent window, plus
       * the booking's grace on a side where it meets the booking's own start or end (never before now).
       */
      grantWindow: { startsAt: number; endsAt: number };
    }
  | { kind: 'return'; returned: boolean };

const ID = /^[0-9a-f]{32}$/i;

export async function transferBooking(
  db: DbOrTrx,
  deps: TransferDeps,
  renter: Actor,
  request: TransferRequest,
  now: number,
): Promise<TransferResult> {
  switch (request.kind) {
    case 'describe':
      return { kind: 'describe', booking: await lendable(db, renter, request.bookingId, now) };
    case 'lend':
      return lend(db, deps, renter, request, now);
    case 'return':
      return { kind: 'return', returned: await giveBack(db, renter, request, now) };
  }
}

async function lendable(
  db: DbOrTrx,
  renter: Actor,
  bookingId: string,
  now: number,
): Promise<LendableBooking> {
  const row = ID.test(String(bookingId))
    ? await db
        .selectFrom('bookings as b')
        .innerJoin('properties as p', 'p.id', 'b.property_id')
        .select([
          'b.id',
          'b.user_id',
          'b.status',
          'b.starts_at',
          'b.ends_at',
          'b.plate',
          'p.id as property_id',
          'p.name',
          'p.address',
          'p.time_zone',
        ])
        .where('b.id', '=', String(bookingId).toLowerCase())
        .where('b.status', '!=', 'pending')
        .executeTakeFirst()
    : undefined;
  // Lending is the renter's alone: anybody else (the owner's Admin too) does not see it here.
  if (!row || row.user_id !== renter.userId) throw new BookingNotFound();
  if (row.status !== 'confirmed') throw new BookingNotTransferable(`the booking is ${row.status}`);
  if (Number(row.ends_at) <= now) throw new BookingNotTransferable('the booking is over');
  const doors = await db
    .selectFrom('property_doors')
    .select('door_id')
    .where('property_id', '=', row.property_id)
    .orderBy('door_id')
    .execute();
  return {
    bookingId: row.id,
    doorIds: doors.map((d) => d.door_id),
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    plate: row.plate,
    property: {
      id: row.property_id,
      name: row.name,
      address: JSON.parse(row.address) as Address,
      timeZone: row.time_zone,
    },
  };
}

async function lend(
  db: DbOrTrx,
  deps: TransferDeps,
  renter: Actor,
  request: Extract<TransferRequest, { kind: 'lend' }>,
  now: number,
): Promise<TransferResult> {
  const booking = await lendable(db, renter, request.bookingId, now);
  const { startsAt, endsAt } = request;
  if (!(startsAt >= booking.startsAt && endsAt <= booking.endsAt && endsAt > startsAt && endsAt > now)) {
    throw new WindowOutsideBooking(booking);
  }
  // What the renter gives up: the lent window, with the grace where it meets the booking's edges.
  const from = Math.max(now, startsAt === booking.startsAt ? startsAt - deps.bookingGraceMs : startsAt);
  const to = endsAt === booking.endsAt ? endsAt + deps.bookingGraceMs : endsAt;
  const clash = await db
    .selectFrom('booking_transfers')
    .select('id')
    .where('booking_id', '=', booking.bookingId)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .where((eb) => eb.or([eb('returned_at', 'is', null), eb('returned_at', '>', from)]))
    .executeTakeFirst();
  if (clash) throw new BookingNotTransferable('part of this window is already lent');

  // Cut [from, to) out of the renter's grants of the booking: each ends at `from` (one starting later
  // ends empty) and what ran past `to` is granted again from it.
  for (const grant of await listGrantsOfSource(db, 'booking', booking.bookingId)) {
    const runsPast = grant.endsAt === null || grant.endsAt > to;
    if (!(grant.startsAt < to && (grant.endsAt === null || grant.endsAt > from))) continue;
    await endGrant(db, grant.id, from);
    if (runsPast) {
      await grantAccess(
        db,
        {
          doorId: grant.doorId,
          holder: grant.holder,
          startsAt: Math.max(to, grant.startsAt),
          endsAt: grant.endsAt,
          source: 'booking',
          sourceId: booking.bookingId,
        },
        now,
      );
    }
  }
  const transferId = hexId();
  await db
    .insertInto('booking_transfers')
    .values({
      id: transferId,
      booking_id: booking.bookingId,
      grant_source: request.grantSource,
      grant_source_id: request.grantSourceId,
      starts_at: from,
      ends_at: to,
      returned_at: null,
      created_at: now,
    })
    .execute();
  return { kind: 'lend', booking, transferId, grantWindow: { startsAt: from, endsAt: to } };
}

async function giveBack(
  db: DbOrTrx,
  renter: Actor,
  request: Extract<TransferRequest, { kind: 'return' }>,
  now: number,
): Promise<boolean> {
  const transfer = await db
    .selectFrom('booking_transfers as t')
    .innerJoin('bookings as b', 'b.id', 't.booking_id')
    .select([
      't.id',
      't.booking_id',
      't.starts_at',
      't.ends_at',
      'b.user_id',
      'b.status',
      'b.plate',
      'b.property_id',
    ])
    .where('t.grant_source', '=', request.grantSource)
    .where('t.grant_source_id', '=', request.grantSourceId)
    .where('t.returned_at', 'is', null)
    .executeTakeFirst();
  if (!transfer || transfer.user_id !== renter.userId) return false;
  const endsAt = Number(transfer.ends_at);
  const from = Math.max(now, Number(transfer.starts_at));
  const claimed = await db
    .updateTable('booking_transfers')
    .set({ returned_at: now })
    .where('id', '=', transfer.id)
    .where('returned_at', 'is', null)
    .executeTakeFirst();
  if (claimed.numUpdatedRows !== 1n) return false;
  // A cancelled booking gives nothing back; a window already over has nothing left to give.
  if (transfer.status !== 'confirmed' || from >= endsAt) return true;
  const doors = await db
    .selectFrom('property_doors')
    .select('door_id')
    .where('property_id', '=', transfer.property_id)
    .execute();
  const holders = [
    { kind: 'person' as const, userId: transfer.user_id },
    { kind: 'plate' as const, plate: transfer.plate },
  ];
  for (const { door_id } of doors) {
    for (const holder of holders) {
      await grantAccess(
        db,
        { doorId: door_id, holder, startsAt: from, endsAt, source: 'booking', sourceId: transfer.booking_id },
        now,
      );
    }
  }
  return true;
}

/**
 * For `cancelBooking`: ends at `at` the borrowers' grants of every transfer of the booking still out
 * (by the handle each lend recorded) and marks them returned. Returns how many.
 */
export async function endLentGrants(db: DbOrTrx, bookingId: string, at: number): Promise<number> {
  const out = await db
    .selectFrom('booking_transfers')
    .select(['id', 'grant_source', 'grant_source_id'])
    .where('booking_id', '=', bookingId)
    .where('returned_at', 'is', null)
    .where('ends_at', '>', at)
    .execute();
  for (const t of out) {
    await endGrantsOfSource(db, t.grant_source, t.grant_source_id, at);
    await db.updateTable('booking_transfers').set({ returned_at: at }).where('id', '=', t.id).execute();
  }
  return out.length;
}
