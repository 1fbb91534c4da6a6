import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findPlateGrant } from '../../src/access/grants.ts';
import { isDomainError } from '../../src/lib/domain-error.ts';
import {
  book,
  cancelBooking,
  findBookingByPassCode,
  getBooking,
  listListingBookings,
  listMyBookings,
  renewMonthlyBookings,
  SETTLE_AFTER_MS,
  settlePendingBookings,
  upcomingBookingsOf,
} from '../../src/marketplace/bookings.ts';
import type { MarketplaceDeps } from '../../src/marketplace/deps.ts';
import { getOrder, listMyOrders } from '../../src/marketplace/orders.ts';
import { PaymentFailed, PaymentIdempotencyKeyReused } from '../../src/marketplace/payments/payment-errors.ts';
import type { PaymentProcessor } from '../../src/marketplace/payments/payment-processor.ts';
import { SimulatedProcessor } from '../../src/marketplace/payments/simulated-processor.ts';
import { quoteKey } from '../../src/marketplace/quote-tokens.ts';
import { quoteListing, searchListings } from '../../src/marketplace/quotes.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import {
  accountDoorIds,
  actorOf,
  insertListing,
  insertProperty,
  marketplaceCounts,
  marketplaceDeps,
  subscribeToMarketplace,
} from '../helpers/marketplace-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.parse('2027-03-01T15:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const JOHN_PLATE = 'ABC1234';

let app: TestApp;
let deps: MarketplaceDeps;
let owner: Actor;
let john: Actor;
let stranger: Actor;
let doors: string[];
let propertyId: string;

before(async () => {
  app = await startTestApp();
  deps = marketplaceDeps(app.ctx.db);
  owner = await actorOf(app.ctx.db, TEST_OWNER.email);
  john = await actorOf(app.ctx.db, JOHN.email);
  stranger = await actorOf(app.ctx.db, PRODUCTION_OWNER.email);
  doors = (await accountDoorIds(app.ctx.db, owner.accountId)).slice(0, 2);
  propertyId = await insertProperty(app.ctx.db, { accountId: owner.accountId, doorIds: doors }, NOW);
});

after(async () => {
  await app?.close();
});

async function listing(
  fields: Parameters<typeof insertListing>[1] extends infer F ? Partial<F> : never = {},
) {
  return insertListing(app.ctx.db, { propertyId, accountId: owner.accountId, ...fields }, NOW);
}

async function quoteAndBook(
  listingId: string,
  startsAt: number,
  endsAt: number,
  options: { actor?: Actor; paymentMethod?: string; now?: number; d?: MarketplaceDeps } = {},
) {
  const d = options.d ?? deps;
  const actor = options.actor ?? john;
  const { quote } = await quoteListing(
    d,
    actor,
    listingId,
    { starts: iso(startsAt), ends: iso(endsAt) },
    options.now ?? NOW,
  );
  return book(
    d,
    actor,
    {
      quoteId: quote.id,
      finalPrice: quote.total,
      plate: 'ABC-1234',
      paymentMethod: options.paymentMethod ?? 'pm_card_visa',
    },
    options.now ?? NOW,
  );
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  assert.fail('expected a refusal');
}

describe(`bookings (${TEST_DIALECT})`, () => {
  test('a booking is confirmed, paid, and gives the renter the property gates for its window plus the grace', async () => {
    const listingId = await listing();
    const startsAt = NOW + 24 * HOUR;
    const booking = await quoteAndBook(listingId, startsAt, startsAt + 3 * HOUR);
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.plan, 'hourly');
    assert.equal(booking.startsAt, startsAt);
    assert.equal(booking.endsAt, startsAt + 3 * HOUR);
    assert.equal(booking.timeZone, 'America/New_York');
    assert.equal(booking.plate, 'ABC-1234');
    assert.match(booking.passCode, /^[A-HJ-NP-Z2-9]{8}$/);
    // 3 started hours at 4.00 = 12.00, fee 10 % = 1.20.
    assert.deepEqual(booking.order.total, { amount: 1320, currency: 'USD' });
    assert.equal(booking.order.status, 'paid');
    assert.equal(booking.renewsAt, null);

    const grants = await app.ctx.db
      .selectFrom('access_grants')
      .selectAll()
      .where('source', '=', 'booking')
      .where('source_id', '=', booking.id)
      .orderBy('door_id')
      .execute();
    const window = [startsAt - 15 * MINUTE, startsAt + 3 * HOUR + 15 * MINUTE];
    assert.deepEqual(
      grants
        .filter((g) => g.holder_kind === 'person')
        .map((g) => [g.door_id, g.user_id, Number(g.starts_at), Number(g.ends_at)]),
      [...doors].sort().map((d) => [d, john.userId, ...window]),
    );
    // LPR: the booking's plate reaches the same gates in the same window.
    assert.deepEqual(
      grants
        .filter((g) => g.holder_kind === 'plate')
        .map((g) => [g.door_id, g.plate, Number(g.starts_at), Number(g.ends_at)]),
      [...doors].sort().map((d) => [d, 'ABC-1234', ...window]),
    );
    assert.equal((await findPlateGrant(app.ctx.db, doors[0]!, 'abc 1234', startsAt))?.sourceId, booking.id);
    assert.equal(await findPlateGrant(app.ctx.db, doors[0]!, 'abc 1234', startsAt + 4 * HOUR), undefined);

    assert.deepEqual(await getBooking(app.ctx.db, john, booking.id, NOW), booking);
    assert.deepEqual(await getBooking(app.ctx.db, owner, booking.id.toUpperCase(), NOW), booking);
    assert.equal(await refusal(getBooking(app.ctx.db, stranger, booking.id, NOW)), 'booking_not_found');
    assert.deepEqual(
      (await findBookingByPassCode(app.ctx.db, booking.passCode.toLowerCase(), NOW))?.booking,
      booking,
    );
    assert.ok((await upcomingBookingsOf(app.ctx.db, john.userId, NOW)).some((b) => b.id === booking.id));
    assert.equal(
      (await getBooking(app.ctx.db, john, booking.id, startsAt + 3 * HOUR)).status,
      'completed',
      'once its window has passed',
    );
  });

  test('back-to-back bookings of a space are both taken; an overlapping one is unavailable and writes nothing', async () => {
    const listingId = await listing();
    const at = NOW + 30 * HOUR;
    await quoteAndBook(listingId, at, at + 2 * HOUR);
    await quoteAndBook(listingId, at + 2 * HOUR, at + 4 * HOUR);
    const { quote } = await quoteListing(
      deps,
      john,
      listingId,
      { starts: iso(at - HOUR), ends: iso(at) },
      NOW,
    );
    assert.ok(quote);
    await assert.rejects(
      quoteListing(deps, john, listingId, { starts: iso(at + HOUR), ends: iso(at + 3 * HOUR) }, NOW),
      (e: Error) => isDomainError(e) && e.code === 'unavailable',
    );
  });

  test('across the spring-forward night a window is an hour shorter, and priced so', async () => {
    const listingId = await listing({ hourly: 400, dailyMax: 5000 });
    // New York, 14 March 2027: 02:00 does not exist. 00:00 → 04:00 local is 3 real hours.
    const { quote } = await quoteListing(
      deps,
      john,
      listingId,
      { starts: '2027-03-14T00:00', ends: '2027-03-14T04:00' },
      NOW,
    );
    assert.equal(quote.endsAt - quote.startsAt, 3 * HOUR);
    assert.deepEqual(
      quote.lines.map((l) => [l.label, l.amount.amount]),
      [
        ['Parking', 1200],
        ['Service fee', 120],
      ],
    );
    const booking = await book(
      deps,
      john,
      { quoteId: quote.id, finalPrice: quote.total, plate: 'ABC1234', paymentMethod: 'pm_card_visa' },
      NOW,
    );
    assert.equal(booking.order.total.amount, 1320);
    assert.equal(booking.endsAt - booking.startsAt, 3 * HOUR);
  });

  test('a declined card, a changed price, an expired quote, another person’s quote: refused, nothing written', async () => {
    const listingId = await listing();
    const at = NOW + 50 * HOUR;
    const window = { starts: iso(at), ends: iso(at + HOUR) };
    const before = await marketplaceCounts(app.ctx.db);

    const declined = (await quoteListing(deps, john, listingId, window, NOW)).quote;
    const input = {
      quoteId: declined.id,
      finalPrice: declined.total,
      plate: 'ABC1234',
      paymentMethod: 'pm_card_chargeDeclined',
    };
    assert.equal(await refusal(book(deps, john, input, NOW)), 'payment_declined');
    assert.deepEqual(await marketplaceCounts(app.ctx.db), before);

    const q = (await quoteListing(deps, john, listingId, window, NOW)).quote;
    const okInput = { quoteId: q.id, finalPrice: q.total, plate: 'ABC1234', paymentMethod: 'pm_card_visa' };
    assert.equal(
      await refusal(
        book(deps, john, { ...okInput, finalPrice: { amount: q.total.amount - 1, currency: 'USD' } }, NOW),
      ),
      'price_changed',
    );
    assert.equal(await refusal(book(deps, john, okInput, q.expiresAt)), 'quote_expired');
    assert.equal(await refusal(book(deps, stranger, okInput, NOW)), 'quote_not_found');
    assert.equal(
      await refusal(book(deps, john, { ...okInput, quoteId: 'f'.repeat(32) }, NOW)),
      'quote_not_found',
    );
    assert.deepEqual(await marketplaceCounts(app.ctx.db), before);

    // The owner raises the price after the quote: the quote no longer holds.
    await app.ctx.db.updateTable('listings').set({ hourly_rate: 500 }).where('id', '=', listingId).execute();
    assert.equal(await refusal(book(deps, john, okInput, NOW)), 'price_changed');
    await app.ctx.db.updateTable('listings').set({ hourly_rate: 400 }).where('id', '=', listingId).execute();
    // The owner closes the hours after the quote.
    await app.ctx.db
      .updateTable('listings')
      .set({
        availability: JSON.stringify({
          weekly: [{ day: 'mon', opens: '06:00', closes: '07:00' }],
          closed_dates: [],
        }),
      })
      .where('id', '=', listingId)
      .execute();
    assert.equal(await refusal(book(deps, john, okInput, NOW)), 'outside_opening_hours');
    await app.ctx.db
      .updateTable('listings')
      .set({ availability: null })
      .where('id', '=', listingId)
      .execute();
    // Time passed: the window started more than 5 minutes ago (the quote still valid by its own clock).
    assert.equal(await refusal(book(deps, john, okInput, at + 6 * MINUTE)), 'quote_expired');
    assert.deepEqual(await marketplaceCounts(app.ctx.db), before);

    // The declined attempt left the quote usable with another card.
    const booked = await book(deps, john, { ...input, paymentMethod: 'pm_card_visa' }, NOW);
    assert.equal(booked.status, 'confirmed');
    assert.equal(await refusal(book(deps, john, okInput, NOW)), 'unavailable');
  });

  test('cancelled before the cutoff: refunded in full, gates closed at once, the space free again', async () => {
    const listingId = await listing({ freeCancelMinutes: 60 });
    const at = NOW + 72 * HOUR;
    const booking = await quoteAndBook(listingId, at, at + 2 * HOUR);
    const cancelAt = at - 2 * HOUR;
    assert.equal(await refusal(cancelBooking(deps, stranger, booking.id, cancelAt)), 'booking_not_found');
    const cancelled = await cancelBooking(deps, john, booking.id, cancelAt);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.cancelledAt, cancelAt);
    assert.equal(cancelled.order.status, 'refunded');
    const [order] = (await listMyOrders(app.ctx.db, john, { limit: 200, cursor: null })).items.filter(
      (o) => o.bookingId === booking.id,
    );
    assert.deepEqual(
      order!.payments.map((p) => [p.kind, p.amount.amount]),
      [
        ['charge', 880],
        ['refund', 880],
      ],
    );
    const grants = await app.ctx.db
      .selectFrom('access_grants')
      .selectAll()
      .where('source_id', '=', booking.id)
      .execute();
    assert.ok(grants.length > 0);
    // Not started yet: each grant ends empty (its end is its start).
    for (const g of grants) assert.equal(Number(g.ends_at), Number(g.starts_at));
    assert.equal(await refusal(cancelBooking(deps, john, booking.id, cancelAt)), 'already_cancelled');
    // The space is free again.
    assert.equal((await quoteAndBook(listingId, at, at + 2 * HOUR)).status, 'confirmed');
  });

  test('cancelled after the cutoff by the owner’s Admin: no refund; the hold ends now, so the rest is free', async () => {
    const listingId = await listing({ freeCancelMinutes: 60 });
    const at = NOW + 96 * HOUR;
    const booking = await quoteAndBook(listingId, at, at + 4 * HOUR);
    const cancelAt = at + HOUR;
    const cancelled = await cancelBooking(deps, owner, booking.id, cancelAt);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.order.status, 'paid');
    const payments = await app.ctx.db
      .selectFrom('payments')
      .select('kind')
      .where('order_id', '=', cancelled.order.id)
      .execute();
    assert.deepEqual(
      payments.map((p) => p.kind),
      ['charge'],
    );
    const grants = await app.ctx.db
      .selectFrom('access_grants')
      .selectAll()
      .where('source_id', '=', booking.id)
      .execute();
    for (const g of grants) assert.equal(Number(g.ends_at), cancelAt);
    // Used until the cancellation: that hour stays held, the rest is free.
    assert.equal(
      await refusal(quoteAndBook(listingId, cancelAt - 5 * MINUTE, at + 2 * HOUR, { now: cancelAt })),
      'unavailable',
    );
    assert.equal(
      (await quoteAndBook(listingId, at + HOUR, at + 4 * HOUR, { now: cancelAt })).status,
      'confirmed',
    );
  });

  test('monthly: renews each month with new lines and gates; cancelled, it holds its place until the paid period ends', async () => {
    const listingId = await listing({ monthly: 30000 });
    const before = await marketplaceCounts(app.ctx.db);
    const booking = await book(
      deps,
      john,
      {
        listingId,
        plan: 'monthly',
        starts: '2027-03-10T08:00',
        plate: 'ABC1234',
        paymentMethod: 'pm_card_visa',
      },
      NOW,
    );
    assert.equal(booking.plan, 'monthly');
    assert.equal(booking.startsAt, Date.parse('2027-03-10T13:00:00Z'));
    // One calendar month on the local clock (across the DST change: 08:00 EST → 08:00 EDT).
    assert.equal(booking.endsAt, Date.parse('2027-04-10T12:00:00Z'));
    assert.equal(booking.renewsAt, booking.endsAt);
    assert.deepEqual(booking.order.total, { amount: 33000, currency: 'USD' });
    assert.ok((await marketplaceCounts(app.ctx.db)).bookings === before.bookings! + 1);

    // Nothing is due before its period ends.
    assert.deepEqual(await renewMonthlyBookings(deps, booking.endsAt - 1), { renewed: 0, stopped: 0 });
    const renewal = await renewMonthlyBookings(deps, booking.endsAt);
    assert.equal(renewal.renewed, 1);
    const renewed = await getBooking(app.ctx.db, john, booking.id, booking.endsAt);
    assert.equal(renewed.endsAt, Date.parse('2027-05-10T12:00:00Z'));
    assert.deepEqual(renewed.order.total, { amount: 66000, currency: 'USD' });
    // Twice, or from another process: once.
    assert.deepEqual(await renewMonthlyBookings(deps, booking.endsAt), { renewed: 0, stopped: 0 });
    const [order] = (await listMyOrders(app.ctx.db, john, { limit: 200, cursor: null })).items.filter(
      (o) => o.bookingId === booking.id,
    );
    assert.equal(order!.lines.length, 4);
    assert.equal(order!.payments.filter((p) => p.kind === 'charge').length, 2);

    // Cancelled mid-period (after the cutoff): no refund; it keeps its place until 10 May.
    const cancelAt = Date.parse('2027-04-20T12:00:00Z');
    const cancelled = await cancelBooking(deps, john, booking.id, cancelAt);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.renewsAt, null);
    assert.equal(cancelled.order.status, 'paid');
    await assert.rejects(
      quoteListing(deps, john, listingId, { starts: '2027-05-01T10:00', ends: '2027-05-01T12:00' }, cancelAt),
      (e: Error) => isDomainError(e) && e.code === 'unavailable',
    );
    const { quote } = await quoteListing(
      deps,
      john,
      listingId,
      { starts: '2027-05-10T08:00', ends: '2027-05-10T10:00' },
      cancelAt,
    );
    assert.ok(quote);
    assert.deepEqual(await renewMonthlyBookings(deps, Date.parse('2027-05-10T12:00:00Z')), {
      renewed: 0,
      stopped: 0,
    });
  });

  test('a crash between the charge and the confirmation: settlement charges again with the same key and confirms once', async () => {
    const listingId = await listing();
    const at = NOW + 120 * HOUR;
    const processor = new SimulatedProcessor();
    let charges = 0;
    // Charges, then the process "dies" before transaction 2.
    const crashing: PaymentProcessor = {
      name: 'simulated',
      charge: async (request) => {
        await processor.charge(request);
        charges++;
        throw new Error('the process died here');
      },
      refund: (request) => processor.refund(request),
    };
    const crashDeps = { ...deps, payments: crashing };
    await assert.rejects(quoteAndBook(listingId, at, at + HOUR, { d: crashDeps }), /the process died here/);
    const pending = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('listing_id', '=', listingId)
      .execute();
    assert.deepEqual(
      pending.map((b) => b.status),
      ['pending'],
    );
    // The pending booking holds its place meanwhile.
    await assert.rejects(quoteListing(deps, john, listingId, { starts: iso(at), ends: iso(at + HOUR) }, NOW));
    // Not yet: it may still be its own request's.
    const settleDeps = { ...deps, payments: processor };
    assert.deepEqual(await settlePendingBookings(settleDeps, NOW + 30_000), { confirmed: 0, deleted: 0 });
    // Nor at 61 s: the Stripe SDK may still be retrying the request's own charge (30 s × 2 + backoff).
    assert.deepEqual(await settlePendingBookings(settleDeps, NOW + 61_000), { confirmed: 0, deleted: 0 });
    assert.deepEqual(await settlePendingBookings(settleDeps, NOW + SETTLE_AFTER_MS), {
      confirmed: 1,
      deleted: 0,
    });
    const booking = await getBooking(app.ctx.db, john, pending[0]!.id, NOW);
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.order.status, 'paid');
    assert.equal(charges, 1);
    const payments = await app.ctx.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', booking.order.id)
      .execute();
    assert.equal(payments.length, 1);
    // The replayed charge is the first one (same idempotency key → same processor id).
    assert.match(payments[0]!.processor_ref, /^ch_sim_/);
    assert.deepEqual(await settlePendingBookings(settleDeps, NOW + 2 * SETTLE_AFTER_MS), {
      confirmed: 0,
      deleted: 0,
    });
  });

  test('a crash before a declined charge was recorded: settlement deletes the pending booking, nothing left', async () => {
    const listingId = await listing();
    const at = NOW + 130 * HOUR;
    const before = await marketplaceCounts(app.ctx.db);
    const processor = new SimulatedProcessor();
    const dying: PaymentProcessor = {
      name: 'simulated',
      charge: async () => {
        throw new Error('the process died before asking');
      },
      refund: (request) => processor.refund(request),
    };
    await assert.rejects(
      quoteAndBook(listingId, at, at + HOUR, {
        d: { ...deps, payments: dying },
        paymentMethod: 'pm_card_chargeDeclined',
      }),
    );
    assert.equal((await marketplaceCounts(app.ctx.db)).bookings, before.bookings! + 1);
    assert.deepEqual(await settlePendingBookings({ ...deps, payments: processor }, NOW + SETTLE_AFTER_MS), {
      confirmed: 0,
      deleted: 1,
    });
    assert.deepEqual(await marketplaceCounts(app.ctx.db), before);
  });

  test('settlement answered anything but a refusal of the payment (a reused key) keeps the pending booking', async () => {
    const listingId = await listing();
    const at = NOW + 135 * HOUR;
    const processor = new SimulatedProcessor();
    const dying: PaymentProcessor = {
      name: 'simulated',
      charge: async () => {
        throw new Error('the process died while asking');
      },
      refund: (request) => processor.refund(request),
    };
    await assert.rejects(quoteAndBook(listingId, at, at + HOUR, { d: { ...deps, payments: dying } }));
    const confused: PaymentProcessor = {
      name: 'simulated',
      charge: async () => {
        throw new PaymentIdempotencyKeyReused();
      },
      refund: (request) => processor.refund(request),
    };
    assert.deepEqual(await settlePendingBookings({ ...deps, payments: confused }, NOW + SETTLE_AFTER_MS), {
      confirmed: 0,
      deleted: 0,
    });
    // Still there, and confirmed once the processor answers.
    assert.deepEqual(await settlePendingBookings({ ...deps, payments: processor }, NOW + SETTLE_AFTER_MS), {
      confirmed: 1,
      deleted: 0,
    });
  });

  test('a monthly renewal racing a cancel: the month is not sold, its charge is refunded and both are on the order', async () => {
    const listingId = await listing({ monthly: 30000 });
    const booking = await book(
      deps,
      john,
      {
        listingId,
        plan: 'monthly',
        starts: '2027-03-12T08:00',
        plate: 'ABC1234',
        paymentMethod: 'pm_card_visa',
      },
      NOW,
    );
    const processor = new SimulatedProcessor();
    const cancelAt = booking.endsAt + MINUTE;
    let cancelled: Awaited<ReturnType<typeof cancelBooking>> | undefined;
    // The renter cancels while the renewal's charge is on its way.
    const slow: PaymentProcessor = {
      name: deps.payments.name,
      charge: async (request) => {
        const charge = await processor.charge(request);
        cancelled = await cancelBooking(deps, john, booking.id, cancelAt);
        return charge;
      },
      refund: (request) => processor.refund(request),
    };
    assert.deepEqual(await renewMonthlyBookings({ ...deps, payments: slow }, cancelAt), {
      renewed: 0,
      stopped: 0,
    });
    assert.equal(cancelled?.status, 'cancelled');
    const after = await getBooking(app.ctx.db, john, booking.id, cancelAt);
    assert.equal(after.status, 'cancelled');
    assert.equal(after.endsAt, booking.endsAt);
    assert.deepEqual(after.order.total, { amount: 33000, currency: 'USD' });
    const [order] = (await listMyOrders(app.ctx.db, john, { limit: 200, cursor: null })).items.filter(
      (o) => o.bookingId === booking.id,
    );
    assert.deepEqual(order!.payments.map((p) => [p.kind, p.amount.amount]).sort(), [
      ['charge', 33000],
      ['charge', 33000],
      ['refund', 33000],
    ]);
    // The hold ends with the paid period: the next month is free to sell.
    const row = await app.ctx.db
      .selectFrom('bookings')
      .select(['hold_ends_at', 'renews_at'])
      .where('id', '=', booking.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.hold_ends_at), booking.endsAt);
    assert.equal(row.renews_at, null);
    assert.deepEqual(await renewMonthlyBookings(deps, cancelAt + HOUR), { renewed: 0, stopped: 0 });
  });

  test('a monthly renewal claims its period: a second process asking meanwhile does not charge', async () => {
    const listingId = await listing({ monthly: 30000 });
    const booking = await book(
      deps,
      john,
      {
        listingId,
        plan: 'monthly',
        starts: '2027-03-14T08:00',
        plate: 'ABC1234',
        paymentMethod: 'pm_card_visa',
      },
      NOW,
    );
    const processor = new SimulatedProcessor();
    const at = booking.endsAt;
    let asked = 0;
    let inner: { renewed: number; stopped: number } | undefined;
    const reentrant: PaymentProcessor = {
      name: deps.payments.name,
      charge: async (request) => {
        asked++;
        // Another process runs the renewal while this one's charge is on its way.
        if (asked === 1) inner = await renewMonthlyBookings({ ...deps, payments: reentrant }, at);
        return processor.charge(request);
      },
      refund: (request) => processor.refund(request),
    };
    const outer = await renewMonthlyBookings({ ...deps, payments: reentrant }, at);
    assert.equal(asked, 1);
    assert.equal(inner?.renewed, 0);
    assert.equal(outer.renewed, 1);
    const renewed = await getBooking(app.ctx.db, john, booking.id, at);
    assert.equal(renewed.renewsAt, renewed.endsAt);
    assert.deepEqual(renewed.order.total, { amount: 66000, currency: 'USD' });
  });

  test('a cancel racing a monthly renewal: the hold ends with the renewed period, whose gates stay', async () => {
    const listingId = await listing({ monthly: 30000 });
    const booking = await book(
      deps,
      john,
      {
        listingId,
        plan: 'monthly',
        starts: '2027-03-16T08:00',
        plate: 'ABC1234',
        paymentMethod: 'pm_card_visa',
      },
      NOW,
    );
    const cancelAt = booking.endsAt + MINUTE;
    // The renewal commits after the cancel read the booking (at its read of the listing's cutoff).
    let renewal: { renewed: number; stopped: number } | undefined;
    const cutoffReads = new Set<unknown>();
    const interleaved = deps.db.withPlugin({
      transformQuery(args) {
        if (
          args.node.kind === 'SelectQueryNode' &&
          JSON.stringify(args.node).includes('"free_cancel_minutes"')
        )
          cutoffReads.add(args.queryId);
        return args.node;
      },
      async transformResult(args) {
        if (cutoffReads.has(args.queryId) && !renewal) renewal = await renewMonthlyBookings(deps, cancelAt);
        return args.result;
      },
    });
    const cancelled = await cancelBooking({ ...deps, db: interleaved }, john, booking.id, cancelAt);
    assert.equal(renewal?.renewed, 1);
    assert.equal(cancelled.status, 'cancelled');
    const renewedEnd = Date.parse('2027-05-16T12:00:00Z');
    assert.equal(cancelled.endsAt, renewedEnd);
    const row = await app.ctx.db
      .selectFrom('bookings')
      .select('hold_ends_at')
      .where('id', '=', booking.id)
      .executeTakeFirstOrThrow();
    // Paid through 16 May: held through 16 May, so nobody else buys that month.
    assert.equal(Number(row.hold_ends_at), renewedEnd);
    await assert.rejects(
      quoteListing(deps, john, listingId, { starts: '2027-05-01T10:00', ends: '2027-05-01T12:00' }, cancelAt),
      (e: Error) => isDomainError(e) && e.code === 'unavailable',
    );
  });

  test('cancelling a completed booking answers booking_completed, not already_cancelled', async () => {
    const listingId = await listing();
    const at = NOW + 140 * HOUR;
    const booking = await quoteAndBook(listingId, at, at + HOUR);
    assert.equal(await refusal(cancelBooking(deps, john, booking.id, at + 2 * HOUR)), 'booking_completed');
    assert.equal((await getBooking(app.ctx.db, john, booking.id, at + 2 * HOUR)).status, 'completed');
  });

  test('webhooks: booking_created and booking_cancelled go to the renter’s and the owner Admin’s apps, field by field', async () => {
    await subscribeToMarketplace(app.ctx.db, app.demoClient.id, [john.userId, owner.userId], NOW);
    const listingId = await listing();
    const at = NOW + 150 * HOUR;
    const booking = await quoteAndBook(listingId, at, at + HOUR);
    await cancelBooking(deps, john, booking.id, at - 2 * HOUR);
    const deliveries = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('event_type', 'in', ['booking_created', 'booking_cancelled'])
      .execute();
    const mine = deliveries.filter((d) => JSON.parse(d.payload).bookingID === booking.id);
    assert.deepEqual(
      mine.map((d) => [d.event_type, d.user_id]).sort(),
      [
        ['booking_cancelled', owner.userId],
        ['booking_cancelled', john.userId],
        ['booking_created', owner.userId],
        ['booking_created', john.userId],
      ].sort(),
    );
    const created = mine.find((d) => d.event_type === 'booking_created' && d.user_id === john.userId)!;
    const payload = JSON.parse(created.payload);
    assert.deepEqual(payload, {
      id: created.id,
      eventType: 'booking_created',
      eventOccurred: Math.floor(NOW / 1000),
      eventOccurredUTC: '2027-03-01T15:00:00Z',
      bookingID: booking.id,
      listingID: listingId,
      propertyID: propertyId,
      status: 'confirmed',
      startsAt: iso(at).replace('.000Z', 'Z'),
      endsAt: iso(at + HOUR).replace('.000Z', 'Z'),
      plate: 'ABC-1234',
      renter: { firstName: 'John', lastName: 'Doe', emailAddress: JOHN.email },
      total: { amount: 440, currency: 'USD' },
    });
    const cancelled = JSON.parse(
      mine.find((d) => d.event_type === 'booking_cancelled' && d.user_id === owner.userId)!.payload,
    );
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.eventOccurredUTC, iso(at - 2 * HOUR).replace('.000Z', 'Z'));
  });

  test('lists: mine newest first with a cursor; a listing’s for its Admin only; another account’s listing → 404', async () => {
    const listingId = await listing();
    const at = NOW + 200 * HOUR;
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await quoteAndBook(listingId, at + i * HOUR, at + (i + 1) * HOUR, { now: NOW + i }));
    const first = await listListingBookings(
      app.ctx.db,
      owner,
      listingId,
      {},
      { limit: 2, cursor: null },
      NOW,
    );
    assert.deepEqual(
      first.items.map((b) => b.id),
      [made[0]!.id, made[1]!.id],
    );
    const second = await listListingBookings(
      app.ctx.db,
      owner,
      listingId,
      {},
      { limit: 2, cursor: first.nextCursor },
      NOW,
    );
    assert.deepEqual(
      second.items.map((b) => b.id),
      [made[2]!.id],
    );
    assert.equal(second.nextCursor, null);
    const windowed = await listListingBookings(
      app.ctx.db,
      owner,
      listingId,
      { from: at + HOUR, to: at + 2 * HOUR },
      { limit: 50, cursor: null },
      NOW,
    );
    assert.deepEqual(
      windowed.items.map((b) => b.id),
      [made[1]!.id],
    );
    assert.equal(
      await refusal(listListingBookings(app.ctx.db, john, listingId, {}, { limit: 50, cursor: null }, NOW)),
      'forbidden',
    );
    assert.equal(
      await refusal(
        listListingBookings(app.ctx.db, stranger, listingId, {}, { limit: 50, cursor: null }, NOW),
      ),
      'listing_not_found',
    );
    assert.equal(
      await refusal(listMyBookings(app.ctx.db, john, { limit: 50, cursor: 'nonsense!' }, {}, NOW)),
      'invalid_request',
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listMyBookings(app.ctx.db, john, { limit: 2, cursor }, {}, NOW);
      seen.push(...page.items.map((b) => b.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.equal(new Set(seen).size, seen.length);
    for (const b of made) assert.ok(seen.includes(b.id));
    assert.deepEqual(
      (await listMyBookings(app.ctx.db, stranger, { limit: 50, cursor: null }, {}, NOW)).items,
      [],
    );
  });

  test('search in a crowded box (more listings than one query reads): still the nearest 50, nearest first', async () => {
    // 20 garages of 16 listings, 50 m apart going north: 320 listings in the box of a 2 km search.
    const byProperty: string[][] = [];
    for (let k = 0; k < 20; k++) {
      const property = await insertProperty(
        app.ctx.db,
        { accountId: owner.accountId, latitude: 51.5 + (k * 50) / 111_320, longitude: -0.12 },
        NOW,
      );
      const listings: string[] = [];
      for (let i = 0; i < 16; i++)
        listings.push(
          await insertListing(app.ctx.db, { propertyId: property, accountId: owner.accountId }, NOW),
        );
      byProperty.push(listings);
    }
    const results = await searchListings(
      deps,
      stranger,
      {
        latitude: 51.5,
        longitude: -0.12,
        radiusM: 2000,
        starts: '2027-03-04T09:00',
        ends: '2027-03-04T11:00',
      },
      NOW,
    );
    assert.equal(results.length, 50);
    const ids = results.map((r) => r.listing.id);
    // The three nearest garages whole (48), then two of the fourth.
    assert.deepEqual(ids.slice(0, 16).sort(), [...byProperty[0]!].sort());
    assert.deepEqual(ids.slice(16, 32).sort(), [...byProperty[1]!].sort());
    assert.deepEqual(ids.slice(32, 48).sort(), [...byProperty[2]!].sort());
    assert.ok(ids.slice(48).every((id) => byProperty[3]!.includes(id)));
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1]!.distanceM <= results[i]!.distanceM);
  });

  test('search: published, open, free listings within the radius, nearest first, each with a stored quote', async () => {
    const far = await insertProperty(
      app.ctx.db,
      { accountId: owner.accountId, latitude: 40.7306, longitude: -73.9352 },
      NOW,
    );
    const near = await insertProperty(
      app.ctx.db,
      { accountId: owner.accountId, latitude: 40.7107, longitude: -74.0061 },
      NOW,
    );
    const nearListing = await insertListing(
      app.ctx.db,
      { propertyId: near, accountId: owner.accountId },
      NOW,
    );
    const farListing = await insertListing(app.ctx.db, { propertyId: far, accountId: owner.accountId }, NOW);
    await insertListing(app.ctx.db, { propertyId: near, accountId: owner.accountId, status: 'draft' }, NOW);
    await insertListing(
      app.ctx.db,
      {
        propertyId: near,
        accountId: owner.accountId,
        availability: { weekly: [{ day: 'sun', opens: '08:00', closes: '09:00' }], closed_dates: [] },
      },
      NOW,
    );
    const taken = await insertListing(app.ctx.db, { propertyId: near, accountId: owner.accountId }, NOW);
    await quoteAndBook(taken, Date.parse('2027-03-04T14:00:00Z'), Date.parse('2027-03-04T16:00:00Z'));

    const results = await searchListings(
      deps,
      stranger,
      {
        latitude: 40.7128,
        longitude: -74.006,
        radiusM: 8000,
        starts: '2027-03-04T09:00',
        ends: '2027-03-04T11:00',
      },
      NOW,
    );
    const ids = results.map((r) => r.listing.id);
    assert.ok(ids.includes(nearListing) && ids.includes(farListing), JSON.stringify(ids));
    assert.ok(ids.indexOf(nearListing) < ids.indexOf(farListing));
    assert.ok(!ids.includes(taken));
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1]!.distanceM <= results[i]!.distanceM);
    const hit = results.find((r) => r.listing.id === nearListing)!;
    assert.ok(hit.distanceM > 200 && hit.distanceM < 300, String(hit.distanceM));
    assert.equal(hit.quote.startsAt, Date.parse('2027-03-04T14:00:00Z'));
    assert.equal(hit.quote.expiresAt, NOW + 10 * MINUTE);
    // The quote is the searcher's to book.
    const booked = await book(
      deps,
      stranger,
      { quoteId: hit.quote.id, finalPrice: hit.quote.total, plate: 'XYZ 9', paymentMethod: 'pm_card_visa' },
      NOW,
    );
    assert.equal(booked.listingId, nearListing);

    const small = await searchListings(
      deps,
      stranger,
      {
        latitude: 40.7128,
        longitude: -74.006,
        radiusM: 1000,
        starts: '2027-03-04T09:00',
        ends: '2027-03-04T11:00',
      },
      NOW,
    );
    assert.ok(!small.some((r) => r.listing.id === farListing));
    assert.equal(
      await refusal(
        searchListings(
          deps,
          stranger,
          { latitude: 91, longitude: 0, starts: '2027-03-04T09:00', ends: '2027-03-04T11:00' },
          NOW,
        ),
      ),
      'invalid_search',
    );
    assert.equal(
      await refusal(
        searchListings(
          deps,
          stranger,
          { latitude: 40, longitude: -74, starts: 'tomorrow', ends: '2027-03-04T11:00' },
          NOW,
        ),
      ),
      'invalid_time',
    );
    assert.equal(
      await refusal(
        searchListings(
          deps,
          stranger,
          { latitude: 40.7, longitude: -74, starts: '2027-02-28T01:00', ends: '2027-02-28T03:00' },
          NOW,
        ),
      ),
      'window_in_past',
    );
    assert.equal(
      await refusal(
        searchListings(
          deps,
          stranger,
          { latitude: 40.7, longitude: -74, starts: '2027-03-01T14:00:00Z', ends: '2027-03-01T16:00:00Z' },
          NOW,
        ),
      ),
      'window_in_past',
    );
  });
});

test('quotes refuse as booking would: unknown or unpublished listing, duration, past, hours, no monthly rate', async () => {
  const listingId = await listing({
    minMinutes: 60,
    maxMinutes: 180,
    monthly: null,
    availability: { weekly: [{ day: 'tue', opens: '08:00', closes: '18:00' }], closed_dates: [] },
  });
  const draft = await listing({ status: 'draft' });
  const q = (id: string, request: Parameters<typeof quoteListing>[3]) =>
    refusal(quoteListing(deps, john, id, request, NOW));
  // Tuesday 2 March 2027, New York.
  assert.equal(await q(draft, { starts: '2027-03-02T09:00', ends: '2027-03-02T10:00' }), 'listing_not_found');
  assert.equal(
    await q('0'.repeat(32), { starts: '2027-03-02T09:00', ends: '2027-03-02T10:00' }),
    'listing_not_found',
  );
  assert.equal(
    await q(listingId, { starts: '2027-03-02T09:00', ends: '2027-03-02T09:30' }),
    'duration_out_of_range',
  );
  assert.equal(
    await q(listingId, { starts: '2027-03-02T09:00', ends: '2027-03-02T13:00' }),
    'duration_out_of_range',
  );
  assert.equal(
    await q(listingId, { starts: '2027-03-02T17:00', ends: '2027-03-02T19:00' }),
    'outside_opening_hours',
  );
  assert.equal(
    await q(listingId, { starts: '2027-02-27T09:00', ends: '2027-02-27T10:00' }),
    'window_in_past',
  );
  assert.equal(
    await q(listingId, { starts: '2027-03-14T02:30', ends: '2027-03-14T04:00' }),
    'nonexistent_local_time',
  );
  assert.equal(await q(listingId, { plan: 'monthly', starts: '2027-03-02T09:00' }), 'no_monthly_rate');
  const before = await marketplaceCounts(app.ctx.db);
  assert.equal(
    await refusal(
      book(
        deps,
        john,
        {
          listingId,
          plan: 'monthly',
          starts: '2027-03-02T09:00',
          plate: 'A1',
          paymentMethod: 'pm_card_visa',
        },
        NOW,
      ),
    ),
    'no_monthly_rate',
  );
  assert.equal(
    await refusal(
      book(
        deps,
        john,
        {
          listingId: draft,
          plan: 'monthly',
          starts: '2027-03-02T09:00',
          plate: 'A1',
          paymentMethod: 'pm_card_visa',
        },
        NOW,
      ),
    ),
    'listing_not_found',
  );
  const { quote } = await quoteListing(
    deps,
    john,
    listingId,
    { starts: '2027-03-02T09:00', ends: '2027-03-02T10:30' },
    NOW,
  );
  assert.deepEqual(quote.total, { amount: 880, currency: 'USD' });
  assert.equal(
    await refusal(
      book(deps, john, { quoteId: quote.id, finalPrice: quote.total, paymentMethod: 'pm_card_visa' }, NOW),
    ),
    'invalid_vehicle',
  );
  const [strangerVehicle] = await app.ctx.db.selectFrom('vehicles').select('id').execute();
  assert.equal(
    await refusal(
      book(
        deps,
        stranger,
        {
          quoteId: quote.id,
          finalPrice: quote.total,
          vehicleId: strangerVehicle!.id,
          paymentMethod: 'pm_card_visa',
        },
        NOW,
      ),
    ),
    'quote_not_found',
  );
  assert.deepEqual(await marketplaceCounts(app.ctx.db), before);
  // John's own vehicle gives the plate.
  const booked = await book(
    deps,
    john,
    {
      quoteId: quote.id,
      finalPrice: quote.total,
      vehicleId: strangerVehicle!.id,
      paymentMethod: 'pm_card_visa',
    },
    NOW,
  );
  assert.equal(booked.plate, JOHN_PLATE);
  assert.equal(booked.vehicleId, strangerVehicle!.id);
  // A quote books once.
  assert.equal(
    await refusal(
      book(
        deps,
        john,
        { quoteId: quote.id, finalPrice: quote.total, plate: 'A1', paymentMethod: 'pm_card_visa' },
        NOW,
      ),
    ),
    'quote_already_used',
  );
});

test('a processor failure leaves the booking pending (502), holding its place, until settlement knows', async () => {
  const listingId = await listing();
  const at = NOW + 500 * HOUR;
  const processor = new SimulatedProcessor();
  const failing: PaymentProcessor = {
    name: 'simulated',
    charge: async () => {
      throw new PaymentFailed('the processor is down');
    },
    refund: (request) => processor.refund(request),
  };
  assert.equal(
    await refusal(quoteAndBook(listingId, at, at + HOUR, { d: { ...deps, payments: failing } })),
    'payment_failed',
  );
  // Not shown to anyone meanwhile, but it holds its place.
  assert.ok(
    !(await listMyBookings(app.ctx.db, john, { limit: 200, cursor: null }, {}, NOW)).items.some(
      (b) => b.listingId === listingId,
    ),
  );
  assert.equal(
    await refusal(quoteListing(deps, john, listingId, { starts: iso(at), ends: iso(at + HOUR) }, NOW)),
    'unavailable',
  );
  assert.equal(
    (await settlePendingBookings({ ...deps, payments: failing }, NOW + SETTLE_AFTER_MS)).confirmed,
    0,
  );
  assert.equal(
    (await settlePendingBookings({ ...deps, payments: processor }, NOW + SETTLE_AFTER_MS)).confirmed,
    1,
  );
  const [mine] = (await listMyBookings(app.ctx.db, john, { limit: 200, cursor: null }, {}, NOW)).items.filter(
    (b) => b.listingId === listingId,
  );
  assert.equal(mine?.status, 'confirmed');
  // Its order, to its renter only.
  assert.equal((await getOrder(app.ctx.db, john, mine!.order.id)).status, 'paid');
  assert.equal(await refusal(getOrder(app.ctx.db, stranger, mine!.order.id)), 'order_not_found');
  assert.equal(await refusal(getOrder(app.ctx.db, owner, mine!.order.id)), 'order_not_found');
});

test('a quote is its signed id: search writes nothing; another person’s, an altered or a forged one is no quote', async () => {
  const listingId = await listing();
  const at = NOW + 400 * HOUR;
  const before = await marketplaceCounts(app.ctx.db);
  const { quote } = await quoteListing(deps, john, listingId, { starts: iso(at), ends: iso(at + HOUR) }, NOW);
  assert.deepEqual(await marketplaceCounts(app.ctx.db), before);
  const input = {
    quoteId: quote.id,
    finalPrice: quote.total,
    plate: 'ABC-1234',
    paymentMethod: 'pm_card_visa',
  };
  assert.equal(await refusal(book(deps, stranger, input, NOW)), 'quote_not_found');
  const [version, payload, mac] = quote.id.split('.');
  const cheaper = Buffer.from(
    Buffer.from(payload!, 'base64url')
      .toString('utf8')
      .replace(/\[(\d+),(\d+)\]/, '[1,0]'),
  ).toString('base64url');
  assert.notEqual(cheaper, payload);
  assert.equal(
    await refusal(book(deps, john, { ...input, quoteId: `${version}.${cheaper}.${mac}` }, NOW)),
    'quote_not_found',
  );
  const otherServer = { ...deps, quoteKey: quoteKey('another server') };
  assert.equal(await refusal(book(otherServer, john, input, NOW)), 'quote_not_found');
  assert.deepEqual(await marketplaceCounts(app.ctx.db), before);
  assert.equal((await book(deps, john, input, NOW)).status, 'confirmed');
});

if (TEST_DIALECT === 'postgres') {
  test('PostgreSQL itself refuses two overlapping holds of one space, whatever the application does', async () => {
    const listingId = await listing();
    const at = NOW + 300 * HOUR;
    const booking = await quoteAndBook(listingId, at, at + 2 * HOUR);
    const row = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', booking.id)
      .executeTakeFirstOrThrow();
    await assert.rejects(
      app.ctx.db
        .insertInto('bookings')
        .values({
          ...row,
          id: 'a'.repeat(32),
          quote_id: null,
          pass_code: 'ZZZZZZZZ',
          starts_at: at + HOUR,
          ends_at: at + 3 * HOUR,
          hold_ends_at: at + 3 * HOUR,
        })
        .execute(),
      (e: { code?: string }) => e.code === '23P01',
    );
  });
}
