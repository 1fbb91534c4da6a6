import { randomInt } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import { endGrantsOfSource, grantAccess } from '../access/grants.ts';
import { hexId, sha256 } from '../lib/crypto.ts';
import { isDomainError } from '../lib/domain-error.ts';
import { type Money, money, moneyEquals } from '../lib/money.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { publishBookingEvent } from '../webhooks/publish.ts';
import { freeCapacityOf, holdsOverlapping } from './availability.ts';
import { PAST_START_GRACE_MS } from './booking-window.ts';
import type { MarketplaceDeps } from './deps.ts';
import {
  BookableListingNotFound,
  BookingCompleted,
  BookingNotCancellable,
  BookingNotFound,
  DurationOutOfRange,
  InvalidVehicle,
  NotListingAdmin,
  OutsideOpeningHours,
  PriceChanged,
  QuoteAlreadyUsed,
  QuoteExpired,
  QuoteNotFound,
  Unavailable,
  WindowInPast,
} from './errors.ts';
import { findBookableListing } from './listings.ts';
import { isOpenForWindow } from './opening-hours.ts';
import { encodeCursor, readPage } from './paging.ts';
import { InvalidPaymentMethod, PaymentDeclined, PaymentFailed } from './payments/payment-errors.ts';
import type { Charge } from './payments/payment-processor.ts';
import { monthlyQuoteLines, type PriceLine, type Quote, quoteLines, SERVICE_FEE_LINE } from './pricing.ts';
import { verifyQuote } from './quote-tokens.ts';
import { addLocalMonth, priceWindow } from './quotes.ts';
import type { Actor, Booking, BookingStatus, Listing, Page, PageRequest, Property } from './records.ts';
import { endLentGrants } from './transfer.ts';

/**
 * Bookings (products.md §1 "Book", "Cancel", "No double booking, ever"). See README.md for the
 * design: two short transactions around the charge; the database decides every race.
 */

export type BookInput =
  | {
      quoteId: string;
      finalPrice: Money;
      vehicleId?: string;
      plate?: string;
      paymentMethod: string;
    }
  | {
      listingId: string;
      plan: 'monthly';
      /** RFC 3339 with an offset, or naive local in the property's zone. */
      starts: string;
      /** When given, must equal the month's total (else 409 `price_changed`). */
      finalPrice?: Money;
      vehicleId?: string;
      plate?: string;
      paymentMethod: string;
    };

const MINUTE_MS = 60_000;
/**
 * A pending booking younger than this is still being charged by its request; settlement leaves it.
 * Well above the Stripe SDK's worst case for one charge (30 s timeout × 2 attempts + backoff ≈ 61 s),
 * so settlement never races the request that is still asking.
 */
export const SETTLE_AFTER_MS = 5 * MINUTE_MS;
/** How long a renewal's claim on a period keeps other processes off it (a crash: retried after). */
const RENEW_CLAIM_MS = 10 * MINUTE_MS;
// No 0/O, 1/I: read aloud and typed from a phone.
const PASS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ID = /^[0-9a-f]{32}$/i;

function isPostgres(db: DbOrTrx): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export function newPassCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += PASS_ALPHABET[randomInt(PASS_ALPHABET.length)];
  return code;
}

/** Which of our constraints a failed statement broke, if any (SQLite messages, PostgreSQL codes). */
function brokenConstraint(error: unknown): 'overlap' | 'pass_code' | 'quote_id' | undefined {
  const e = error as { code?: string; constraint?: string; message?: string } | undefined;
  const text = `${e?.constraint ?? ''} ${e?.message ?? ''}`;
  if (e?.code === '23P01' || text.includes('bookings_space_no_overlap')) return 'overlap';
  if (e?.code === '23505' || /UNIQUE constraint failed/.test(text)) {
    if (text.includes('pass_code')) return 'pass_code';
    if (text.includes('quote_id')) return 'quote_id';
  }
  return undefined;
}

interface Vehicle {
  plate: string;
  vehicleId: string | null;
}

async function vehicleOf(
  db: DbOrTrx,
  actor: Actor,
  input: { vehicleId?: string; plate?: string },
): Promise<Vehicle> {
  if (input.vehicleId !== undefined && input.vehicleId !== null) {
    const row = ID.test(input.vehicleId)
      ? await db
          .selectFrom('vehicles')
          .select(['id', 'plate'])
          .where('id', '=', input.vehicleId.toLowerCase())
          .where('user_id', '=', actor.userId)
          .executeTakeFirst()
      : undefined;
    if (!row) throw new InvalidVehicle('vehicle_id is not one of your vehicles');
    return { plate: row.plate, vehicleId: row.id };
  }
  const plate = typeof input.plate === 'string' ? input.plate.trim() : '';
  if (plate === '') throw new InvalidVehicle('give vehicle_id (one of your vehicles) or plate');
  if (plate.length > 16 || !/^[A-Za-z0-9][A-Za-z0-9 -]*$/.test(plate))
    throw new InvalidVehicle(
      'plate must be letters and digits (spaces and dashes allowed), at most 16 characters',
    );
  return { plate, vehicleId: null };
}

/** What a booking request settles to before anything is written. */
interface Plan {
  listing: Listing;
  property: Property;
  plan: 'hourly' | 'monthly';
  quoteId: string | null;
  startsAt: number;
  endsAt: number;
  price: Quote;
}

async function planOf(deps: MarketplaceDeps, actor: Actor, input: BookInput, now: number): Promise<Plan> {
  if ('quoteId' in input) {
    const claims = verifyQuote(deps.quoteKey, String(input.quoteId));
    // A forged or altered id, or another person's quote, is no quote.
    if (!claims || claims.userId !== actor.userId) throw new QuoteNotFound();
    const quoteDigest = sha256(String(input.quoteId));
    const used = await deps.db
      .selectFrom('bookings')
      .select('id')
      .where('quote_id', '=', quoteDigest)
      .executeTakeFirst();
    if (used) throw new QuoteAlreadyUsed();
    if (claims.expiresAt <= now) throw new QuoteExpired();
    const quote = {
      id: quoteDigest,
      listing_id: claims.listingId,
      plan: claims.plan,
      starts_at: claims.startsAt,
      ends_at: claims.endsAt,
      currency: claims.currency,
      total: claims.amounts.reduce((sum, amount) => sum + amount, 0),
    };
    const found = await findBookableListing(deps.db, quote.listing_id);
    if (found?.listing.status !== 'published') throw new Unavailable();
    const { listing, property } = found;
    const startsAt = Number(quote.starts_at);
    const endsAt = Number(quote.ends_at);
    const quoted = money(Number(quote.total), quote.currency);
    // Everything the quote assumed, again: the listing may have changed since.
    let price: Quote;
    if (quote.plan === 'monthly') {
      price = monthlyQuoteLines(listing.rates, deps.serviceFeePercent);
    } else {
      const minutes = (endsAt - startsAt) / MINUTE_MS;
      if (
        (listing.minMinutes !== null && minutes < listing.minMinutes) ||
        (listing.maxMinutes !== null && minutes > listing.maxMinutes)
      )
        throw new DurationOutOfRange(minutes, listing.minMinutes, listing.maxMinutes);
      if (!isOpenForWindow(listing.availability, startsAt, endsAt, property.timeZone))
        throw new OutsideOpeningHours();
      price = quoteLines({ rates: listing.rates, startsAt, endsAt, feePercent: deps.serviceFeePercent });
    }
    if (startsAt < now - PAST_START_GRACE_MS) throw new WindowInPast();
    if (!moneyEquals(price.total, quoted)) throw new PriceChanged(price.total);
    if (!sameMoney(input.finalPrice, quoted)) throw new PriceChanged(quoted);
    return { listing, property, plan: quote.plan, quoteId: quote.id, startsAt, endsAt, price };
  }
  const found = await findBookableListing(deps.db, String(input.listingId));
  if (found?.listing.status !== 'published') throw new BookableListingNotFound();
  const { listing, property } = found;
  const priced = priceWindow(
    listing,
    property,
    { plan: 'monthly', starts: input.starts },
    deps.serviceFeePercent,
    now,
  );
  if (input.finalPrice !== undefined && !sameMoney(input.finalPrice, priced.price.total))
    throw new PriceChanged(priced.price.total);
  return {
    listing,
    property,
    plan: 'monthly',
    quoteId: null,
    startsAt: priced.startsAt,
    endsAt: priced.endsAt,
    price: priced.price,
  };
}

function sameMoney(given: Money | undefined, expected: Money): boolean {
  return (
    given !== undefined &&
    given !== null &&
    Number.isSafeInteger(given.amount) &&
    given.amount === expected.amount &&
    typeof given.currency === 'string' &&
    given.currency.toUpperCase() === expected.currency
  );
}

function lineRows(
  orderId: string,
  lines: readonly PriceLine[],
  startsAt: number,
  endsAt: number,
  now: number,
) {
  return lines.map((line) => ({
    id: hexId(),
    order_id: orderId,
    kind: line.label === SERVICE_FEE_LINE ? ('service_fee' as const) : ('parking' as const),
    label: line.label,
    amount: line.amount.amount,
    period_starts_at: startsAt,
    period_ends_at: endsAt,
    created_at: now,
  }));
}

/**
 * Books a quote (or a monthly plan) for `actor` and charges `paymentMethod` (products.md §1 "Book").
 *
 * 1. Everything the quote assumed is checked again (published, hours, duration, past, price).
 * 2. Transaction 1 holds the capacity: SQLite's `BEGIN IMMEDIATE` makes the check and the insert one
 *    step for every process on the file; on PostgreSQL a pool's listing row is locked (`FOR UPDATE`)
 *    and a space's overlap is refused by the exclusion constraint (23P01 → `unavailable`). It writes
 *    the booking `pending`, its order `pending` and the order's lines.
 * 3. The charge, with the order id as its idempotency key. A decline deletes the pending rows
 *    (nothing left) and answers 402; a processor failure leaves them for `settlePendingBookings`.
 * 4. Transaction 2 confirms: booking `confirmed`, order `paid`, the payment, a grant to each gate for
 *    `[starts − grace, ends + grace)`, the `booking_created` webhook.
 */
export async function book(
  deps: MarketplaceDeps,
  actor: Actor,
  input: BookInput,
  now: number,
): Promise<Booking> {
  const plan = await planOf(deps, actor, input, now);
  const vehicle = await vehicleOf(deps.db, actor, input);
  const paymentMethod = typeof input.paymentMethod === 'string' ? input.paymentMethod : '';

  const bookingId = hexId();
  const orderId = hexId();
  await holdCapacity(deps.db, actor, plan, vehicle, paymentMethod, bookingId, orderId, now);

  let charge: Charge;
  try {
    charge = await chargeOrder(deps, { bookingId, orderId, paymentMethod, total: plan.price.total });
  } catch (error) {
    if (isDomainError(error) && !(error instanceof PaymentFailed)) {
      // Declined (or a method the processor does not know): nothing was charged, nothing stays.
      await deletePending(deps.db, bookingId);
    }
    // A failure of the processor: it may or may not have charged. The pending booking keeps its
    // place; settlement asks again with the same key and confirms or deletes it.
    throw error;
  }
  const confirmed = await confirmPending(deps, bookingId, charge, now);
  // What readBooking would read back, from what transaction 2 returned (one statement fewer); a
  // booking another process settled meanwhile is read.
  if (confirmed)
    return bookingOf(
      {
        ...confirmed.booking,
        time_zone: plan.property.timeZone,
        order_id: confirmed.order.id,
        order_status: 'paid',
        currency: confirmed.order.currency,
        order_total: plan.price.lines.reduce((sum, line) => sum + line.amount.amount, 0),
      },
      now,
    );
  return (await readBooking(deps.db, bookingId, now))!;
}

async function holdCapacity(
  db: Db,
  actor: Actor,
  plan: Plan,
  vehicle: Vehicle,
  paymentMethod: string,
  bookingId: string,
  orderId: string,
  now: number,
): Promise<void> {
  const { listing } = plan;
  const holdEnd = plan.plan === 'monthly' ? null : plan.endsAt;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction().execute(async (trx) => {
        if (isPostgres(trx) && listing.kind === 'pool') {
          // Pools: one booking of this listing at a time decides (the count is not a constraint).
          await trx.selectFrom('listings').select('id').where('id', '=', listing.id).forUpdate().execute();
        }
        const current = await trx
          .selectFrom('listings')
          .select('status')
          .where('id', '=', listing.id)
          .executeTakeFirst();
        if (current?.status !== 'published') throw new Unavailable();
        const end = holdEnd ?? Number.MAX_SAFE_INTEGER;
        const holds = await holdsOverlapping(trx, [listing.id], plan.startsAt, end);
        if (freeCapacityOf(listing.capacity, holds.get(listing.id) ?? [], plan.startsAt, end) === 0)
          throw new Unavailable();
        await trx
          .insertInto('bookings')
          .values({
            id: bookingId,
            listing_id: listing.id,
            property_id: plan.property.id,
            account_id: listing.accountId,
            user_id: actor.userId,
            quote_id: plan.quoteId,
            plan: plan.plan,
            status: 'pending',
            starts_at: plan.startsAt,
            ends_at: plan.endsAt,
            hold_ends_at: holdEnd,
            exclusive: listing.kind === 'space' ? 1 : 0,
            plate: vehicle.plate,
            vehicle_id: vehicle.vehicleId,
            pass_code: newPassCode(),
            payment_method: paymentMethod,
            renews_at: plan.plan === 'monthly' ? plan.endsAt : null,
            created_at: now,
            cancelled_at: null,
          })
          .execute();
        await trx
          .insertInto('orders')
          .values({
            id: orderId,
            booking_id: bookingId,
            user_id: actor.userId,
            account_id: listing.accountId,
            currency: plan.price.total.currency,
            status: 'pending',
            created_at: now,
            updated_at: now,
          })
          .execute();
        await trx
          .insertInto('order_lines')
          .values(lineRows(orderId, plan.price.lines, plan.startsAt, plan.endsAt, now))
          .execute();
      });
      return;
    } catch (error) {
      const broken = brokenConstraint(error);
      if (broken === 'overlap') throw new Unavailable({ cause: error });
      if (broken === 'quote_id') throw new QuoteAlreadyUsed();
      if (broken === 'pass_code' && attempt < 5) continue;
      throw error;
    }
  }
}

function chargeOrder(
  deps: MarketplaceDeps,
  order: { bookingId: string; orderId: string; paymentMethod: string; total: Money },
): Promise<Charge> {
  // Always the same request for one order: a retry (settlement) gets the first answer.
  return deps.payments.charge({
    amount: order.total.amount,
    currency: order.total.currency,
    paymentMethod: order.paymentMethod,
    idempotencyKey: order.orderId,
    description: `ParqEx booking ${order.bookingId}`,
    metadata: { booking_id: order.bookingId, order_id: order.orderId },
  });
}

async function deletePending(db: Db, bookingId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .select('id')
      .where('booking_id', '=', bookingId)
      .executeTakeFirst();
    if (order) {
      await trx.deleteFrom('order_lines').where('order_id', '=', order.id).execute();
      await trx.deleteFrom('payments').where('order_id', '=', order.id).execute();
      await trx.deleteFrom('orders').where('id', '=', order.id).execute();
    }
    await trx.deleteFrom('bookings').where('id', '=', bookingId).where('status', '=', 'pending').execute();
  });
}

/** Transaction 2: a pending booking whose charge succeeded becomes confirmed (once, whoever gets there first). */
async function confirmPending(deps: MarketplaceDeps, bookingId: string, charge: Charge, now: number) {
  return deps.db.transaction().execute(async (trx) => {
    // UPDATE … RETURNING: the change and the row in one statement each (SQLite ≥ 3.35, PostgreSQL).
    const booking = await trx
      .updateTable('bookings')
      .set({ status: 'confirmed' })
      .where('id', '=', bookingId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!booking) return undefined; // settled meanwhile by another process
    const order = await trx
      .updateTable('orders')
      .set({ status: 'paid', updated_at: now })
      .where('booking_id', '=', bookingId)
      .returning(['id', 'currency'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('payments')
      .values({
        id: hexId(),
        order_id: order.id,
        kind: 'charge',
        amount: charge.amount,
        processor: deps.payments.name,
        processor_ref: charge.id,
        created_at: now,
      })
      .execute();
    await grantGates(trx, deps, booking, Number(booking.starts_at), Number(booking.ends_at), now);
    await publishBookingEvent(trx, {
      eventType: 'booking_created',
      occurredAt: now,
      bookingId,
      listingId: booking.listing_id,
      propertyId: booking.property_id,
      accountId: booking.account_id,
      userId: booking.user_id,
      status: 'confirmed',
      startsAt: Number(booking.starts_at),
      endsAt: Number(booking.ends_at),
      plate: booking.plate,
      total: money(charge.amount, charge.currency),
    });
    return { booking, order };
  });
}

/**
 * The gates of the booking's property for `[startsAt − grace, endsAt + grace)`: to the renter (app,
 * API, pass page) and to the booking's plate (LPR, products.md §1 "The pass").
 */
async function grantGates(
  trx: DbOrTrx,
  deps: MarketplaceDeps,
  booking: { id: string; property_id: string; user_id: string; plate: string },
  startsAt: number,
  endsAt: number,
  now: number,
): Promise<void> {
  const doors = await trx
    .selectFrom('property_doors')
    .select('door_id')
    .where('property_id', '=', booking.property_id)
    .execute();
  const holders = [
    { kind: 'person' as const, userId: booking.user_id },
    { kind: 'plate' as const, plate: booking.plate },
  ];
  for (const { door_id } of doors) {
    for (const holder of holders) {
      await grantAccess(
        trx,
        {
          doorId: door_id,
          holder,
          startsAt: startsAt - deps.bookingGraceMs,
          endsAt: endsAt + deps.bookingGraceMs,
          source: 'booking',
          sourceId: booking.id,
        },
        now,
      );
    }
  }
}

/**
 * Background: pending bookings older than a minute are ones whose request died (or whose processor
 * failed) between the charge and transaction 2. The charge is asked again with the same key — the
 * processor answers as it did the first time — and the booking is confirmed (charged) or deleted
 * (declined). A processor still failing leaves it for the next round. Returns what it did.
 */
export async function settlePendingBookings(
  deps: MarketplaceDeps,
  now: number,
): Promise<{ confirmed: number; deleted: number }> {
  const pending = await deps.db
    .selectFrom('bookings as b')
    .innerJoin('orders as o', 'o.booking_id', 'b.id')
    .select(['b.id', 'b.payment_method', 'o.id as order_id', 'o.currency'])
    .where('b.status', '=', 'pending')
    .where('b.created_at', '<=', now - SETTLE_AFTER_MS)
    .limit(100)
    .execute();
  let confirmed = 0;
  let deleted = 0;
  for (const row of pending) {
    const lines = await deps.db
      .selectFrom('order_lines')
      .select('amount')
      .where('order_id', '=', row.order_id)
      .execute();
    const total = money(
      lines.reduce((sum, l) => sum + Number(l.amount), 0),
      row.currency,
    );
    let charge: Charge;
    try {
      charge = await chargeOrder(deps, {
        bookingId: row.id,
        orderId: row.order_id,
        paymentMethod: row.payment_method,
        total,
      });
    } catch (error) {
      // Only a refusal of the payment means nothing was charged. Any other answer (a failure, a
      // reused key) leaves the booking pending for the next round.
      if (error instanceof PaymentDeclined || error instanceof InvalidPaymentMethod) {
        await deletePending(deps.db, row.id);
        deleted++;
      }
      continue;
    }
    await confirmPending(deps, row.id, charge, now);
    confirmed++;
  }
  return { confirmed, deleted };
}

/**
 * Cancels a booking (products.md §1 "Cancel"): its renter or the owner account's Admin. Before the
 * free-cancellation cutoff (`starts − free_cancel_minutes`) every charge is refunded and the order is
 * `refunded`; after it nothing is. Hourly: the grants end now and the hold ends at
 * `max(starts, min(now, ends))` (the rest of the window is free again). Monthly: it stops renewing;
 * refunded (not started) it holds nothing and its grants end now, otherwise it keeps its place and
 * its gates until the end of the paid period. `booking_cancelled` goes out. Another person's booking
 * → 404 `booking_not_found`; a cancelled one → 409 `already_cancelled`, a completed one → 409
 * `booking_completed`.
 */
export async function cancelBooking(
  deps: MarketplaceDeps,
  actor: Actor,
  bookingId: string,
  now: number,
): Promise<Booking> {
  const booking = await visibleBookingRow(deps.db, actor, bookingId);
  const status = effectiveStatus(booking, now);
  if (status === 'completed') throw new BookingCompleted();
  if (status !== 'confirmed') throw new BookingNotCancellable(status);
  const listing = await deps.db
    .selectFrom('listings')
    .select('free_cancel_minutes')
    .where('id', '=', booking.listing_id)
    .executeTakeFirstOrThrow();
  const startsAt = Number(booking.starts_at);
  const endsAt = Number(booking.ends_at);
  const refund = now < startsAt - Number(listing.free_cancel_minutes) * MINUTE_MS;
  const order = await deps.db
    .selectFrom('orders')
    .selectAll()
    .where('booking_id', '=', booking.id)
    .executeTakeFirstOrThrow();

  const refunds: Array<{ amount: number; ref: string }> = [];
  if (refund) {
    const charges = await deps.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', order.id)
      .where('kind', '=', 'charge')
      .execute();
    for (const charge of charges) {
      // The key names the charge: a retried cancellation (or a concurrent one) refunds once.
      const done = await deps.payments.refund({
        chargeId: charge.processor_ref,
        idempotencyKey: `refund:${charge.id}`,
      });
      refunds.push({ amount: done.amount, ref: done.id });
    }
  }

  // Refunded: it holds nothing. Else hourly keeps what it used, monthly its paid period — read from
  // the row as this update finds it (`hold_ends_at = ends_at`): a renewal committed since the read
  // above has lengthened it, and its grants stay.
  const holdEnd = refund
    ? startsAt
    : booking.plan === 'monthly'
      ? sql<number>`ends_at`
      : Math.max(startsAt, Math.min(now, endsAt));
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('bookings')
      .set({ status: 'cancelled', cancelled_at: now, renews_at: null, hold_ends_at: holdEnd })
      .where('id', '=', booking.id)
      .where('status', '=', 'confirmed')
      .returning('ends_at')
      .executeTakeFirst();
    if (!updated) throw new BookingNotCancellable('cancelled');
    const endsAt = Number(updated.ends_at);
    if (booking.plan === 'hourly' || refund) {
      // A window lent to a guest ends with it: their grants end too (transfer.ts), at once. First: its
      // update waits for a return committing meanwhile, so the renter's grants ended next include
      // those that return gave back (PostgreSQL reads each statement afresh).
      await endLentGrants(trx, booking.id, now);
      await endGrantsOfSource(trx, 'booking', booking.id, now);
    }
    if (refunds.length > 0) {
      await trx
        .insertInto('payments')
        .values(
          refunds.map((r) => ({
            id: hexId(),
            order_id: order.id,
            kind: 'refund' as const,
            amount: r.amount,
            processor: deps.payments.name,
            processor_ref: r.ref,
            created_at: now,
          })),
        )
        .execute();
      await trx
        .updateTable('orders')
        .set({ status: 'refunded', updated_at: now })
        .where('id', '=', order.id)
        .execute();
    }
    const total = await orderTotal(trx, order.id, order.currency);
    await publishBookingEvent(trx, {
      eventType: 'booking_cancelled',
      occurredAt: now,
      bookingId: booking.id,
      listingId: booking.listing_id,
      propertyId: booking.property_id,
      accountId: booking.account_id,
      userId: booking.user_id,
      status: 'cancelled',
      startsAt,
      endsAt,
      plate: booking.plate,
      total,
    });
  });
  return (await readBooking(deps.db, booking.id, now))!;
}

async function orderTotal(db: DbOrTrx, orderId: string, currency: string): Promise<Money> {
  const lines = await db.selectFrom('order_lines').select('amount').where('order_id', '=', orderId).execute();
  return money(
    lines.reduce((sum, l) => sum + Number(l.amount), 0),
    currency,
  );
}

/**
 * Background: monthly plans whose period ends (`renews_at <= now`) are charged the next month (the
 * current monthly rate and fee), with a key naming the booking and the period, so two processes or a
 * retry charge once; the booking then runs a month longer, with new lines and a new grant. A declined
 * renewal stops the plan: it ends with its paid period.
 */
export async function renewMonthlyBookings(
  deps: MarketplaceDeps,
  now: number,
): Promise<{ renewed: number; stopped: number }> {
  const due = await deps.db
    .selectFrom('bookings as b')
    .innerJoin('orders as o', 'o.booking_id', 'b.id')
    .innerJoin('properties as p', 'p.id', 'b.property_id')
    .selectAll('b')
    .select(['o.id as order_id', 'p.time_zone'])
    .where('b.status', '=', 'confirmed')
    .where('b.plan', '=', 'monthly')
    .where('b.renews_at', 'is not', null)
    .where('b.renews_at', '<=', now)
    .limit(100)
    .execute();
  let renewed = 0;
  let stopped = 0;
  for (const booking of due) {
    const periodStart = Number(booking.ends_at);
    const periodEnd = addLocalMonth(periodStart, booking.time_zone);
    // Claim the period before charging: one process wins it (the others see `renews_at` moved on),
    // and a cancel after the claim makes the final write below lose, which refunds. A claim whose
    // process died comes due again when it lapses; the charge's key replays the same charge.
    const claim = now + RENEW_CLAIM_MS;
    const claimed = await deps.db
      .updateTable('bookings')
      .set({ renews_at: claim })
      .where('id', '=', booking.id)
      .where('status', '=', 'confirmed')
      .where('ends_at', '=', periodStart)
      .where('renews_at', '=', Number(booking.renews_at))
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) continue; // another process has it, or it was cancelled
    const found = await findBookableListing(deps.db, booking.listing_id);
    let price: Quote | undefined;
    try {
      if (found) price = monthlyQuoteLines(found.listing.rates, deps.serviceFeePercent);
    } catch {
      price = undefined;
    }
    const chargeKey = `renew:${booking.id}:${periodStart}`;
    let charge: Charge | undefined;
    if (price) {
      try {
        charge = await deps.payments.charge({
          amount: price.total.amount,
          currency: price.total.currency,
          paymentMethod: booking.payment_method,
          idempotencyKey: chargeKey,
          description: `ParqEx booking ${booking.id}, ${new Date(periodStart).toISOString().slice(0, 10)}`,
          metadata: { booking_id: booking.id, order_id: booking.order_id },
        });
      } catch (error) {
        if (!(error instanceof PaymentDeclined || error instanceof InvalidPaymentMethod)) {
          // A failure: it may have charged. Give the period back; next round asks again, same key.
          await deps.db
            .updateTable('bookings')
            .set({ renews_at: Number(booking.renews_at) })
            .where('id', '=', booking.id)
            .where('renews_at', '=', claim)
            .execute();
          continue;
        }
        charge = undefined;
      }
    }
    if (!charge || !price) {
      // No rate any more, or declined: the plan ends with the period it paid for.
      await deps.db
        .updateTable('bookings')
        .set({ renews_at: null, hold_ends_at: periodStart })
        .where('id', '=', booking.id)
        .where('renews_at', '=', claim)
        .execute();
      stopped++;
      continue;
    }
    const paid = charge;
    const lines = price.lines;
    const won = await deps.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('bookings')
        .set({ ends_at: periodEnd, renews_at: periodEnd })
        .where('id', '=', booking.id)
        .where('ends_at', '=', periodStart)
        .where('status', '=', 'confirmed')
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) return false; // cancelled since the claim
      await trx
        .insertInto('order_lines')
        .values(lineRows(booking.order_id, lines, periodStart, periodEnd, now))
        .execute();
      await trx
        .insertInto('payments')
        .values({
          id: hexId(),
          order_id: booking.order_id,
          kind: 'charge',
          amount: paid.amount,
          processor: deps.payments.name,
          processor_ref: paid.id,
          created_at: now,
        })
        .execute();
      await grantGates(trx, deps, booking, periodStart, periodEnd, now);
      return true;
    });
    if (!won) {
      // Cancelled between the claim and now: the month is not sold, its charge goes back. Both stay
      // on the order, so the renter's statement shows what happened to their money.
      const back = await deps.payments.refund({ chargeId: paid.id, idempotencyKey: `refund:${chargeKey}` });
      await deps.db
        .insertInto('payments')
        .values([
          {
            id: hexId(),
            order_id: booking.order_id,
            kind: 'charge' as const,
            amount: paid.amount,
            processor: deps.payments.name,
            processor_ref: paid.id,
            created_at: now,
          },
          {
            id: hexId(),
            order_id: booking.order_id,
            kind: 'refund' as const,
            amount: back.amount,
            processor: deps.payments.name,
            processor_ref: back.id,
            created_at: now,
          },
        ])
        .execute();
      continue;
    }
    renewed++;
  }
  return { renewed, stopped };
}

// ---- reading ----

type BookingRow = {
  id: string;
  listing_id: string;
  property_id: string;
  account_id: string;
  user_id: string;
  plan: 'hourly' | 'monthly';
  status: 'pending' | 'confirmed' | 'cancelled' | 'completed';
  starts_at: number;
  ends_at: number;
  renews_at: number | null;
  plate: string;
  vehicle_id: string | null;
  pass_code: string;
  created_at: number;
  cancelled_at: number | null;
};

/** `completed` once the window has passed and nothing renews it (computed when read). */
function effectiveStatus(
  row: Pick<BookingRow, 'status' | 'ends_at' | 'renews_at'>,
  now: number,
): BookingStatus {
  if (row.status === 'confirmed' && Number(row.ends_at) <= now && row.renews_at === null) return 'completed';
  return row.status as BookingStatus;
}

function bookingsQuery(db: DbOrTrx) {
  return db
    .selectFrom('bookings as b')
    .innerJoin('properties as p', 'p.id', 'b.property_id')
    .innerJoin('orders as o', 'o.booking_id', 'b.id')
    .selectAll('b')
    .select((eb) => [
      'p.time_zone',
      'o.id as order_id',
      'o.status as order_status',
      'o.currency',
      eb
        .selectFrom('order_lines as l')
        .select(sql<number>`coalesce(sum(l.amount), 0)`.as('t'))
        .whereRef('l.order_id', '=', 'o.id')
        .as('order_total'),
    ])
    .where('b.status', '!=', 'pending');
}

type JoinedRow = BookingRow & {
  time_zone: string;
  order_id: string;
  order_status: 'pending' | 'paid' | 'refunded';
  currency: string;
  order_total: number | string | null;
};

/** The one mapping from a booking row (with its property's zone and its order) to a `Booking`. */
export function bookingOf(row: JoinedRow, now: number): Booking {
  return {
    id: row.id,
    status: effectiveStatus(row, now),
    plan: row.plan,
    listingId: row.listing_id,
    propertyId: row.property_id,
    accountId: row.account_id,
    userId: row.user_id,
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    timeZone: row.time_zone,
    plate: row.plate,
    vehicleId: row.vehicle_id,
    passCode: row.pass_code,
    order: {
      id: row.order_id,
      total: money(Number(row.order_total ?? 0), row.currency),
      status: row.order_status === 'refunded' ? 'refunded' : 'paid',
    },
    renewsAt: row.renews_at === null ? null : Number(row.renews_at),
    createdAt: Number(row.created_at),
    cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
  };
}

async function readBooking(db: DbOrTrx, bookingId: string, now: number): Promise<Booking | undefined> {
  const row = await bookingsQuery(db).where('b.id', '=', bookingId).executeTakeFirst();
  return row ? bookingOf(row as JoinedRow, now) : undefined;
}

function maySee(actor: Actor, row: { user_id: string; account_id: string }): boolean {
  return row.user_id === actor.userId || (actor.role === 'admin' && row.account_id === actor.accountId);
}

async function visibleBookingRow(db: DbOrTrx, actor: Actor, bookingId: string) {
  const row = ID.test(String(bookingId))
    ? await db
        .selectFrom('bookings')
        .selectAll()
        .where('id', '=', bookingId.toLowerCase())
        .where('status', '!=', 'pending')
        .executeTakeFirst()
    : undefined;
  if (!row || !maySee(actor, row)) throw new BookingNotFound();
  return row;
}

/** One booking: its renter's, or the owner account's Admin's; else 404 `booking_not_found`. */
export async function getBooking(
  db: DbOrTrx,
  actor: Actor,
  bookingId: string,
  now = Date.now(),
): Promise<Booking> {
  const row = ID.test(String(bookingId))
    ? await bookingsQuery(db).where('b.id', '=', bookingId.toLowerCase()).executeTakeFirst()
    : undefined;
  if (!row || !maySee(actor, row)) throw new BookingNotFound();
  return bookingOf(row as JoinedRow, now);
}

/** The actor's own bookings, newest first (keyset on created_at, id). */
export async function listMyBookings(
  db: DbOrTrx,
  actor: Actor,
  page: PageRequest,
  filter: { status?: BookingStatus } = {},
  now = Date.now(),
): Promise<Page<Booking>> {
  const { limit, after } = readPage(page);
  let query = bookingsQuery(db).where('b.user_id', '=', actor.userId);
  // `completed` is also a confirmed booking whose window has passed and that does not renew.
  const ended = sql<boolean>`(b.ends_at <= ${now} and b.renews_at is null)`;
  if (filter.status === 'cancelled') query = query.where('b.status', '=', 'cancelled');
  else if (filter.status === 'completed')
    query = query.where(sql<boolean>`(b.status = 'completed' or (b.status = 'confirmed' and ${ended}))`);
  else if (filter.status === 'confirmed')
    query = query.where(sql<boolean>`(b.status = 'confirmed' and not ${ended})`);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('b.created_at', '<', after.key),
        eb.and([eb('b.created_at', '=', after.key), eb('b.id', '<', after.id)]),
      ]),
    );
  const rows = (await query
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit + 1)
    .execute()) as JoinedRow[];
  const items = rows.slice(0, limit).map((r) => bookingOf(r, now));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(Number(last.created_at), last.id) : null };
}

/**
 * A listing's bookings for its owner account's Admin (the calendar): those whose window meets
 * `[from, to)` (each bound optional), by start (keyset on starts_at, id). A User → 403; another
 * account's listing → 404 `listing_not_found`.
 */
export async function listListingBookings(
  db: DbOrTrx,
  actor: Actor,
  listingId: string,
  range: { from?: number; to?: number },
  page: PageRequest,
  now = Date.now(),
): Promise<Page<Booking>> {
  const { limit, after } = readPage(page);
  const listing = ID.test(String(listingId))
    ? await db
        .selectFrom('listings')
        .select(['id', 'account_id'])
        .where('id', '=', listingId.toLowerCase())
        .executeTakeFirst()
    : undefined;
  if (!listing || listing.account_id !== actor.accountId) throw new BookableListingNotFound();
  if (actor.role !== 'admin') throw new NotListingAdmin();
  let query = bookingsQuery(db).where('b.listing_id', '=', listing.id);
  if (range.to !== undefined) query = query.where('b.starts_at', '<', range.to);
  if (range.from !== undefined) query = query.where('b.ends_at', '>', range.from);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('b.starts_at', '>', after.key),
        eb.and([eb('b.starts_at', '=', after.key), eb('b.id', '>', after.id)]),
      ]),
    );
  const rows = (await query
    .orderBy('b.starts_at', 'asc')
    .orderBy('b.id', 'asc')
    .limit(limit + 1)
    .execute()) as JoinedRow[];
  const items = rows.slice(0, limit).map((r) => bookingOf(r, now));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(Number(last.starts_at), last.id) : null };
}

/**
 * The pass page's booking (`/pass/<code>`, no sign-in: the code is the pass), with its listing and
 * property (address, gates). Case-insensitive; undefined for an unknown code or a pending booking.
 */
export async function findBookingByPassCode(
  db: DbOrTrx,
  code: string,
  now = Date.now(),
): Promise<{ booking: Booking; listing: Listing; property: Property } | undefined> {
  const normalized = String(code).trim().toUpperCase();
  if (!/^[A-Z0-9]{8}$/.test(normalized)) return undefined;
  const row = await bookingsQuery(db).where('b.pass_code', '=', normalized).executeTakeFirst();
  if (!row) return undefined;
  const found = await findBookableListing(db, row.listing_id);
  if (!found) return undefined;
  return { booking: bookingOf(row as JoinedRow, now), ...found };
}

/**
 * The pass code of the booking a person already made with this quote id, if any: a form sent twice
 * is shown the booking the first one made (bookings.quote_id holds the quote's digest).
 */
export async function passCodeOfQuote(
  db: DbOrTrx,
  actor: Actor,
  quoteId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('bookings')
    .select('pass_code')
    .where('quote_id', '=', sha256(String(quoteId)))
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row?.pass_code;
}

/** A person's bookings still to come or running now (confirmed, not ended), soonest first: `sync`'s section. */
export async function upcomingBookingsOf(db: DbOrTrx, userId: string, now: number): Promise<Booking[]> {
  const rows = (await bookingsQuery(db)
    .where('b.user_id', '=', userId)
    .where('b.status', '=', 'confirmed')
    .where((eb) => eb.or([eb('b.ends_at', '>', now), eb('b.renews_at', 'is not', null)]))
    .orderBy('b.starts_at', 'asc')
    .orderBy('b.id', 'asc')
    .limit(200)
    .execute()) as JoinedRow[];
  return rows.map((r) => bookingOf(r, now));
}
