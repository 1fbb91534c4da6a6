import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ManualClock } from '../../src/lib/clock.ts';
import { money } from '../../src/lib/money.ts';
import { formatUtcInstant } from '../../src/marketplace/booking-window.ts';
import { createListing, publishListing } from '../../src/marketplace/listings.ts';
import { createProperty } from '../../src/marketplace/properties.ts';
import type { Actor, ListingKind } from '../../src/marketplace/records.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

// products.md §1 through the API, as a renter's application sees it: search → book → the pass and
// the gate in `sync` → toggle inside the window → cancel → refund; every refusal with its code and
// nothing written; Idempotency-Key; another person's booking is 404; scopes.

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SEARCH = '/oauth/v1/endpoints/listings/search';
const BOOKINGS = '/oauth/v1/endpoints/bookings';
const ORDERS = '/oauth/v1/endpoints/orders';
const SYNC = '/oauth/v1/endpoints/sync';
const TOGGLE = '/oauth/v1/endpoint/toggle';
const RENTER_SCOPES = 'opendoor,closedoor,bookings';

async function actorOf(app: TestApp, email: string): Promise<Actor> {
  const row = await app.ctx.db
    .selectFrom('users')
    .select(['id', 'account_id', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { userId: row.id, accountId: row.account_id, role: row.role };
}

/**
 * A published listing of "ParqEx Test" at its own spot (far from any other test's), whose gate is
 * the Lobby Door — a door John cannot reach otherwise. $4.00 an hour, $28.00 a day, $320 a month;
 * free cancellation until an hour before the start.
 */
async function lobbyListing(
  app: TestApp,
  spot: { latitude: number; longitude: number },
  kind: ListingKind = 'space',
  capacity = 1,
) {
  const owner = await actorOf(app, TEST_OWNER.email);
  const { lobby } = await testingDoors(app);
  const now = app.ctx.clock.now();
  const property = await createProperty(
    app.ctx.db,
    owner,
    {
      name: 'Lobby Lot',
      address: {
        line1: '1 Test Street',
        city: 'Testville',
        region: 'NY',
        postal_code: '10001',
        country: 'US',
      },
      ...spot,
      timeZone: 'America/New_York',
      doorIds: [lobby.id],
    },
    now,
  );
  const listing = await createListing(
    app.ctx.db,
    owner,
    {
      propertyId: property.id,
      title: kind === 'space' ? 'Driveway space' : 'Covered pool',
      kind,
      capacity,
      rates: { hourly: money(400, 'USD'), dailyMax: money(2800, 'USD'), monthly: money(32000, 'USD') },
      freeCancelMinutes: 60,
    },
    now,
  );
  await publishListing(app.ctx.db, owner, listing.id, now);
  return { property, listing, lobbyId: lobby.id };
}

/** A window of `hours` starting `inHours` whole hours from the clock's now (RFC 3339 UTC). */
function windowFrom(app: TestApp, inHours: number, hours = 2) {
  const start = Math.ceil(app.ctx.clock.now() / HOUR) * HOUR + inHours * HOUR;
  return {
    startsAt: start,
    endsAt: start + hours * HOUR,
    starts: formatUtcInstant(start),
    ends: formatUtcInstant(start + hours * HOUR),
  };
}

function searchPath(spot: { latitude: number; longitude: number }, window: { starts: string; ends: string }) {
  const q = new URLSearchParams({
    latitude: String(spot.latitude),
    longitude: String(spot.longitude),
    radius_m: '500',
    starts: window.starts,
    ends: window.ends,
  });
  return `${SEARCH}?${q}`;
}

/** Every row a booking could write, counted. */
async function counts(app: TestApp) {
  const count = async (table: 'bookings' | 'orders' | 'order_lines' | 'payments' | 'access_grants') =>
    Number(
      (
        await app.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    bookings: await count('bookings'),
    orders: await count('orders'),
    lines: await count('order_lines'),
    payments: await count('payments'),
    grants: await count('access_grants'),
  };
}

/** The one search result of a spot, with its quote. */
async function quoteAt(
  app: TestApp,
  token: string,
  spot: { latitude: number; longitude: number },
  window: { starts: string; ends: string },
) {
  const found = await app.api(searchPath(spot, window), token);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.equal(found.body.data.items.length, 1, JSON.stringify(found.body));
  return found.body.data.items[0];
}

function bookBody(item: any, extra: Record<string, unknown> = {}) {
  return {
    quote_id: item.quote.id,
    final_price: item.quote.total,
    plate: 'PQX 123',
    payment_method: 'pm_card_visa',
    ...extra,
  };
}

/** The doors `sync` lists for this token, by id. */
async function syncedDoorIds(app: TestApp, token: string): Promise<string[]> {
  const sync = await app.api(SYNC, token);
  assert.equal(sync.status, 200);
  return sync.body.devices.flatMap((d: any) => d.doors.map((door: any) => door.id));
}

describe('the renter API (products.md §1)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let john: string;
  let productionOwner: string;
  before(async () => {
    clock = new ManualClock(Date.now());
    app = await startTestApp({
      clock,
      // The clock moves forward by days in these tests: tokens live a day (the most).
      env: {
        PARQEX_SIMULATOR_TRAVEL_MS: '0',
        PARQEX_TOGGLE_COOLDOWN_S: '0',
        PARQEX_ACCESS_TOKEN_TTL_S: '86400',
      },
    });
    john = (await app.tokensFor({ user: JOHN, scope: RENTER_SCOPES })).access_token;
    productionOwner = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: RENTER_SCOPES })).access_token;
  });
  after(() => app.close());

  test('search → book → the pass → the gate in sync and open only inside the window → cancel → refund', async () => {
    const spot = { latitude: 10.001, longitude: 10.001 };
    const { property, listing, lobbyId } = await lobbyListing(app, spot);
    const window = windowFrom(app, 3);

    const item = await quoteAt(app, john, spot, window);
    assert.equal(item.id, listing.id);
    assert.equal(item.property_id, property.id);
    assert.equal(item.kind, 'space');
    assert.deepEqual(item.rates, {
      hourly: { amount: 400, currency: 'USD' },
      daily_max: { amount: 2800, currency: 'USD' },
      monthly: { amount: 32000, currency: 'USD' },
    });
    assert.deepEqual(item.cancellation, { free_until_minutes_before: 60 });
    assert.equal(item.distance_m, 0);
    assert.equal(item.property.time_zone, 'America/New_York');
    assert.equal(item.property.address.city, 'Testville');
    assert.equal(item.property.door_ids, undefined, 'a renter is not shown the gates');
    assert.deepEqual(item.quote.lines, [
      { label: 'Parking', amount: { amount: 800, currency: 'USD' } },
      { label: 'Service fee', amount: { amount: 80, currency: 'USD' } },
    ]);
    assert.deepEqual(item.quote.total, { amount: 880, currency: 'USD' });
    assert.equal(item.quote.expires_at, formatUtcInstant(clock.now() + 10 * MINUTE));

    // Before the booking the Lobby Door is not John's: not in sync, and the toggle does not find it.
    assert.ok(!(await syncedDoorIds(app, john)).includes(lobbyId));

    const booked = await app.api(BOOKINGS, john, { body: bookBody(item) });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const booking = booked.body.data;
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.plan, 'hourly');
    assert.equal(booking.listing_id, listing.id);
    assert.equal(booking.property_id, property.id);
    assert.equal(booking.starts_at, window.starts);
    assert.equal(booking.ends_at, window.ends);
    assert.match(booking.starts_at_local, /^\d{4}-\d\d-\d\d \d\d:\d\d:00$/);
    assert.equal(booking.time_zone, 'America/New_York');
    assert.equal(booking.plate, 'PQX 123');
    assert.equal(booking.vehicle_id, null);
    assert.match(booking.pass.code, /^[A-Z2-9]{8}$/);
    assert.equal(booking.pass.url, `${app.baseUrl}/pass/${booking.pass.code}`);
    assert.deepEqual(booking.order.total, { amount: 880, currency: 'USD' });
    assert.equal(booking.order.status, 'paid');
    assert.equal(booking.renews_at, null);
    assert.equal(booking.cancelled_at, null);

    // GET shows the same booking; the list and sync show it too.
    const shown = await app.api(`${BOOKINGS}/${booking.id.toUpperCase()}`, john);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.data, booking);
    const mine = await app.api(BOOKINGS, john);
    assert.deepEqual(
      mine.body.data.items.map((b: any) => b.id),
      [booking.id],
    );
    const synced = await app.api(SYNC, john);
    assert.deepEqual(
      synced.body.marketplace.bookings.map((b: any) => b.id),
      [booking.id],
    );

    // Outside the window (more than the 15-minute grace before it) the gate is neither listed nor opened.
    const open = (token: string) =>
      app.api(TOGGLE, token, { body: { door_id: lobbyId, door_state: 'OPEN' } });
    assert.ok(!(await syncedDoorIds(app, john)).includes(lobbyId), 'not yet');
    assert.equal((await open(john)).status, 404);

    // A second booking, cancelled at once: before the cutoff (an hour before its start), refunded in full.
    const later = windowFrom(app, 30);
    const laterItem = await quoteAt(app, john, spot, later);
    const second = await app.api(BOOKINGS, john, { body: bookBody(laterItem) });
    assert.equal(second.status, 201);
    clock.advance(MINUTE);
    const refunded = await app.api(`${BOOKINGS}/${second.body.data.id}`, john, { method: 'DELETE' });
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.equal(refunded.body.data.status, 'cancelled');
    assert.equal(refunded.body.data.order.status, 'refunded');
    assert.equal(refunded.body.data.cancelled_at, formatUtcInstant(clock.now()));

    // Inside the window's grace (15 minutes before the start) John sees and opens the gate; nobody else.
    clock.advance(window.startsAt - 15 * MINUTE - clock.now());
    assert.ok((await syncedDoorIds(app, john)).includes(lobbyId), 'from the start minus the grace');
    assert.equal((await open(john)).status, 200);
    assert.equal((await open(productionOwner)).status, 404);

    // Cancelled after the cutoff: no refund, and the gate is gone at once.
    const cancelled = await app.api(`${BOOKINGS}/${booking.id}`, john, { method: 'DELETE' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.data.status, 'cancelled');
    assert.equal(cancelled.body.data.order.status, 'paid');
    assert.ok(!(await syncedDoorIds(app, john)).includes(lobbyId), 'the grant ended at once');
    assert.equal((await open(john)).status, 404);
    assert.deepEqual((await app.api(SYNC, john)).body.marketplace.bookings, [], 'neither is upcoming');

    const orders = await app.api(ORDERS, john);
    assert.equal(orders.status, 200);
    const orderOf = (id: string) => orders.body.data.items.find((o: any) => o.booking_id === id);
    const refundedOrder = orderOf(second.body.data.id);
    assert.equal(refundedOrder.status, 'refunded');
    assert.deepEqual(
      refundedOrder.lines.map((l: any) => [l.kind, l.amount.amount, l.period_starts_at, l.period_ends_at]),
      [
        ['parking', 800, later.starts, later.ends],
        ['service_fee', 80, later.starts, later.ends],
      ],
    );
    assert.deepEqual(
      refundedOrder.payments.map((p: any) => [p.kind, p.amount.amount, p.processor]),
      [
        ['charge', 880, 'simulated'],
        ['refund', 880, 'simulated'],
      ],
    );
    assert.deepEqual(
      orderOf(booking.id).payments.map((p: any) => p.kind),
      ['charge'],
      'no refund after the cutoff',
    );
  });

  test('the gate of a running booking is open until its end plus the grace, then gone', async () => {
    const spot = { latitude: 10.051, longitude: 10.051 };
    const { lobbyId } = await lobbyListing(app, spot, 'pool', 2);
    const window = windowFrom(app, 1, 1);
    const item = await quoteAt(app, john, spot, window);
    assert.equal((await app.api(BOOKINGS, john, { body: bookBody(item) })).status, 201);
    const open = () => app.api(TOGGLE, john, { body: { door_id: lobbyId, door_state: 'OPEN' } });
    clock.advance(window.startsAt + 30 * MINUTE - clock.now());
    assert.ok((await syncedDoorIds(app, john)).includes(lobbyId));
    assert.equal((await app.api(SYNC, john)).body.marketplace.bookings.length, 1, 'running: still listed');
    clock.advance(window.endsAt + 15 * MINUTE - 1 - clock.now());
    assert.equal((await open()).status, 200, 'the last millisecond of the grace');
    clock.advance(1);
    assert.ok(!(await syncedDoorIds(app, john)).includes(lobbyId), 'gone at the end plus the grace');
    assert.equal((await open()).status, 404);
  });

  test('refusals, each with its code and nothing written', async () => {
    const spot = { latitude: 10.101, longitude: 10.101 };
    await lobbyListing(app, spot);
    const window = windowFrom(app, 5);
    const item = await quoteAt(app, john, spot, window);
    const before = await counts(app);
    const refused = async (body: unknown, status: number, code: string, token = john) => {
      const answer = await app.api(BOOKINGS, token, { body });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.errors[0].code, code, JSON.stringify(answer.body));
      assert.deepEqual(await counts(app), before, `${code}: nothing written`);
    };

    await refused(bookBody(item, { final_price: { amount: 879, currency: 'USD' } }), 409, 'price_changed');
    await refused(bookBody(item, { quote_id: 'ffffffffffffffffffffffffffffffff' }), 404, 'quote_not_found');
    // Another person's quote is no quote of theirs.
    await refused(bookBody(item), 404, 'quote_not_found', productionOwner);
    await refused(bookBody(item, { payment_method: 'pm_card_chargeDeclined' }), 402, 'payment_declined');
    await refused(bookBody(item, { plate: undefined }), 400, 'invalid_request');
    await refused(bookBody(item, { vehicle_id: 'ffffffffffffffffffffffffffffffff' }), 400, 'invalid_request');
    await refused({ ...bookBody(item), surprise: 1 }, 400, 'invalid_request');
    await refused({ plate: 'X', payment_method: 'pm_card_visa' }, 400, 'invalid_request');
    const noSuchVehicle = bookBody(item, {
      plate: undefined,
      vehicle_id: 'ffffffffffffffffffffffffffffffff',
    });
    await refused(noSuchVehicle, 400, 'invalid_vehicle');
    await refused(bookBody(item, { plate: 'NOT/A/PLATE' }), 400, 'invalid_vehicle');

    // Ten minutes later the quote is gone.
    clock.advance(10 * MINUTE + 1);
    await refused(bookBody(item), 410, 'quote_expired');
  });

  test('the last place taken meanwhile: 409 unavailable, nothing written', async () => {
    const spot = { latitude: 10.201, longitude: 10.201 };
    await lobbyListing(app, spot);
    const window = windowFrom(app, 5);
    const mine = await quoteAt(app, john, spot, window);
    const theirs = await quoteAt(app, productionOwner, spot, window);
    assert.equal((await app.api(BOOKINGS, productionOwner, { body: bookBody(theirs) })).status, 201);
    const before = await counts(app);
    const late = await app.api(BOOKINGS, john, { body: bookBody(mine) });
    assert.equal(late.status, 409);
    assert.equal(late.body.errors[0].code, 'unavailable');
    assert.deepEqual(await counts(app), before);
    // …and search no longer finds it for that window; back to back it is free.
    assert.equal((await app.api(searchPath(spot, window), john)).body.data.items.length, 0);
    const next = { starts: window.ends, ends: formatUtcInstant(window.endsAt + HOUR) };
    assert.equal((await app.api(searchPath(spot, next), john)).body.data.items.length, 1);
  });

  test('twenty simultaneous bookings of the last space through the API: exactly one 201', async () => {
    const spot = { latitude: 10.251, longitude: 10.251 };
    await lobbyListing(app, spot);
    const window = windowFrom(app, 9);
    const quotes = [];
    for (let i = 0; i < 20; i++)
      quotes.push(await quoteAt(app, i % 2 ? john : productionOwner, spot, window));
    const before = await counts(app);
    const answers = await Promise.all(
      quotes.map((item, i) => app.api(BOOKINGS, i % 2 ? john : productionOwner, { body: bookBody(item) })),
    );
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [201, ...Array(19).fill(409)], JSON.stringify(answers.map((a) => a.body)));
    for (const refused of answers.filter((a) => a.status === 409))
      assert.equal(refused.body.errors[0].code, 'unavailable');
    const after = await counts(app);
    assert.equal(after.bookings, before.bookings + 1);
    assert.equal(after.payments, before.payments + 1, 'one charge');
  });

  test('Idempotency-Key: a retry answers the same booking, with one booking and one charge', async () => {
    const spot = { latitude: 10.301, longitude: 10.301 };
    await lobbyListing(app, spot, 'pool', 5);
    const window = windowFrom(app, 6);
    const item = await quoteAt(app, john, spot, window);
    const before = await counts(app);
    const headers = { 'idempotency-key': 'book-once-7f3a' };
    const first = await app.api(BOOKINGS, john, { body: bookBody(item), headers });
    assert.equal(first.status, 201);
    const again = await app.api(BOOKINGS, john, { body: bookBody(item), headers });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body.data, first.body.data);
    const after = await counts(app);
    assert.equal(after.bookings, before.bookings + 1, 'one booking');
    assert.equal(after.payments, before.payments + 1, 'one charge');
    const other = await app.api(BOOKINGS, john, { body: bookBody(item, { plate: 'OTHER 1' }), headers });
    assert.equal(other.status, 409);
    assert.equal(other.body.errors[0].code, 'idempotency_key_reused');

    // The same for a cancellation: one refund.
    const id = first.body.data.id;
    const cancelHeaders = { 'idempotency-key': 'cancel-once-7f3a' };
    const cancelled = await app.api(`${BOOKINGS}/${id}`, john, { method: 'DELETE', headers: cancelHeaders });
    assert.equal(cancelled.status, 200);
    const replayed = await app.api(`${BOOKINGS}/${id}`, john, { method: 'DELETE', headers: cancelHeaders });
    assert.equal(replayed.status, 200);
    assert.deepEqual(replayed.body.data, cancelled.body.data);
    assert.equal((await counts(app)).payments, before.payments + 2, 'one charge, one refund');
    // Without the key, a second cancellation is refused.
    const twice = await app.api(`${BOOKINGS}/${id}`, john, { method: 'DELETE' });
    assert.equal(twice.status, 409);
  });

  test("another person's booking is 404 to them, and nothing is written", async () => {
    const spot = { latitude: 10.401, longitude: 10.401 };
    await lobbyListing(app, spot, 'pool', 3);
    const window = windowFrom(app, 7);
    const item = await quoteAt(app, john, spot, window);
    const [car] = (await app.api(SYNC, john)).body.profile.vehicles;
    // John's car is his: nobody else books with it.
    const theirs = await quoteAt(app, productionOwner, spot, window);
    const withHisCar = { ...bookBody(theirs, { plate: undefined, vehicle_id: car.id }) };
    const refused = await app.api(BOOKINGS, productionOwner, { body: withHisCar });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].code, 'invalid_vehicle');

    const booked = await app.api(BOOKINGS, john, {
      body: bookBody(item, { plate: undefined, vehicle_id: car.id }),
    });
    assert.equal(booked.status, 201);
    assert.equal(booked.body.data.vehicle_id, car.id);
    assert.equal(booked.body.data.plate, 'ABC1234', "the vehicle's plate");
    const id = booked.body.data.id;
    const before = await counts(app);

    const seen = await app.api(`${BOOKINGS}/${id}`, productionOwner);
    assert.equal(seen.status, 404);
    assert.equal(seen.body.errors[0].code, 'booking_not_found');
    const cancel = await app.api(`${BOOKINGS}/${id}`, productionOwner, { method: 'DELETE' });
    assert.equal(cancel.status, 404);
    assert.equal(cancel.body.errors[0].code, 'booking_not_found');
    assert.deepEqual(await counts(app), before);
    assert.equal((await app.api(`${BOOKINGS}/${id}`, john)).body.data.status, 'confirmed');
    assert.ok(!(await app.api(BOOKINGS, productionOwner)).body.data.items.some((b: any) => b.id === id));
    assert.ok(
      !(await app.api(ORDERS, productionOwner)).body.data.items.some((o: any) => o.booking_id === id),
    );

    // The listing's Admin sees it (their account's listing).
    const owner = (await app.tokensFor({ user: TEST_OWNER, scope: 'bookings' })).access_token;
    assert.equal((await app.api(`${BOOKINGS}/${id}`, owner)).status, 200);
    assert.equal((await app.api(`${BOOKINGS}/ffffffffffffffffffffffffffffffff`, john)).status, 404);
  });

  test('scopes: search takes any token; booking, cancelling and the lists need BOOKINGS', async () => {
    const spot = { latitude: 10.501, longitude: 10.501 };
    await lobbyListing(app, spot, 'pool', 3);
    const window = windowFrom(app, 8);
    const doorsOnly = (await app.tokensFor({ user: JOHN, scope: 'opendoor' })).access_token;
    const item = await quoteAt(app, doorsOnly, spot, window);
    const before = await counts(app);
    for (const [method, path, body] of [
      ['POST', BOOKINGS, bookBody(item)],
      ['GET', BOOKINGS, undefined],
      ['GET', `${BOOKINGS}/ffffffffffffffffffffffffffffffff`, undefined],
      ['DELETE', `${BOOKINGS}/ffffffffffffffffffffffffffffffff`, undefined],
      ['GET', ORDERS, undefined],
    ] as const) {
      const answer = await app.api(path, doorsOnly, { method, body });
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.equal(answer.body.errors[0].code, 'insufficient_scope');
      assert.match(answer.headers.get('www-authenticate') ?? '', /scope="BOOKINGS"/);
    }
    assert.deepEqual(await counts(app), before);
    assert.equal((await app.api(BOOKINGS)).status, 401);
    assert.equal((await app.api(searchPath(spot, window))).status, 401);
  });

  test('lists are keyset pages; bad queries are 400', async () => {
    const spot = { latitude: 10.601, longitude: 10.601 };
    await lobbyListing(app, spot, 'pool', 10);
    const renter = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: 'bookings' })).access_token;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const item = await quoteAt(app, renter, spot, windowFrom(app, 10 + 3 * i));
      const booked = await app.api(BOOKINGS, renter, { body: bookBody(item) });
      assert.equal(booked.status, 201);
      ids.push(booked.body.data.id);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: any = await app.api(`${BOOKINGS}?limit=2&cursor=${encodeURIComponent(cursor)}`, renter);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.items.length <= 2);
      seen.push(...page.body.data.items.map((b: any) => b.id));
      cursor = page.body.data.next_cursor;
      pages++;
    }
    assert.ok(pages >= 2);
    for (const id of ids) assert.ok(seen.includes(id));
    assert.equal(new Set(seen).size, seen.length, 'no booking twice');
    const confirmed = await app.api(`${BOOKINGS}?status=confirmed`, renter);
    assert.ok(confirmed.body.data.items.every((b: any) => b.status === 'confirmed'));

    for (const query of ['limit=0', 'limit=201', 'status=pending', 'cursor=nonsense']) {
      const answer = await app.api(`${BOOKINGS}?${query}`, renter);
      assert.equal(answer.status, 400, query);
    }
    for (const query of ['latitude=91&longitude=0', 'latitude=0&longitude=0&starts=x&ends=y']) {
      const answer = await app.api(`${SEARCH}?${query}`, renter);
      assert.equal(answer.status, 400, query);
    }
    const backwards = await app.api(
      searchPath(spot, { starts: '2030-01-01T10:00:00Z', ends: '2030-01-01T09:00:00Z' }),
      renter,
    );
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].code, 'invalid_window');
    const past = await app.api(
      searchPath(spot, { starts: '2020-01-01T10:00:00Z', ends: '2020-01-01T11:00:00Z' }),
      renter,
    );
    assert.equal(past.status, 422);
    assert.equal(past.body.errors[0].code, 'window_in_past');
    // 02:30 on the spring-forward night does not exist in New York: said, not an empty list.
    const skipped = await app.api(
      searchPath(spot, { starts: '2027-03-14T02:30', ends: '2027-03-14T05:00' }),
      renter,
    );
    assert.equal(skipped.status, 400, JSON.stringify(skipped.body));
    assert.equal(skipped.body.errors[0].code, 'nonexistent_local_time');
  });

  test("sync's marketplace section: the Admin sees the account's listings, a User none", async () => {
    const spot = { latitude: 10.701, longitude: 10.701 };
    const { listing } = await lobbyListing(app, spot);
    const admin = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    const section = (await app.api(SYNC, admin)).body.marketplace;
    const shown = section.listings.find((l: any) => l.id === listing.id);
    assert.ok(shown, "the account's listing");
    assert.equal(shown.status, 'published');
    assert.equal(shown.title, 'Driveway space');
    assert.deepEqual((await app.api(SYNC, john)).body.marketplace.listings, []);
  });
  test('a monthly plan through the API: booked by listing, renews until cancelled, then holds its month', async () => {
    const spot = { latitude: 10.901, longitude: 10.901 };
    const { listing } = await lobbyListing(app, spot);
    // Starts in 30 minutes: inside the listing's hour of free cancellation, so a cancellation keeps the month.
    const starts = formatUtcInstant(Math.ceil(clock.now() / MINUTE) * MINUTE + 30 * MINUTE);
    const monthly = {
      listing_id: listing.id,
      plan: 'monthly',
      starts,
      plate: 'PQX 123',
      payment_method: 'pm_card_visa',
    };
    const before = await counts(app);
    for (const [body, code] of [
      [{ ...monthly, listing_id: undefined }, 'invalid_request'],
      [{ ...monthly, starts: undefined }, 'invalid_request'],
      [{ ...monthly, quote_id: 'ffffffffffffffffffffffffffffffff' }, 'invalid_request'],
      [{ ...monthly, plan: 'weekly' }, 'invalid_request'],
      [{ ...monthly, starts: 'soon' }, 'invalid_request'],
      [{ ...monthly, starts: '2030-02-30T10:00' }, 'invalid_time'],
    ] as const) {
      const answer = await app.api(BOOKINGS, john, { body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.errors[0].code, code, JSON.stringify(answer.body));
    }
    const tooFar = await app.api(BOOKINGS, john, {
      body: { ...monthly, starts: formatUtcInstant(clock.now() + 91 * 24 * HOUR) },
    });
    assert.equal(tooFar.status, 422, 'a renewing plan would hold its place from now on');
    assert.equal(tooFar.body.errors[0].code, 'start_too_far');
    const wrongPrice = await app.api(BOOKINGS, john, {
      body: { ...monthly, final_price: { amount: 32000, currency: 'USD' } },
    });
    assert.equal(wrongPrice.status, 409);
    assert.equal(wrongPrice.body.errors[0].code, 'price_changed');
    assert.deepEqual(await counts(app), before, 'nothing written');

    const booked = await app.api(BOOKINGS, john, {
      body: { ...monthly, final_price: { amount: 35200, currency: 'USD' } },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const booking = booked.body.data;
    assert.equal(booking.plan, 'monthly');
    assert.equal(booking.starts_at, starts);
    assert.equal(booking.renews_at, booking.ends_at, 'the next month is charged when this one ends');
    assert.deepEqual(booking.order.total, { amount: 35200, currency: 'USD' });

    const cancelled = await app.api(`${BOOKINGS}/${booking.id}`, john, { method: 'DELETE' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.data.status, 'cancelled');
    assert.equal(cancelled.body.data.renews_at, null, 'no longer renews');
    assert.equal(cancelled.body.data.order.status, 'paid', 'past the cutoff: no refund');
    // The paid month stays held: nobody else finds the space inside it.
    const inside = {
      starts: formatUtcInstant(Date.parse(starts) + 20 * 24 * HOUR),
      ends: formatUtcInstant(Date.parse(starts) + 20 * 24 * HOUR + 2 * HOUR),
    };
    assert.equal((await app.api(searchPath(spot, inside), productionOwner)).body.data.items.length, 0);
    const after = { starts: booking.ends_at, ends: formatUtcInstant(Date.parse(booking.ends_at) + 2 * HOUR) };
    assert.equal(
      (await app.api(searchPath(spot, after), productionOwner)).body.data.items.length,
      1,
      'free after it',
    );
  });

  test('every answer is what /openapi.json documents for its status', async () => {
    const document = (await app.api('/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const check = (method: string, path: string, answer: { status: number; body: unknown }) => {
      const schema =
        document.paths[path][method.toLowerCase()].responses[String(answer.status)]?.content[
          'application/json'
        ].schema;
      assert.ok(schema, `${method} ${path} documents ${answer.status}`);
      const validate = ajv.compile(schema);
      assert.ok(
        validate(answer.body),
        `${method} ${path} ${answer.status}: ${JSON.stringify(validate.errors)}`,
      );
    };
    const spot = { latitude: 10.801, longitude: 10.801 };
    await lobbyListing(app, spot, 'space');
    const window = windowFrom(app, 4);
    const found = await app.api(searchPath(spot, window), john);
    check('GET', SEARCH, found);
    const item = found.body.data.items[0];
    check(
      'POST',
      BOOKINGS,
      await app.api(BOOKINGS, john, {
        body: bookBody(item, { final_price: { amount: 1, currency: 'USD' } }),
      }),
    );
    check(
      'POST',
      BOOKINGS,
      await app.api(BOOKINGS, john, { body: bookBody(item, { payment_method: 'pm_card_chargeDeclined' }) }),
    );
    check(
      'POST',
      BOOKINGS,
      await app.api(BOOKINGS, john, {
        body: bookBody(item, { quote_id: 'ffffffffffffffffffffffffffffffff' }),
      }),
    );
    check('POST', BOOKINGS, await app.api(BOOKINGS, john, { body: { ...bookBody(item), plate: 7 } }));
    const booked = await app.api(BOOKINGS, john, { body: bookBody(item) });
    assert.equal(booked.status, 201);
    check('POST', BOOKINGS, booked);
    const id = booked.body.data.id;
    check('GET', BOOKINGS, await app.api(BOOKINGS, john));
    check('GET', `${BOOKINGS}/{id}`, await app.api(`${BOOKINGS}/${id}`, john));
    check('GET', `${BOOKINGS}/{id}`, await app.api(`${BOOKINGS}/${id}`, productionOwner));
    const sync = await app.api(SYNC, john);
    assert.equal(sync.body.marketplace.bookings.length > 0, true);
    check('GET', SYNC, sync);
    check('DELETE', `${BOOKINGS}/{id}`, await app.api(`${BOOKINGS}/${id}`, john, { method: 'DELETE' }));
    check('DELETE', `${BOOKINGS}/{id}`, await app.api(`${BOOKINGS}/${id}`, john, { method: 'DELETE' }));
    check('GET', ORDERS, await app.api(ORDERS, john));
    const doorsOnly = (await app.tokensFor({ user: JOHN, scope: 'opendoor' })).access_token;
    check('GET', ORDERS, await app.api(ORDERS, doorsOnly));
    check('GET', SEARCH, await app.api(`${SEARCH}?latitude=0&longitude=0&starts=x&ends=y`, john));
    clock.advance(10 * MINUTE + 1);
    const second = await quoteAt(app, john, spot, windowFrom(app, 8));
    clock.advance(10 * MINUTE + 1);
    check('POST', BOOKINGS, await app.api(BOOKINGS, john, { body: bookBody(second) }));
  });
});
