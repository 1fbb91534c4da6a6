import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { type RouteCaller, rawCall, routeCallers } from './route-callers.ts';

/** Query names the routes read, plus a few they do not (and the bearer's `access_token`). */
const QUERY_NAMES = [
  'start_date',
  'end_date',
  'history_type',
  'door_id',
  'device_id',
  'limit',
  'cursor',
  // The Marketplace's (products.md §1).
  'latitude',
  'longitude',
  'radius_m',
  'starts',
  'ends',
  'status',
  'property_id',
  'access_token',
  '__proto__',
  'constructor',
  'x',
];
const ID = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.uuid(),
  fc.constantFrom('70fc7ebd63d841d9a9f06ff815be1e7c', '', 'TODAY', '-', '0'.repeat(40)),
);
const VALUE = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  ID,
  fc.constantFrom(
    'door',
    'device',
    'user',
    'OPEN',
    'CLOSED',
    '2026-02-30',
    '1000',
    '1001',
    '-0',
    'NaN',
    'monthly',
    '2030-03-08T02:30',
    '2030-03-08T09:00:00-05:00',
    'pm_card_visa',
    '90.0000001',
  ),
  fc.integer().map(String),
);
const QUERY = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 6 })), VALUE), {
    maxLength: 6,
  })
  .map((pairs) => {
    const query = new URLSearchParams(pairs).toString();
    return query ? `?${query}` : '';
  });
/** Bodies: JSON near the documented shapes, any JSON, and any text. */
const FIELD = fc.constantFrom(
  'door_id',
  'door_state',
  'email',
  'door_ids',
  'user_id',
  // The Marketplace's (products.md §1).
  'quote_id',
  'final_price',
  'listing_id',
  'plan',
  'starts',
  'plate',
  'vehicle_id',
  'payment_method',
  '__proto__',
  'x',
);
const BODY = fc.oneof(
  fc
    .dictionary(FIELD, fc.oneof(VALUE, fc.array(ID, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), {
      maxKeys: 4,
    })
    .map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constant(undefined),
);
const CONTENT_TYPE = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    '',
  ),
  fc.string({ maxLength: 20 }),
);
const TRAILING_SLASH = fc.boolean();

/**
 * Whatever an authenticated client sends — any query, any body, any Content-Type, at any
 * spelling of any route — the documented API never answers 5xx: bad input is the client's, and
 * says so in the family's JSON shape, with a status the document lists for that route. (A well-formed toggle of a real door could meet a 5xx
 * controller outcome; the ids drawn here are not the caller's doors.)
 */
describe('no input makes the documented API answer 5xx', () => {
  let app: TestApp;
  let callers: RouteCaller[];

  before(async () => {
    app = await startTestApp();
    callers = await routeCallers(app);
  });
  after(() => app.close());

  test('fast-check over every route’s inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        // By label, so a counterexample reads `POST /oauth/v1/endpoint/toggle`.
        fc.constantFrom(...callers.map((c) => c.label)),
        QUERY,
        BODY,
        CONTENT_TYPE,
        TRAILING_SLASH,
        async (label, query, body, contentType, slash) => {
          const caller = callers.find((c) => c.label === label)!;
          const headers: Record<string, string> = {};
          if (contentType !== '' && /^[\t\x20-\x7e]*$/.test(contentType))
            headers['content-type'] = contentType;
          const withBody = caller.route.method !== 'GET' ? body : undefined;
          const call = await rawCall(app, caller.route.method, `${caller.url}${slash ? '/' : ''}${query}`, {
            token: caller.token,
            headers,
            ...(withBody === undefined ? {} : { body: withBody }),
          });
          assert.ok(
            call.status < 500,
            `${caller.label}${query} ${contentType} ${withBody}: ${call.status} ${call.text}`,
          );
          assert.ok(caller.route.response[call.status], `${caller.label}: ${call.status} is documented`);
          if (call.status >= 400) {
            assert.match(call.headers.get('content-type') ?? '', /^application\/json/);
            assert.equal(typeof call.body.errors?.[0]?.code, 'string', call.text);
            assert.equal(typeof call.body.errors?.[0]?.message, 'string', call.text);
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
