import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hexId } from '../../src/lib/crypto.ts';
import { dashed, testingDoors } from '../api/access-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

// products.md §1, owners: properties, listings and earnings through the API (LISTINGS, the Admin only).

const PROPERTIES = '/oauth/v1/endpoints/properties';
const LISTINGS = '/oauth/v1/endpoints/listings';
const EARNINGS = '/oauth/v1/endpoints/earnings';

const GARAGE = {
  name: 'Midtown Garage',
  address: { line1: '350 W 39th St', city: 'New York', region: 'NY', postal_code: '10018', country: 'us' },
  latitude: 40.7566,
  longitude: -73.9918,
  time_zone: 'america/new_york',
};

const usd = (amount: number) => ({ amount, currency: 'USD' });

function spaceOf(propertyId: string, extra: Record<string, unknown> = {}) {
  return {
    property_id: propertyId,
    title: 'Covered space, level 2',
    kind: 'space',
    rates: { hourly: usd(600), daily_max: usd(3500) },
    ...extra,
  };
}

/** Everything an owners' request could write, to show that a refused one wrote nothing. */
async function ownersState(app: TestApp) {
  const db = app.ctx.db;
  return {
    properties: await db.selectFrom('properties').selectAll().orderBy('id').execute(),
    gates: await db
      .selectFrom('property_doors')
      .selectAll()
      .orderBy('property_id')
      .orderBy('door_id')
      .execute(),
    listings: await db.selectFrom('listings').selectAll().orderBy('id').execute(),
  };
}

function errors(code: string, message: string) {
  return { errors: [{ code, message }] };
}

describe('owners: properties, listings and earnings (products.md §1)', () => {
  let app: TestApp;
  let admin: string;
  let producer: string;
  let john: string;
  let adminWithoutListings: string;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let testAccountId: string;

  before(async () => {
    app = await startTestApp();
    admin = (await app.tokensFor({ user: TEST_OWNER, scope: 'listings' })).access_token;
    producer = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: 'listings,opendoor' })).access_token;
    john = (await app.tokensFor({ user: JOHN, scope: 'listings,bookings' })).access_token;
    adminWithoutListings = (await app.tokensFor({ user: TEST_OWNER, scope: 'opendoor,closedoor,bookings' }))
      .access_token;
    doors = await testingDoors(app);
    testAccountId = (
      await app.ctx.db
        .selectFrom('users')
        .select('account_id')
        .where('email', '=', TEST_OWNER.email)
        .executeTakeFirstOrThrow()
    ).account_id;
  });
  after(() => app.close());

  async function newProperty(token = admin, body: Record<string, unknown> = GARAGE) {
    const created = await app.api(PROPERTIES, token, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data;
  }

  async function newListing(propertyId: string, extra: Record<string, unknown> = {}, token = admin) {
    const created = await app.api(LISTINGS, token, { body: spaceOf(propertyId, extra) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data;
  }

  test('the Admin creates a property with its gates, reads it back, lists it and changes it', async () => {
    const created = await app.api(PROPERTIES, admin, {
      body: { ...GARAGE, door_ids: [dashed(doors.lobby.id), doors.garage.id, doors.garage.id.toUpperCase()] },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const property = created.body.data;
    assert.match(property.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(created.body, {
      success: true,
      timestamp: created.body.timestamp,
      data: {
        id: property.id,
        name: 'Midtown Garage',
        address: {
          line1: '350 W 39th St',
          line2: null,
          city: 'New York',
          region: 'NY',
          postal_code: '10018',
          country: 'US',
        },
        latitude: 40.7566,
        longitude: -73.9918,
        time_zone: 'America/New_York',
        door_ids: [doors.garage.id, doors.lobby.id].sort(),
      },
    });

    const shown = await app.api(`${PROPERTIES}/${dashed(property.id)}`, admin);
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.data, property);
    const listed = await app.api(PROPERTIES, admin);
    assert.ok(listed.body.data.items.some((p: any) => p.id === property.id));

    const changed = await app.api(`${PROPERTIES}/${property.id}`, admin, {
      method: 'PATCH',
      body: { name: '  Midtown Garage (39th St) ', door_ids: [doors.backGate.id] },
    });
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.data, {
      ...property,
      name: 'Midtown Garage (39th St)',
      door_ids: [doors.backGate.id],
    });
    // Left out: kept. An empty list of gates: none.
    const noGates = await app.api(`${PROPERTIES}/${property.id}/`, admin, {
      method: 'PATCH',
      body: { door_ids: [] },
    });
    assert.deepEqual(noGates.body.data, { ...changed.body.data, door_ids: [] });
  });

  test('a property that breaks a rule is refused with what is wrong, and nothing is written', async () => {
    const before = await ownersState(app);
    const cases: [Record<string, unknown>, number, string, string][] = [
      [
        { ...GARAGE, time_zone: 'Mars/Olympus' },
        400,
        'invalid_property',
        'time_zone must be an IANA time zone such as America/New_York, got "Mars/Olympus"',
      ],
      [{ ...GARAGE, latitude: 91 }, 400, 'invalid_request', 'latitude must be a number from -90 to 90'],
      [
        { ...GARAGE, longitude: -180.5 },
        400,
        'invalid_request',
        'longitude must be a number from -180 to 180',
      ],
      [{ ...GARAGE, name: '   ' }, 400, 'invalid_property', 'name must not be empty'],
      [
        { ...GARAGE, name: 'Lot\u0000A' },
        400,
        'invalid_property',
        'name must not contain control characters',
      ],
      [
        { ...GARAGE, address: { ...GARAGE.address, country: 'USA' } },
        400,
        'invalid_property',
        'address.country must be at most 2 characters',
      ],
      [
        { ...GARAGE, colour: 'blue' },
        400,
        'invalid_request',
        'unknown field "colour"; expected {"name", "address", "latitude", "longitude", "time_zone", "door_ids"}',
      ],
      [
        { ...GARAGE, door_ids: [doors.mainGate.id] },
        404,
        'door_not_found',
        `no door with the id ${doors.mainGate.id} in this account`,
      ],
      [
        { ...GARAGE, door_ids: ['ffffffffffffffffffffffffffffffff'] },
        404,
        'door_not_found',
        'no door with the id ffffffffffffffffffffffffffffffff in this account',
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const refused = await app.api(PROPERTIES, admin, { body });
      assert.equal(refused.status, status, JSON.stringify(body));
      assert.deepEqual(refused.body, errors(code, message));
    }
    assert.deepEqual(await ownersState(app), before);
  });

  test('the Admin creates a draft listing, publishes it, changes it and unpublishes it', async () => {
    const property = await newProperty();
    const created = await app.api(LISTINGS, admin, {
      body: spaceOf(property.id, {
        rates: { hourly: usd(600), daily_max: { amount: 3500, currency: 'usd' } },
        min_minutes: 60,
        availability: {
          weekly: [{ day: 'mon', opens: '06:00', closes: '24:00' }],
          closed_dates: ['2026-12-25'],
        },
        cancellation: { free_until_minutes_before: 60 },
      }),
    });
    assert.equal(created.status, 201);
    const listing = created.body.data;
    assert.deepEqual(listing, {
      id: listing.id,
      property_id: property.id,
      title: 'Covered space, level 2',
      description: '',
      kind: 'space',
      capacity: 1,
      vehicle_size_max: 'standard',
      rates: { hourly: usd(600), daily_max: usd(3500), monthly: null },
      min_minutes: 60,
      max_minutes: null,
      availability: {
        weekly: [{ day: 'mon', opens: '06:00', closes: '24:00' }],
        closed_dates: ['2026-12-25'],
      },
      cancellation: { free_until_minutes_before: 60 },
      status: 'draft',
    });

    const published = await app.api(`${LISTINGS}/${listing.id}/publish`, admin, { method: 'POST' });
    assert.equal(published.status, 200);
    assert.deepEqual(published.body.data, { ...listing, status: 'published' });
    const again = await app.api(`${LISTINGS}/${listing.id}/publish`, admin, { method: 'POST' });
    assert.deepEqual(again.body.data, { ...listing, status: 'published' });

    // A rate left out stays, one given as null goes; availability null: open at all times.
    const changed = await app.api(`${LISTINGS}/${dashed(listing.id)}`, admin, {
      method: 'PATCH',
      body: { rates: { daily_max: null, monthly: usd(42000) }, availability: null, max_minutes: 600 },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.data, {
      ...listing,
      status: 'published',
      rates: { hourly: usd(600), daily_max: null, monthly: usd(42000) },
      availability: null,
      max_minutes: 600,
    });

    const unpublished = await app.api(`${LISTINGS}/${listing.id}/unpublish`, admin, { method: 'POST' });
    assert.equal(unpublished.status, 200);
    assert.equal(unpublished.body.data.status, 'unpublished');
    const shown = await app.api(`${LISTINGS}/${listing.id}`, admin);
    assert.deepEqual(shown.body.data, unpublished.body.data);

    // A draft unpublished stays a draft.
    const draft = await newListing(property.id);
    const stillDraft = await app.api(`${LISTINGS}/${draft.id}/unpublish`, admin, { method: 'POST' });
    assert.equal(stillDraft.body.data.status, 'draft');
  });

  test('a pool takes its capacity; a listing that breaks a rule is refused, and nothing is written', async () => {
    const property = await newProperty();
    const pool = await newListing(property.id, { kind: 'pool', capacity: 12, vehicle_size_max: 'oversize' });
    assert.equal(pool.capacity, 12);
    assert.equal(pool.vehicle_size_max, 'oversize');

    const before = await ownersState(app);
    const cases: [Record<string, unknown>, string, string][] = [
      [
        spaceOf(property.id, { rates: {} }),
        'invalid_listing',
        'a listing needs at least one rate: hourly, daily_max or monthly',
      ],
      [
        spaceOf(property.id, { rates: { hourly: usd(600), monthly: { amount: 40000, currency: 'EUR' } } }),
        'invalid_listing',
        'every rate must be in the same currency',
      ],
      [
        spaceOf(property.id, { capacity: 2 }),
        'invalid_listing',
        'a space has capacity 1 (a pool has several interchangeable places)',
      ],
      [spaceOf(property.id, { kind: 'pool' }), 'invalid_listing', 'a pool needs its capacity'],
      [
        spaceOf(property.id, { min_minutes: 120, max_minutes: 60 }),
        'invalid_listing',
        'min_minutes must not be more than max_minutes',
      ],
      [
        spaceOf(property.id, { rates: { hourly: usd(0) } }),
        'invalid_request',
        'rates.hourly.amount must be a whole number of minor units, more than 0',
      ],
      [
        spaceOf(property.id, { rates: { hourly: usd(12.5) } }),
        'invalid_request',
        'rates.hourly.amount must be a whole number of minor units, more than 0',
      ],
      [
        spaceOf(property.id, { rates: { hourly: { amount: 500, currency: 'ABC' } } }),
        'invalid_money',
        'currency must be an upper-case ISO 4217 code, got "ABC"',
      ],
      [
        spaceOf(property.id, { availability: { weekly: [{ day: 'mon', opens: '18:00', closes: '08:00' }] } }),
        'invalid_availability',
        'availability.weekly[0]: opens (18:00) must be before closes (08:00); overnight hours are two entries',
      ],
      [spaceOf(property.id, { kind: 'garage' }), 'invalid_request', 'kind must be "space" or "pool"'],
      [
        spaceOf(property.id, { title: 'Spot\u0000' }),
        'invalid_listing',
        'title must not contain control characters',
      ],
      [
        spaceOf(property.id, { availability: [] }),
        'invalid_request',
        'availability must be an object {"weekly": […], "closed_dates": […]} or null',
      ],
    ];
    for (const [body, code, message] of cases) {
      const refused = await app.api(LISTINGS, admin, { body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.errors[0].code, code, JSON.stringify(refused.body));
      if (code !== 'invalid_availability') assert.deepEqual(refused.body, errors(code, message));
    }
    // kind and property_id are fixed once created.
    const fixed = await app.api(`${LISTINGS}/${pool.id}`, admin, {
      method: 'PATCH',
      body: { kind: 'space' },
    });
    assert.equal(fixed.status, 400);
    assert.match(fixed.body.errors[0].message, /unknown or fixed field "kind"/);
    const emptied = await app.api(`${LISTINGS}/${pool.id}`, admin, {
      method: 'PATCH',
      body: { rates: { hourly: null, daily_max: null } },
    });
    assert.deepEqual(
      emptied.body,
      errors('invalid_listing', 'a listing needs at least one rate: hourly, daily_max or monthly'),
    );
    assert.deepEqual(await ownersState(app), before);
  });

  test('lists are keyset pages, filtered by property and status', async () => {
    const property = await newProperty();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await newListing(property.id, { title: `Space ${i}` }));
    await app.api(`${LISTINGS}/${made[1].id}/publish`, admin, { method: 'POST' });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await app.api(
        `${LISTINGS}?property_id=${property.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      assert.equal(page.status, 200);
      assert.ok(page.body.data.items.length <= 2);
      seen.push(...page.body.data.items.map((l: any) => l.id));
      cursor = page.body.data.next_cursor;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 2);
    assert.deepEqual(seen, made.map((l) => l.id).sort());

    const published = await app.api(`${LISTINGS}?property_id=${property.id}&status=published`, admin);
    assert.deepEqual(
      published.body.data.items.map((l: any) => l.id),
      [made[1].id],
    );
    const badCursor = await app.api(`${LISTINGS}?cursor=nope`, admin);
    assert.deepEqual(badCursor.body, errors('invalid_request', 'the cursor is not one this list returned'));
    const badLimit = await app.api(`${PROPERTIES}?limit=201`, admin);
    assert.deepEqual(badLimit.body, errors('invalid_request', 'limit must be a whole number from 1 to 200'));
    const badStatus = await app.api(`${LISTINGS}?status=live`, admin);
    assert.deepEqual(
      badStatus.body,
      errors('invalid_request', 'status must be one of draft, published, unpublished'),
    );
  });

  test("another account's property or listing is not found, and nothing is written", async () => {
    const theirs = await newProperty(producer, {
      ...GARAGE,
      name: 'Production lot',
      door_ids: [doors.mainGate.id],
    });
    const theirListing = await newListing(theirs.id, {}, producer);
    const before = await ownersState(app);

    const notFoundProperty = errors('property_not_found', `no property with the id ${theirs.id}`);
    const notFoundListing = errors('listing_not_found', `no listing with the id ${theirListing.id}`);
    const calls: [string, { method?: string; body?: unknown }, unknown][] = [
      [`${PROPERTIES}/${theirs.id}`, {}, notFoundProperty],
      [`${PROPERTIES}/${theirs.id}`, { method: 'PATCH', body: { name: 'Mine now' } }, notFoundProperty],
      [LISTINGS, { body: spaceOf(theirs.id) }, notFoundProperty],
      [`${LISTINGS}?property_id=${theirs.id}`, {}, notFoundProperty],
      [`${LISTINGS}/${theirListing.id}`, {}, notFoundListing],
      [`${LISTINGS}/${theirListing.id}`, { method: 'PATCH', body: { title: 'Mine now' } }, notFoundListing],
      [`${LISTINGS}/${theirListing.id}/publish`, { method: 'POST' }, notFoundListing],
      [`${LISTINGS}/${theirListing.id}/unpublish`, { method: 'POST' }, notFoundListing],
      [`${LISTINGS}/${theirListing.id}/bookings`, {}, notFoundListing],
    ];
    for (const [path, init, body] of calls) {
      const refused = await app.api(path, admin, init);
      assert.equal(refused.status, 404, `${init.method ?? 'GET'} ${path}`);
      assert.deepEqual(refused.body, body);
    }
    const unknown = await app.api(`${LISTINGS}/${hexId()}`, admin);
    assert.equal(unknown.status, 404);
    const malformed = await app.api(`${LISTINGS}/not-an-id`, admin);
    assert.equal(malformed.status, 400);
    assert.deepEqual(await ownersState(app), before);

    const mine = await app.api(PROPERTIES, admin);
    assert.ok(!mine.body.data.items.some((p: any) => p.id === theirs.id));
    const myListings = await app.api(LISTINGS, admin);
    assert.ok(!myListings.body.data.items.some((l: any) => l.id === theirListing.id));
  });

  test('a User (not the Admin) is refused with 403 before anything is read or written', async () => {
    const property = await newProperty();
    const listing = await newListing(property.id);
    const before = await ownersState(app);
    const calls: [string, { method?: string; body?: unknown }][] = [
      [PROPERTIES, {}],
      [PROPERTIES, { body: GARAGE }],
      [`${PROPERTIES}/${property.id}`, {}],
      [`${PROPERTIES}/${property.id}`, { method: 'PATCH', body: { name: 'Mine' } }],
      [LISTINGS, {}],
      [LISTINGS, { body: spaceOf(property.id) }],
      [`${LISTINGS}/${listing.id}`, { method: 'PATCH', body: { title: 'Mine' } }],
      [`${LISTINGS}/${listing.id}/publish`, { method: 'POST' }],
      [`${LISTINGS}/${listing.id}/bookings`, {}],
      [EARNINGS, {}],
    ];
    for (const [path, init] of calls) {
      const refused = await app.api(path, john, init);
      assert.equal(refused.status, 403, `${init.method ?? 'GET'} ${path}`);
      assert.deepEqual(
        refused.body,
        errors(
          'forbidden',
          "only the account's Admin can manage its properties and listings and see their bookings and earnings",
        ),
      );
    }
    assert.deepEqual(await ownersState(app), before);
  });

  test('a token without the LISTINGS scope gets 403 insufficient_scope, and nothing is written', async () => {
    const before = await ownersState(app);
    for (const [path, init] of [
      [PROPERTIES, {}],
      [PROPERTIES, { body: GARAGE }],
      [EARNINGS, {}],
    ] as const) {
      const refused = await app.api(path, adminWithoutListings, init);
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, errors('insufficient_scope', 'this action needs the LISTINGS scope'));
      assert.match(
        refused.headers.get('www-authenticate') ?? '',
        /error="insufficient_scope".*scope="LISTINGS"/,
      );
    }
    assert.deepEqual(await ownersState(app), before);
  });

  test('an Idempotency-Key makes a retried creation one property', async () => {
    const key = `create-${hexId()}`;
    const first = await app.api(PROPERTIES, admin, { body: GARAGE, headers: { 'idempotency-key': key } });
    const retry = await app.api(PROPERTIES, admin, { body: GARAGE, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.body.data.id, first.body.data.id);
    const rows = await app.ctx.db
      .selectFrom('properties')
      .select('id')
      .where('id', '=', first.body.data.id)
      .execute();
    assert.equal(rows.length, 1);
  });

  test('unpublishing never touches existing bookings', async () => {
    const property = await newProperty();
    const listing = await newListing(property.id);
    await app.api(`${LISTINGS}/${listing.id}/publish`, admin, { method: 'POST' });
    const booking = await insertPaidBooking(app, {
      listingId: listing.id,
      propertyId: property.id,
      accountId: testAccountId,
      startsAt: Date.UTC(2030, 0, 10, 9),
      lines: [['parking', 1200]],
    });
    const rowBefore = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', booking.bookingId)
      .execute();
    const unpublished = await app.api(`${LISTINGS}/${listing.id}/unpublish`, admin, { method: 'POST' });
    assert.equal(unpublished.body.data.status, 'unpublished');
    const rowAfter = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', booking.bookingId)
      .execute();
    assert.deepEqual(rowAfter, rowBefore);
  });

  test("a listing's bookings: paid ones only, in start order, a calendar range in the property's zone, pages", async () => {
    const property = await newProperty();
    const listing = await newListing(property.id);
    const other = await newListing(property.id);
    const base = { listingId: listing.id, propertyId: property.id, accountId: testAccountId };
    // 2030-03-04 and 2030-03-05 09:00 in New York (EST, UTC−5); one cancelled; one still charging.
    const first = await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2030, 2, 4, 14),
      lines: [
        ['parking', 1200],
        ['service_fee', 120],
      ],
    });
    const second = await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2030, 2, 5, 14),
      lines: [['parking', 1200]],
      refund: { amount: 1200, at: Date.UTC(2030, 2, 1) },
    });
    await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2030, 2, 6, 14),
      lines: [['parking', 1200]],
      orderStatus: 'pending',
    });
    await insertPaidBooking(app, {
      ...base,
      listingId: other.id,
      startsAt: Date.UTC(2030, 2, 4, 14),
      lines: [['parking', 1]],
    });

    const all = await app.api(`${LISTINGS}/${listing.id}/bookings`, admin);
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(
      all.body.data.items.map((b: any) => [
        b.id,
        b.status,
        b.starts_at,
        b.starts_at_local,
        b.order.total.amount,
        b.order.status,
      ]),
      [
        [first.bookingId, 'confirmed', '2030-03-04T14:00:00Z', '2030-03-04 09:00:00', 1320, 'paid'],
        [second.bookingId, 'cancelled', '2030-03-05T14:00:00Z', '2030-03-05 09:00:00', 1200, 'refunded'],
      ],
    );
    assert.equal(all.body.data.next_cursor, null);
    assert.match(all.body.data.items[0].pass.url, /\/pass\/[A-HJ-NP-Z2-9]{8}$/);

    // Naive times are the property's: 2030-03-05T00:00 in New York is 05:00 UTC.
    const fifth = await app.api(
      `${LISTINGS}/${listing.id}/bookings?from=2030-03-05T00:00&to=2030-03-06T00:00`,
      admin,
    );
    assert.deepEqual(
      fifth.body.data.items.map((b: any) => b.id),
      [second.bookingId],
    );
    const paged = await app.api(`${LISTINGS}/${listing.id}/bookings?limit=1`, admin);
    assert.deepEqual(
      paged.body.data.items.map((b: any) => b.id),
      [first.bookingId],
    );
    const next = await app.api(
      `${LISTINGS}/${listing.id}/bookings?limit=1&cursor=${paged.body.data.next_cursor}`,
      admin,
    );
    assert.deepEqual(
      next.body.data.items.map((b: any) => b.id),
      [second.bookingId],
    );
    const badCursor = await app.api(`${LISTINGS}/${listing.id}/bookings?cursor=nope`, admin);
    assert.deepEqual(badCursor.body, errors('invalid_request', 'the cursor is not one this list returned'));
    const badTime = await app.api(`${LISTINGS}/${listing.id}/bookings?from=yesterday`, admin);
    assert.equal(badTime.status, 400);
    assert.equal(badTime.body.errors[0].code, 'invalid_time');
  });

  test('earnings: parking lines gross, fees beside net of refunds, refunds as the parking share in the period they refund', async () => {
    // A fresh account of its own: the producer's, with a property and a listing of its own.
    const property = await newProperty(producer, { ...GARAGE, name: 'Earnings lot' });
    const listing = await newListing(property.id, {}, producer);
    const producerAccount = (
      await app.ctx.db
        .selectFrom('users')
        .select('account_id')
        .where('email', '=', PRODUCTION_OWNER.email)
        .executeTakeFirstOrThrow()
    ).account_id;
    const base = { listingId: listing.id, propertyId: property.id, accountId: producerAccount };
    // January: two paid bookings (1200 + 120 fee, 3500 + 350 fee), the second refunded in full on Feb 2.
    await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2026, 0, 5, 9),
      lines: [
        ['parking', 1200],
        ['service_fee', 120],
      ],
    });
    const refunded = await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2026, 0, 20, 9),
      lines: [
        ['parking', 3500],
        ['service_fee', 350],
      ],
      refund: { amount: 3850, at: Date.UTC(2026, 1, 2, 12) },
    });
    assert.ok(refunded.orderId);
    // February: one booking; and a pending order (charge in flight) that counts nothing yet.
    await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2026, 1, 14, 23, 30),
      lines: [
        ['parking', 999],
        ['service_fee', 100],
      ],
    });
    await insertPaidBooking(app, {
      ...base,
      startsAt: Date.UTC(2026, 1, 15, 9),
      lines: [['parking', 5000]],
      orderStatus: 'pending',
    });

    const months = await app.api(`${EARNINGS}?period=month&from=2026-01-01&to=2026-03-01`, producer);
    assert.equal(months.status, 200, JSON.stringify(months.body));
    const m = (amount: number) => ({ amount, currency: 'USD' });
    assert.deepEqual(months.body.data, {
      period: 'month',
      from: '2026-01-01',
      to: '2026-03-01',
      items: [
        // The refund (made in February) nets the January booking it gives back: 3500 − 3500, fee 350 − 350.
        {
          period: '2026-01',
          currency: 'USD',
          gross: m(4700),
          platform_fee: m(120),
          refunds: m(3500),
          net: m(1200),
        },
        {
          period: '2026-02',
          currency: 'USD',
          gross: m(999),
          platform_fee: m(100),
          refunds: m(0),
          net: m(999),
        },
      ],
      totals: [{ currency: 'USD', gross: m(5699), platform_fee: m(220), refunds: m(3500), net: m(2199) }],
    });

    // The day of the refund shows nothing: it is counted with the stay of January 20.
    const days = await app.api(`${EARNINGS}?period=day&from=2026-01-20&to=2026-02-15`, producer);
    assert.deepEqual(
      days.body.data.items.map((i: any) => [i.period, i.gross.amount, i.refunds.amount, i.net.amount]),
      [
        ['2026-01-20', 3500, 3500, 0],
        ['2026-02-14', 999, 0, 999],
      ],
    );

    // The Test account earns none of it.
    const others = await app.api(`${EARNINGS}?period=month&from=2026-01-01&to=2026-03-01`, admin);
    assert.deepEqual(others.body.data.items, []);

    const reversed = await app.api(`${EARNINGS}?from=2026-03-01&to=2026-01-01`, producer);
    assert.equal(reversed.status, 400);
    assert.deepEqual(reversed.body, errors('invalid_request', 'from must be before to'));
    const tooLong = await app.api(`${EARNINGS}?period=day&from=2025-01-01&to=2026-03-01`, producer);
    assert.deepEqual(tooLong.body, errors('invalid_request', 'a report by day covers at most 366 days'));
  });

  test('earnings: a refunded booking nets to 0 in its own period; days are each property’s local days', async () => {
    const newYork = await newProperty(producer, { ...GARAGE, name: 'Evening lot' });
    const tokyo = await newProperty(producer, { ...GARAGE, name: 'Ginza lot', time_zone: 'Asia/Tokyo' });
    const nyListing = await newListing(newYork.id, {}, producer);
    const tokyoListing = await newListing(tokyo.id, {}, producer);
    const accountId = (
      await app.ctx.db
        .selectFrom('users')
        .select('account_id')
        .where('email', '=', PRODUCTION_OWNER.email)
        .executeTakeFirstOrThrow()
    ).account_id;
    const ny = { listingId: nyListing.id, propertyId: newYork.id, accountId };
    // A New York booking starting Dec 10, refunded in full on Dec 5 (before it started).
    await insertPaidBooking(app, {
      ...ny,
      startsAt: Date.UTC(2026, 11, 10, 14),
      lines: [
        ['parking', 45000],
        ['service_fee', 4500],
      ],
      refund: { amount: 49500, at: Date.UTC(2026, 11, 5, 12) },
    });
    // 21:00 in New York on Dec 10 (02:00 UTC on Dec 11), 500 of its 1099 given back on Dec 12:
    // parking 500 × 999 / 1099 = 454.5… → 455, the fee the rest, 45.
    await insertPaidBooking(app, {
      ...ny,
      startsAt: Date.UTC(2026, 11, 11, 2),
      lines: [
        ['parking', 999],
        ['service_fee', 100],
      ],
      refund: { amount: 500, at: Date.UTC(2026, 11, 12, 12) },
    });
    // 08:00 in Tokyo on Dec 12 (23:00 UTC on Dec 11): the same account, its own property's zone.
    await insertPaidBooking(app, {
      listingId: tokyoListing.id,
      propertyId: tokyo.id,
      accountId,
      startsAt: Date.UTC(2026, 11, 11, 23),
      lines: [
        ['parking', 2000],
        ['service_fee', 200],
      ],
    });

    const m = (amount: number) => ({ amount, currency: 'USD' });
    const days = await app.api(`${EARNINGS}?period=day&from=2026-12-01&to=2026-12-31`, producer);
    assert.equal(days.status, 200, JSON.stringify(days.body));
    assert.deepEqual(days.body.data.items, [
      {
        period: '2026-12-10',
        currency: 'USD',
        gross: m(45000 + 999),
        platform_fee: m(0 + 55),
        refunds: m(45000 + 455),
        net: m(0 + 544),
      },
      {
        period: '2026-12-12',
        currency: 'USD',
        gross: m(2000),
        platform_fee: m(200),
        refunds: m(0),
        net: m(2000),
      },
    ]);
    assert.deepEqual(days.body.data.totals, [
      { currency: 'USD', gross: m(47999), platform_fee: m(255), refunds: m(45455), net: m(2544) },
    ]);
    // What the owner and the platform keep, together, is every line less every refund.
    const lines = 45000 + 4500 + 999 + 100 + 2000 + 200;
    const refunds = 49500 + 500;
    const [total] = days.body.data.totals;
    assert.equal(total.net.amount + total.platform_fee.amount, lines - refunds);
    for (const item of days.body.data.items)
      assert.equal(item.net.amount, item.gross.amount - item.refunds.amount);

    // The range is read in each property's zone too: Dec 12 holds the Tokyo morning only.
    const twelfth = await app.api(`${EARNINGS}?period=day&from=2026-12-11&to=2026-12-13`, producer);
    assert.deepEqual(
      twelfth.body.data.items.map((i: any) => [i.period, i.gross.amount]),
      [['2026-12-12', 2000]],
    );
    const month = await app.api(`${EARNINGS}?period=month&from=2026-12-01&to=2027-01-01`, producer);
    assert.deepEqual(month.body.data.items, [
      { period: '2026-12', currency: 'USD', ...days.body.data.totals[0] },
    ]);
  });
});

let passCounter = 0;
const PASS_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A pass code of the booking side's alphabet (8 characters, no 0/O/1/I), unique per run. */
function passCode(n: number): string {
  let code = '';
  for (let rest = n + 32 ** 6, i = 0; i < 8; i++, rest = Math.floor(rest / 32))
    code = PASS_ALPHABET[rest % 32] + code;
  return code;
}

/** A booking as the booking side leaves it once paid (rows written directly: the owners' view of them). */
async function insertPaidBooking(
  app: TestApp,
  input: {
    listingId: string;
    propertyId: string;
    accountId: string;
    startsAt: number;
    lines: [kind: 'parking' | 'service_fee', amount: number][];
    refund?: { amount: number; at: number };
    orderStatus?: 'paid' | 'refunded' | 'pending';
  },
): Promise<{ bookingId: string; orderId: string }> {
  const db = app.ctx.db;
  const renter = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', JOHN.email)
    .executeTakeFirstOrThrow();
  const bookingId = hexId();
  const orderId = hexId();
  const endsAt = input.startsAt + 2 * 3_600_000;
  const now = input.startsAt - 86_400_000;
  passCounter++;
  await db
    .insertInto('bookings')
    .values({
      id: bookingId,
      listing_id: input.listingId,
      property_id: input.propertyId,
      account_id: input.accountId,
      user_id: renter.id,
      quote_id: null,
      plan: 'hourly',
      status: input.orderStatus === 'pending' ? 'pending' : input.refund ? 'cancelled' : 'confirmed',
      starts_at: input.startsAt,
      ends_at: endsAt,
      hold_ends_at: input.refund ? input.startsAt : endsAt,
      exclusive: 0,
      plate: 'ABC1234',
      vehicle_id: null,
      pass_code: passCode(passCounter),
      payment_method: 'pm_card_visa',
      renews_at: null,
      created_at: now,
      cancelled_at: input.refund ? input.refund.at : null,
    })
    .execute();
  const total = input.lines.reduce((sum, [, amount]) => sum + amount, 0);
  await db
    .insertInto('orders')
    .values({
      id: orderId,
      booking_id: bookingId,
      user_id: renter.id,
      account_id: input.accountId,
      currency: 'USD',
      status: input.orderStatus ?? (input.refund ? 'refunded' : 'paid'),
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const [kind, amount] of input.lines) {
    await db
      .insertInto('order_lines')
      .values({
        id: hexId(),
        order_id: orderId,
        kind,
        label: kind === 'parking' ? 'Parking' : 'Service fee',
        amount,
        period_starts_at: input.startsAt,
        period_ends_at: endsAt,
        created_at: now,
      })
      .execute();
  }
  if (input.orderStatus !== 'pending') {
    await db
      .insertInto('payments')
      .values({
        id: hexId(),
        order_id: orderId,
        kind: 'charge',
        amount: total,
        processor: 'simulated',
        processor_ref: `ch_${orderId}`,
        created_at: now,
      })
      .execute();
  }
  if (input.refund) {
    await db
      .insertInto('payments')
      .values({
        id: hexId(),
        order_id: orderId,
        kind: 'refund',
        amount: input.refund.amount,
        processor: 'simulated',
        processor_ref: `re_${orderId}`,
        created_at: input.refund.at,
      })
      .execute();
  }
  return { bookingId, orderId };
}
