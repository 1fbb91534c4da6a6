import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { earningsRoute } from '../../src/api/v1/marketplace/earnings.routes.ts';
import { listingsRoutes } from '../../src/api/v1/marketplace/listings.routes.ts';
import { propertiesRoutes } from '../../src/api/v1/marketplace/properties.routes.ts';
import { rawCall } from '../api/route-callers.ts';
import { startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

/**
 * The owners' endpoints with the Admin's LISTINGS token (so past the scope and role checks): any
 * body near the documented shapes, any query, never a 5xx, and always a status the document lists.
 */

const MONEY = fc.oneof(
  fc.record({
    amount: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 60)),
    currency: fc.constantFrom('USD', 'usd', 'EUR', 'XXX', 'ABC', ''),
  }),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 1 }),
);
const VALUE = fc.oneof(
  fc.string({ maxLength: 12 }),
  // Any code unit, NUL included (PostgreSQL cannot even store one in text).
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const ADDRESS = fc.oneof(
  fc.record(
    {
      line1: VALUE,
      line2: VALUE,
      city: VALUE,
      region: VALUE,
      postal_code: VALUE,
      country: fc.oneof(fc.constantFrom('US', 'us', 'USA', ''), VALUE),
    },
    { requiredKeys: [] },
  ),
  VALUE,
);
const PROPERTY_FIELDS = {
  name: VALUE,
  address: ADDRESS,
  latitude: fc.oneof(fc.double(), VALUE),
  longitude: fc.oneof(fc.double(), VALUE),
  time_zone: fc.oneof(fc.constantFrom('America/New_York', 'utc', 'Mars/Olympus', ''), VALUE),
  door_ids: fc.oneof(fc.array(fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), VALUE), { maxLength: 3 }), VALUE),
  x: VALUE,
};
const VALID_PROPERTY = {
  name: 'Lot',
  address: { line1: '1 A St', city: 'B', country: 'US' },
  latitude: 40.7,
  longitude: -74,
  time_zone: 'America/New_York',
};
/** A valid body with at most two fields fuzzed (so that most calls reach the service's own checks). */
function nearly(valid: Record<string, unknown>, fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc
    .subarray(Object.keys(fields), { maxLength: 2 })
    .chain((keys) => fc.tuple(...keys.map((k) => fields[k]!)).map((values) => ({ keys, values })))
    .map(({ keys, values }) => {
      const body: Record<string, unknown> = { ...valid };
      keys.forEach((k, i) => {
        body[k] = values[i];
      });
      return body;
    });
}
const PROPERTY_BODY = nearly(VALID_PROPERTY, PROPERTY_FIELDS);
const AVAILABILITY = fc.oneof(
  fc.record(
    {
      weekly: fc.oneof(
        fc.array(
          fc.record(
            {
              day: fc.oneof(fc.constantFrom('mon', 'sun', 'xyz'), VALUE),
              opens: fc.oneof(fc.constantFrom('00:00', '08:00', '24:00', '25:61'), VALUE),
              closes: fc.oneof(fc.constantFrom('18:00', '24:00', '00:00'), VALUE),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        VALUE,
      ),
      closed_dates: fc.oneof(
        fc.array(fc.constantFrom('2026-12-25', '2026-02-30', 'x'), { maxLength: 2 }),
        VALUE,
      ),
    },
    { requiredKeys: [] },
  ),
  VALUE,
);
const LISTING_FIELDS = (propertyId: string) => ({
  property_id: fc.oneof(fc.constant(propertyId), fc.stringMatching(/^[0-9a-f]{32}$/), VALUE),
  title: VALUE,
  description: VALUE,
  kind: fc.oneof(fc.constantFrom('space', 'pool'), VALUE),
  capacity: fc.oneof(fc.integer({ min: -2, max: 20_000 }), VALUE),
  vehicle_size_max: fc.oneof(fc.constantFrom('compact', 'standard', 'oversize'), VALUE),
  rates: fc.oneof(
    fc.record({ hourly: MONEY, daily_max: MONEY, monthly: MONEY }, { requiredKeys: [] }),
    VALUE,
  ),
  min_minutes: fc.oneof(fc.integer(), VALUE),
  max_minutes: fc.oneof(fc.integer(), VALUE),
  availability: AVAILABILITY,
  cancellation: fc.oneof(fc.record({ free_until_minutes_before: fc.oneof(fc.integer(), VALUE) }), VALUE),
});
const LISTING_BODY = (propertyId: string) =>
  nearly(
    {
      property_id: propertyId,
      title: 'Spot',
      kind: 'space',
      rates: { hourly: { amount: 100, currency: 'USD' } },
    },
    LISTING_FIELDS(propertyId),
  );
const QUERY = fc
  .array(
    fc.tuple(
      fc.constantFrom('limit', 'cursor', 'property_id', 'status', 'period', 'from', 'to', 'x'),
      fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.integer().map(String),
        fc.constantFrom('2026-01-01', 'day', 'month', 'published', '2026-03-08T02:30'),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => {
    const query = new URLSearchParams(pairs).toString();
    return query ? `?${query}` : '';
  });

describe("no input makes the owners' endpoints answer 5xx", () => {
  let app: TestApp;
  let admin: string;
  let propertyId: string;
  let listingId: string;

  before(async () => {
    app = await startTestApp();
    admin = (await app.tokensFor({ user: TEST_OWNER, scope: 'listings' })).access_token;
    const property = await app.api('/oauth/v1/endpoints/properties', admin, {
      body: {
        name: 'Fuzz lot',
        address: { line1: '1 A St', city: 'B', country: 'US' },
        latitude: 1,
        longitude: 2,
        time_zone: 'America/New_York',
      },
    });
    propertyId = property.body.data.id;
    const listing = await app.api('/oauth/v1/endpoints/listings', admin, {
      body: {
        property_id: propertyId,
        title: 'Fuzz',
        kind: 'pool',
        capacity: 3,
        rates: { hourly: { amount: 100, currency: 'USD' } },
      },
    });
    listingId = listing.body.data.id;
  });
  after(() => app.close());

  test('fast-check over the owners’ routes', async () => {
    const routes = [...propertiesRoutes, ...listingsRoutes, earningsRoute];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes.map((r) => `${r.method} ${r.printedPath}`)),
        QUERY,
        PROPERTY_BODY,
        LISTING_BODY(''),
        async (label, query, propertyBody, listingDraft) => {
          const route = routes.find((r) => `${r.method} ${r.printedPath}` === label)!;
          const path = route.printedPath
            .replace('properties/{id}', `properties/${propertyId}`)
            .replace('listings/{id}', `listings/${listingId}`);
          const listingBody: Record<string, unknown> = {
            ...listingDraft,
            property_id: (listingDraft as Record<string, unknown>).property_id || propertyId,
          };
          const { property_id: _, kind: __, ...listingPatch } = listingBody;
          const chosen = route.printedPath.includes('properties')
            ? propertyBody
            : route.method === 'PATCH'
              ? listingPatch
              : listingBody;
          const body = route.method === 'GET' ? undefined : JSON.stringify(chosen);
          const call = await rawCall(app, route.method, `${path}${query}`, {
            token: admin,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body }),
          });
          assert.ok(call.status < 500, `${label}${query} ${body}: ${call.status} ${call.text}`);
          assert.ok(
            route.response[call.status],
            `${label}${query} ${body}: ${call.status} is documented (${call.text})`,
          );
          if (call.status >= 400) assert.equal(typeof call.body.errors?.[0]?.code, 'string', call.text);
        },
      ),
      { numRuns: 400 },
    );
  });
});
