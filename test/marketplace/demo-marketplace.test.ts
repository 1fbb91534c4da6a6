import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_PROPERTY, seedDemo } from '../../src/demo/seed.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { formatUtcInstant } from '../../src/marketplace/booking-window.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, type TestApp } from '../helpers/test-app.ts';

// running.md, "Testing accounts": the development seed (and `parqex demo`, the same seedDemo) gives
// "ParqEx Test" a property whose gate is its Garage, with a published pool of 10 and a driveway
// space; John searches near it, books with pm_card_visa and opens the Garage; so does the
// Production account's owner, who has no key to the Garage but his booking. A re-run, after
// people booked, makes the demo marketplace again, once.

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SEARCH = '/oauth/v1/endpoints/listings/search';
const BOOKINGS = '/oauth/v1/endpoints/bookings';
const ORDERS = '/oauth/v1/endpoints/orders';
const SYNC = '/oauth/v1/endpoints/sync';
const TOGGLE = '/oauth/v1/endpoint/toggle';
const SCOPES = 'opendoor,closedoor,bookings';
/** The point the README searches near (the Empire State Building). */
const MIDTOWN = { latitude: 40.7484, longitude: -73.9857 };

function windowFrom(app: TestApp, inHours: number, hours = 2) {
  const start = Math.ceil(app.ctx.clock.now() / HOUR) * HOUR + inHours * HOUR;
  return { startsAt: start, starts: formatUtcInstant(start), ends: formatUtcInstant(start + hours * HOUR) };
}

function searchPath(window: { starts: string; ends: string }) {
  const q = new URLSearchParams({
    latitude: String(MIDTOWN.latitude),
    longitude: String(MIDTOWN.longitude),
    radius_m: '500',
    starts: window.starts,
    ends: window.ends,
  });
  return `${SEARCH}?${q}`;
}

/** The demo marketplace as stored: the Test account's properties with their gates and listings. */
async function demoMarketplace(app: TestApp) {
  const db = app.ctx.db;
  const properties = await db
    .selectFrom('properties')
    .innerJoin('accounts', 'accounts.id', 'properties.account_id')
    .select(['properties.id', 'properties.name', 'properties.time_zone', 'properties.latitude'])
    .where('accounts.name', '=', 'ParqEx Test')
    .execute();
  const gates = await db
    .selectFrom('property_doors')
    .innerJoin('doors', 'doors.id', 'property_doors.door_id')
    .select('doors.name')
    .where(
      'property_doors.property_id',
      'in',
      properties.map((p) => p.id),
    )
    .execute();
  const listings = await db
    .selectFrom('listings')
    .select(['title', 'kind', 'capacity', 'status'])
    .where(
      'property_id',
      'in',
      properties.map((p) => p.id),
    )
    .orderBy('title')
    .execute();
  return {
    properties: properties.map((p) => [p.name, p.time_zone, Number(p.latitude)]),
    gates: gates.map((g) => g.name),
    listings: listings.map((l) => [l.title, l.kind, Number(l.capacity), l.status]),
  };
}

const THE_DEMO = {
  properties: [['ParqEx Test Garage', 'America/New_York', DEMO_PROPERTY.latitude]],
  gates: ['Garage'],
  listings: [
    ['Driveway space', 'space', 1, 'published'],
    ['Garage — any of 10 spaces', 'pool', 10, 'published'],
  ],
};

describe('the demo marketplace (development seed and parqex demo)', () => {
  let app: TestApp;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock(Date.now());
    app = await startTestApp({
      clock,
      env: {
        PARQEX_SIMULATOR_TRAVEL_MS: '0',
        PARQEX_TOGGLE_COOLDOWN_S: '0',
        PARQEX_ACCESS_TOKEN_TTL_S: '86400',
      },
    });
  });
  after(() => app.close());

  test('ParqEx Test owns a Midtown property gated by its Garage, with a pool of 10 and a driveway space, published', async () => {
    assert.deepEqual(await demoMarketplace(app), THE_DEMO);
  });

  test('John searches near Midtown tomorrow, books the pool with pm_card_visa, sees the booking in sync with the Garage once (his invitation) and opens it; cancelling refunds him', async () => {
    const john = (await app.tokensFor({ user: JOHN, scope: SCOPES })).access_token;
    const window = windowFrom(app, 24);
    const found = await app.api(searchPath(window), john);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    const titles = found.body.data.items.map((i: any) => i.title).sort();
    assert.deepEqual(titles, ['Driveway space', 'Garage — any of 10 spaces']);
    const pool = found.body.data.items.find((i: any) => i.kind === 'pool');
    assert.equal(pool.property.address.city, 'New York');
    assert.equal(pool.property.time_zone, 'America/New_York');
    assert.ok(pool.distance_m < 200, `${pool.distance_m} m from the Empire State Building`);
    assert.deepEqual(pool.quote.lines, [
      { label: 'Parking', amount: { amount: 1200, currency: 'USD' } },
      { label: 'Service fee', amount: { amount: 120, currency: 'USD' } },
    ]);

    const booked = await app.api(BOOKINGS, john, {
      headers: { 'idempotency-key': 'demo-john-1' },
      body: {
        quote_id: pool.quote.id,
        final_price: pool.quote.total,
        plate: 'ABC1234',
        payment_method: 'pm_card_visa',
      },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    const booking = booked.body.data;
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.order.status, 'paid');
    assert.match(booking.pass.code, /^[A-Z2-9]{8}$/);

    // John already holds an invitation to the Garage: the booking adds a window, never a second door.
    const { garage } = await testingDoors(app);
    const synced = await app.api(SYNC, john);
    const garages = synced.body.devices
      .flatMap((d: any) => d.doors)
      .filter((door: any) => door.id === garage.id);
    assert.equal(garages.length, 1, 'the Garage is listed once');
    assert.deepEqual(
      synced.body.marketplace.bookings.map((b: any) => b.id),
      [booking.id],
    );
    const opened = await app.api(TOGGLE, john, { body: { door_id: garage.id, door_state: 'OPEN' } });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));

    const cancelled = await app.api(`${BOOKINGS}/${booking.id}`, john, { method: 'DELETE' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.data.order.status, 'refunded');
    const orders = await app.api(ORDERS, john);
    const order = orders.body.data.items.find((o: any) => o.booking_id === booking.id);
    assert.deepEqual(
      // (the clock stands still here: both payments have one instant, so their order is the ids')
      order.payments.map((p: any) => [p.kind, p.amount.amount, p.processor]).sort(),
      [
        ['charge', 1320, 'simulated'],
        ['refund', 1320, 'simulated'],
      ],
    );
  });

  test('the Production owner, with no key to the Garage, books the driveway and opens the Garage only from the grace before his window', async () => {
    const owner = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: SCOPES })).access_token;
    const { garage } = await testingDoors(app);
    const window = windowFrom(app, 3);
    const found = await app.api(searchPath(window), owner);
    const driveway = found.body.data.items.find((i: any) => i.kind === 'space');
    const booked = await app.api(BOOKINGS, owner, {
      body: {
        quote_id: driveway.quote.id,
        final_price: driveway.quote.total,
        plate: 'PRD 2026',
        payment_method: 'pm_card_visa',
      },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));

    const toggle = () => app.api(TOGGLE, owner, { body: { door_id: garage.id, door_state: 'OPEN' } });
    assert.equal((await toggle()).status, 404, 'before the grace: no such door for him');
    clock.advance(window.startsAt - 15 * MINUTE - clock.now());
    const synced = await app.api(SYNC, owner);
    assert.ok(
      synced.body.devices.some((d: any) => d.doors.some((door: any) => door.id === garage.id)),
      'the Garage is in his sync from the grace before the window',
    );
    assert.equal((await toggle()).status, 200, 'the default grace: 15 minutes before');
  });

  test('run again after people booked: the same demo marketplace, once, and it still books', async () => {
    await seedDemo(app.ctx.db, app.ctx.clients, app.ctx.publicUrl, app.ctx.clock.now());
    await seedDemo(app.ctx.db, app.ctx.clients, app.ctx.publicUrl, app.ctx.clock.now());
    assert.deepEqual(await demoMarketplace(app), THE_DEMO);

    const john = (await app.tokensFor({ user: JOHN, scope: SCOPES })).access_token;
    const found = await app.api(searchPath(windowFrom(app, 5)), john);
    assert.equal(found.body.data.items.length, 2, JSON.stringify(found.body));
    const pool = found.body.data.items.find((i: any) => i.kind === 'pool');
    const booked = await app.api(BOOKINGS, john, {
      body: {
        quote_id: pool.quote.id,
        final_price: pool.quote.total,
        plate: 'ABC1234',
        payment_method: 'pm_card_visa',
      },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
  });
});
