import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { findUserById } from '../../src/accounts/users.ts';
import { addVehicle, removeVehicle } from '../../src/accounts/vehicles.ts';
import { webhookNameOf } from '../../src/api/openapi/webhook-docs.ts';
import { API_ROUTES } from '../../src/api/v1/api-v1.ts';
import { TOGGLE_MESSAGES } from '../../src/api/v1/toggle.routes.ts';
import { createPass, revokePass } from '../../src/guests/passes.ts';
import { book, cancelBooking } from '../../src/marketplace/bookings.ts';
import { quoteListing } from '../../src/marketplace/quotes.ts';
import { SCOPE_DESCRIPTIONS } from '../../src/oauth/scopes.ts';
import { enqueuePing } from '../../src/webhooks/delivery-admin.ts';
import { actorOf, insertListing, insertProperty, marketplaceDeps } from '../helpers/marketplace-fixtures.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { testingDoors } from './access-fixtures.ts';

/** Every documented endpoint and method (spec §3, §5), at the path the docs print. */
const DOCUMENTED = [
  'GET /oauth/v2/endpoints/authorization/',
  'GET /oauth/v2/endpoints/token/',
  'POST /oauth/v2/endpoints/token/',
  'POST /oauth/v2/endpoints/revoke/',
  'POST /oauth/v2/endpoints/introspect/',
  'GET /.well-known/oauth-authorization-server',
  'GET /oauth/v1/endpoints/user-info',
  'POST /oauth/v1/endpoints/user-info',
  'GET /oauth/v1/endpoints/sync',
  'POST /oauth/v1/endpoints/sync',
  'POST /oauth/v1/endpoint/toggle',
  'GET /oauth/v1/endpoints/toggle-history',
  'POST /oauth/v1/endpoints/invite',
  'GET /oauth/v1/endpoints/invite',
  'DELETE /oauth/v1/endpoints/invite',
  // Marketplace, owners (products.md §1).
  'GET /oauth/v1/endpoints/properties',
  'POST /oauth/v1/endpoints/properties',
  'GET /oauth/v1/endpoints/properties/{id}',
  'PATCH /oauth/v1/endpoints/properties/{id}',
  'GET /oauth/v1/endpoints/listings',
  'POST /oauth/v1/endpoints/listings',
  'GET /oauth/v1/endpoints/listings/{id}',
  'PATCH /oauth/v1/endpoints/listings/{id}',
  'POST /oauth/v1/endpoints/listings/{id}/publish',
  'POST /oauth/v1/endpoints/listings/{id}/unpublish',
  'GET /oauth/v1/endpoints/listings/{id}/bookings',
  'GET /oauth/v1/endpoints/earnings',
  // products.md §1, the renter's side.
  'GET /oauth/v1/endpoints/listings/search',
  'POST /oauth/v1/endpoints/bookings',
  'GET /oauth/v1/endpoints/bookings',
  'GET /oauth/v1/endpoints/bookings/{id}',
  'DELETE /oauth/v1/endpoints/bookings/{id}',
  'GET /oauth/v1/endpoints/orders',
  // GuestParq & GuestAccess (products.md §2).
  'POST /oauth/v1/endpoints/guest-passes',
  'GET /oauth/v1/endpoints/guest-passes',
  'GET /oauth/v1/endpoints/guest-passes/{id}',
  'PATCH /oauth/v1/endpoints/guest-passes/{id}',
  'DELETE /oauth/v1/endpoints/guest-passes/{id}',
  'GET /oauth/v1/endpoints/guest-policy',
  'PUT /oauth/v1/endpoints/guest-policy',
  'GET /oauth/v1/endpoints/members',
  'PUT /oauth/v1/endpoints/members/{user_id}/permissions',
].sort();

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const INVITE = '/oauth/v1/endpoints/invite';

function operationsOf(document: any): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

/** Every example of the document, with where it sits. */
function examplesIn(document: any): { where: string; schema: unknown; value: unknown }[] {
  const found: { where: string; schema: unknown; value: unknown }[] = [];
  const media = (where: string, m: any) => {
    if (m.example !== undefined) found.push({ where, schema: m.schema, value: m.example });
    for (const [name, e] of Object.entries<any>(m.examples ?? {}))
      found.push({ where: `${where} ${name}`, schema: m.schema, value: e.value });
  };
  const items = [
    ...Object.entries<any>(document.paths),
    ...Object.entries<any>(document.webhooks ?? {}).map(([name, item]) => [`webhook ${name}`, item]),
  ];
  for (const [path, item] of items) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const at = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) media(`${at} parameter ${p.name}`, p);
      for (const [type, m] of Object.entries<any>(op.requestBody?.content ?? {}))
        media(`${at} body ${type}`, m);
      for (const [status, r] of Object.entries<any>(op.responses))
        for (const [type, m] of Object.entries<any>(r.content ?? {})) media(`${at} ${status} ${type}`, m);
    }
  }
  return found;
}

/** The set of key paths of a JSON value (`data.vehicles[].plate`); array elements are unioned. */
function keyPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const element of value) keyPaths(element, `${prefix}[]`, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      into.add(path);
      keyPaths(v, path, into);
    }
  }
  return into;
}

describe('the API reference: /openapi.json and /docs', () => {
  let app: TestApp;
  let document: any;
  let response: Response;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);

  /** The documented schema of a JSON response. */
  function responseSchema(operation: string, status: number): object {
    const [method, path] = operation.split(' ') as [string, string];
    const schema =
      document.paths[path]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']
        ?.schema;
    assert.ok(schema, `${operation} documents a JSON ${status}`);
    return schema;
  }

  /** Asserts that a real response is what the document says for its status. */
  function assertDocumented(operation: string, real: { status: number; body: unknown }) {
    const validate = ajv.compile(responseSchema(operation, real.status));
    assert.ok(
      validate(real.body),
      `${operation} ${real.status}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(real.body)}`,
    );
  }

  function exampleOf(operation: string, status: number): unknown {
    const [method, path] = operation.split(' ') as [string, string];
    const media =
      document.paths[path][method.toLowerCase()].responses[String(status)].content['application/json'];
    return Object.values<any>(media.examples)[0].value;
  }

  before(async () => {
    app = await startTestApp();
    response = await fetch(`${app.baseUrl}/openapi.json`);
    document = JSON.parse(await response.text());
  });
  after(() => app.close());

  test('GET /openapi.json is a valid OpenAPI 3.1.0 document, served as JSON', async () => {
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json(;|$)/);
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.title, 'ParqEx API');

    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.deepEqual(result, { valid: true });
    assert.equal(validator.version, '3.1');

    // The validator does look: the same document without its required `info` is refused.
    const broken = structuredClone(document);
    delete broken.info;
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  test('every documented endpoint and method is listed, once, at the path the docs print', () => {
    assert.deepEqual(operationsOf(document), DOCUMENTED);
    const ids = operationsOf(document).map((op) => {
      const [method, path] = op.split(' ') as [string, string];
      return document.paths[path][method.toLowerCase()].operationId;
    });
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    for (const op of operationsOf(document)) {
      const [method, path] = op.split(' ') as [string, string];
      const operation = document.paths[path][method.toLowerCase()];
      assert.ok(operation.summary, `${op} has a summary`);
      assert.ok(operation.description, `${op} has a description`);
      assert.ok(Object.keys(operation.responses).length > 0, `${op} lists its responses`);
    }
  });

  test('pages, assets, health checks, dev routes and the other spellings are not listed', () => {
    const paths = Object.keys(document.paths);
    for (const hidden of [
      '/',
      '/healthz',
      '/readyz',
      '/assets/parqex.css',
      '/login',
      '/logout',
      '/account',
      '/docs',
      '/openapi.json',
      '/demo/callback',
      '/oauth/v2/endpoints/authorization/decision',
      '/oauth/v1/endpoints/toggle',
      '/oauth/v1/endpoint/user-info',
      '/api/oauth/v1/endpoints/user-info',
      '/api/oauth/v1/endpoint/toggle',
    ]) {
      assert.ok(!paths.includes(hidden), `${hidden} is not listed`);
    }
    assert.deepEqual(
      paths.filter((p) => p.startsWith('/api/')),
      [],
    );
  });

  test('the server, the OAuth URLs and the metadata example are this server’s', async () => {
    assert.deepEqual(document.servers, [{ url: app.baseUrl, description: 'This ParqEx server' }]);
    const oauth = document.components.securitySchemes.ParqExOAuth;
    assert.equal(oauth.type, 'oauth2');
    assert.deepEqual(oauth.flows.authorizationCode, {
      authorizationUrl: `${app.baseUrl}/oauth/v2/endpoints/authorization/`,
      tokenUrl: `${app.baseUrl}/oauth/v2/endpoints/token/`,
      refreshUrl: `${app.baseUrl}/oauth/v2/endpoints/token/`,
      scopes: SCOPE_DESCRIPTIONS,
    });
    assert.deepEqual(document.components.securitySchemes.BearerToken, {
      type: 'http',
      scheme: 'bearer',
      description: 'An access token from the token endpoint, in the Authorization header.',
    });
    assert.ok(!JSON.stringify(document).includes('parqex.invalid'), 'no placeholder URL is left');

    const metadata = await app.api('/.well-known/oauth-authorization-server');
    assert.equal(metadata.body.issuer, app.baseUrl);
    assert.deepEqual(exampleOf('GET /.well-known/oauth-authorization-server', 200), metadata.body);
  });

  test('toggle is listed at its printed path, saying that every spelling works', () => {
    const toggle = document.paths['/oauth/v1/endpoint/toggle'].post;
    assert.match(
      toggle.description,
      /`\/oauth\/v1\/endpoints\/toggle` and the `\/api\/…` spellings work too/,
    );
    assert.deepEqual(Object.keys(toggle.responses).sort(), [
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '428',
      '429',
      '500',
      '501',
      '502',
      '503',
    ]);
    assert.ok(toggle.responses['429'].headers['Retry-After']);
    assert.deepEqual(toggle.security, [
      { ParqExOAuth: ['OPENDOOR'] },
      { ParqExOAuth: ['CLOSEDOOR'] },
      { BearerToken: [] },
    ]);
  });

  test('the token endpoint documents both GET forms, the duplicated grant_type and the POST form', () => {
    const token = document.paths['/oauth/v2/endpoints/token/'];
    assert.ok(token.get.description.includes('grant_type=authorization_code&code=<AUTHORIZATION_CODE>'));
    assert.ok(
      token.get.description.includes(
        'grant_type= authorization_code&refresh_token=<REFRESH_TOKEN>&grant_type=refresh_token',
      ),
    );
    assert.deepEqual(
      token.get.parameters.map((p: any) => p.name),
      [
        'client_id',
        'client_secret',
        'grant_type',
        'code',
        'redirect_uri',
        'code_verifier',
        'refresh_token',
        'scope',
      ],
    );
    assert.equal(token.get.requestBody, undefined, 'the documented GET has no body');
    assert.ok(token.post.requestBody.content['application/x-www-form-urlencoded']);
    assert.equal(token.post.parameters, undefined);
    assert.notEqual(token.get.operationId, token.post.operationId);
    assert.deepEqual(Object.keys(token.get.responses), ['200', '400', '401']);
  });

  test('every example is JSON and matches its own schema', () => {
    const examples = examplesIn(document);
    assert.ok(examples.length >= 40, `found ${examples.length} examples`);
    for (const { where, schema, value } of examples) {
      assert.deepEqual(JSON.parse(JSON.stringify(value)), value, `${where} is JSON`);
      if (!schema) continue;
      const validate = ajv.compile(schema as object);
      assert.ok(validate(value), `${where}: ${JSON.stringify(validate.errors)}`);
    }
  });

  test('user info, settings, sync and history examples have the keys the server really sends', async () => {
    const { access_token: token } = await app.tokensFor();

    const userInfo = await app.api('/oauth/v1/endpoints/user-info', token);
    assert.equal(userInfo.status, 200);
    assert.deepEqual(keyPaths(exampleOf('GET /oauth/v1/endpoints/user-info', 200)), keyPaths(userInfo.body));
    assertDocumented('GET /oauth/v1/endpoints/user-info', userInfo);

    const settings = await app.api('/oauth/v1/endpoints/user-info', token, { method: 'POST' });
    assert.equal(settings.status, 200);
    assert.deepEqual(keyPaths(exampleOf('POST /oauth/v1/endpoints/user-info', 200)), keyPaths(settings.body));
    assertDocumented('POST /oauth/v1/endpoints/user-info', settings);

    for (const method of ['GET', 'POST']) {
      const sync = await app.api('/oauth/v1/endpoints/sync', token, { method });
      assert.equal(sync.status, 200);
      assert.ok(sync.body.devices.length > 0 && sync.body.profile.vehicles.length > 0, 'a full answer');
      assert.deepEqual(keyPaths(exampleOf(`${method} /oauth/v1/endpoints/sync`, 200)), keyPaths(sync.body));
      assertDocumented(`${method} /oauth/v1/endpoints/sync`, sync);
    }

    const doorId = (await app.api('/oauth/v1/endpoints/sync', token)).body.devices[0].doors[0].id;
    assert.equal(
      (await app.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: doorId, door_state: 'OPEN' } }))
        .status,
      200,
    );
    const history = await app.api(
      '/oauth/v1/endpoints/toggle-history?start_date=TODAY&end_date=TODAY&history_type=user',
      token,
    );
    assert.equal(history.status, 200);
    assert.ok(history.body.data.toggle_events.length > 0);
    assert.deepEqual(
      keyPaths(exampleOf('GET /oauth/v1/endpoints/toggle-history', 200)),
      keyPaths(history.body),
    );
    assertDocumented('GET /oauth/v1/endpoints/toggle-history', history);
  });

  test('the documented statuses are the ones the server answers with, in the documented shapes', async () => {
    const { access_token: token } = await app.tokensFor();
    const sync = await app.api('/oauth/v1/endpoints/sync', token);
    // Not the door the test above toggled: the last one John can see.
    const doors = sync.body.devices.flatMap((d: any) => d.doors);
    assert.ok(doors.length >= 2);
    const door = doors.at(-1);

    const done = await app.api('/oauth/v1/endpoint/toggle', token, {
      body: { door_id: door.id, door_state: 'OPEN' },
    });
    assert.equal(done.status, 200);
    assertDocumented('POST /oauth/v1/endpoint/toggle', done);
    const openOnly = await app.tokensFor({ scope: 'opendoor' });
    const noScope = await app.api('/oauth/v1/endpoint/toggle', openOnly.access_token, {
      body: { door_id: door.id, door_state: 'CLOSED' },
    });
    assert.equal(noScope.status, 403);
    assert.match(noScope.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    assertDocumented('POST /oauth/v1/endpoint/toggle', noScope);
    const tooSoon = await app.api('/oauth/v1/endpoint/toggle', token, {
      body: { door_id: door.id, door_state: 'CLOSED' },
    });
    assert.equal(tooSoon.status, 429);
    assert.match(tooSoon.headers.get('retry-after') ?? '', /^\d+$/);
    assertDocumented('POST /oauth/v1/endpoint/toggle', tooSoon);

    // No route validates with the documentation: a bad body still gets the documented message.
    const malformed = await app.api('/oauth/v1/endpoint/toggle', token, { body: {} });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.message, TOGGLE_MESSAGES.malformed);
    assertDocumented('POST /oauth/v1/endpoint/toggle', malformed);

    const unknown = await app.api('/oauth/v1/endpoint/toggle', token, {
      body: { door_id: 'ffffffffffffffffffffffffffffffff', door_state: 'OPEN' },
    });
    assert.equal(unknown.status, 404);
    assertDocumented('POST /oauth/v1/endpoint/toggle', unknown);

    const anonymous = await app.api('/oauth/v1/endpoints/user-info');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="parqex"/);
    assertDocumented('GET /oauth/v1/endpoints/user-info', anonymous);

    const badHistory = await app.api(
      '/oauth/v1/endpoints/toggle-history?start_date=TODAY&end_date=TODAY',
      token,
    );
    assert.equal(badHistory.status, 400);
    assertDocumented('GET /oauth/v1/endpoints/toggle-history', badHistory);

    // A third-party application may not invite (spec §5.6).
    const invite = await app.api('/oauth/v1/endpoints/invite', token, {
      body: { email: 'jane@example.com', door_ids: [door.id] },
    });
    assert.equal(invite.status, 403);
    assertDocumented('POST /oauth/v1/endpoints/invite', invite);

    const client = app.demoClient;
    const refused = await app.token({
      client_id: client.id,
      client_secret: 'wrong',
      grant_type: 'refresh_token',
    });
    assert.equal(refused.status, 401);
    assertDocumented('GET /oauth/v2/endpoints/token/', refused);
    const tokens = await app.tokensFor();
    const refreshed = await app.refresh(tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    assert.deepEqual(keyPaths(exampleOf('GET /oauth/v2/endpoints/token/', 200)), keyPaths(refreshed.body));
    assertDocumented('GET /oauth/v2/endpoints/token/', refreshed);
  });

  test('the invitation examples have the keys the server really sends to an internal application', async () => {
    const internal = await app.registerClient({
      name: 'ParqEx Web',
      isInternal: true,
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const { access_token: token } = await app.tokensFor({ client: internal, user: TEST_OWNER });
    const sync = await app.api('/oauth/v1/endpoints/sync', token);
    const lobby = sync.body.devices.flatMap((d: any) => d.doors).find((d: any) => d.name === 'Lobby Door');
    assert.ok(lobby, "the Test account's Lobby Door");

    const calls = [
      ['POST', 200, await app.api(INVITE, token, { body: { email: JOHN.email, door_ids: [lobby.id] } })],
      [
        'POST',
        201,
        await app.api(INVITE, token, { body: { email: 'newcomer@example.com', door_ids: [lobby.id] } }),
      ],
      ['GET', 200, await app.api(INVITE, token)],
      [
        'DELETE',
        200,
        await app.api(INVITE, token, { method: 'DELETE', body: { email: JOHN.email, door_ids: [lobby.id] } }),
      ],
    ] as const;
    for (const [method, status, real] of calls) {
      assert.equal(real.status, status, `${method} ${JSON.stringify(real.body)}`);
      assert.deepEqual(
        keyPaths(exampleOf(`${method} ${INVITE}`, status)),
        keyPaths(real.body),
        `${method} ${status}`,
      );
      assertDocumented(`${method} ${INVITE}`, real);
    }
  });

  test('every route of the documented API is listed with the schema it validates with', () => {
    /** The schema as the document shows it: without the refusals' words and the examples. */
    const documented = (schema: unknown) =>
      JSON.parse(
        JSON.stringify(schema, (key, value) =>
          key === 'x-error' || key === 'x-examples' ? undefined : value,
        ),
      );
    const apiOperations = operationsOf(document).filter((op) => op.includes(' /oauth/v1/'));
    assert.deepEqual(apiOperations, API_ROUTES.map((r) => `${r.method} ${r.printedPath}`).sort());
    for (const route of API_ROUTES) {
      const operation = document.paths[route.printedPath][route.method.toLowerCase()];
      const at = `${route.method} ${route.printedPath}`;
      assert.equal(operation.operationId, route.operationId, at);
      assert.equal(operation.summary, route.summary, at);
      if (route.body) {
        const media = operation.requestBody.content['application/json'];
        assert.deepEqual(media.schema, documented(route.body), at);
        assert.ok(Object.keys(media.examples).length > 0, `${at} has a body example`);
      } else {
        assert.equal(operation.requestBody, undefined, at);
      }
      const query = route.querystring as unknown as
        | { properties: Record<string, unknown>; required?: string[] }
        | undefined;
      assert.deepEqual(
        (operation.parameters ?? [])
          .filter((p: any) => p.in === 'query')
          .map((p: any) => [p.name, p.required]),
        Object.keys(query?.properties ?? {}).map((name) => [name, (query?.required ?? []).includes(name)]),
        at,
      );
      // A route that honours Idempotency-Key documents the header and its 409 as well.
      const statuses = new Set(Object.keys(route.response).concat(route.idempotent ? ['409'] : []));
      assert.deepEqual(Object.keys(operation.responses).sort(), [...statuses].sort(), at);
      const headers = (operation.parameters ?? [])
        .filter((p: any) => p.in === 'header')
        .map((p: any) => p.name);
      assert.deepEqual(headers, route.idempotent ? ['idempotency-key'] : [], at);
    }
    assert.ok(!JSON.stringify(document).includes('x-error'), "the refusals' words are not in the document");
  });

  test('the webhooks section describes every event ParqEx sends, and the real bodies match it', async () => {
    const fresh = await startTestApp({
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' },
    });
    try {
      const { lobby } = await testingDoors(fresh);
      const client = await fresh.registerClient({
        isInternal: true,
        environment: 'development',
        redirectUris: ['http://127.0.0.1/cb'],
      });
      const { endpoint } = await fresh.ctx.webhooks.create(
        {
          clientId: client.id,
          url: 'http://127.0.0.1:9/hook',
          families: ['door', 'management', 'access', 'marketplace', 'guests'],
        },
        Date.now(),
      );
      // Every scope: guest events reach only apps the person gave GUESTS.
      const owner = (
        await fresh.tokensFor({
          client,
          user: TEST_OWNER,
          scope: 'opendoor,closedoor,bookings,listings,guests',
        })
      ).access_token;
      const openOnly = (await fresh.tokensFor({ client, user: TEST_OWNER, scope: 'opendoor' })).access_token;
      const toggle = (token: string, door_state: string) =>
        fresh.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: lobby.id, door_state } });
      assert.equal((await toggle(owner, 'OPEN')).status, 200);
      assert.equal((await toggle(owner, 'CLOSED')).status, 200);
      assert.equal((await toggle(openOnly, 'CLOSED')).status, 403);
      const share = { email: JOHN.email, door_ids: [lobby.id] };
      assert.equal((await fresh.api(INVITE, owner, { body: share })).status, 200);
      assert.equal((await fresh.api(INVITE, owner, { method: 'DELETE', body: share })).status, 200);
      const ownerId = (
        await fresh.ctx.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', TEST_OWNER.email)
          .executeTakeFirstOrThrow()
      ).id;
      const now = fresh.ctx.clock.now();
      const vehicle = await addVehicle(
        fresh.ctx.db,
        ownerId,
        { plate: 'PQX 123', region: 'NY', make: null, model: null, color: null },
        now,
      );
      assert.ok(await removeVehicle(fresh.ctx.db, ownerId, vehicle, now));
      // A guest pass with a plate: its events, and the access-list events of a guest (no account).
      const admin = {
        userId: ownerId,
        accountId: (await findUserById(fresh.ctx.db, ownerId))!.accountId,
        role: 'admin' as const,
      };
      const { pass } = await createPass(
        fresh.ctx,
        admin,
        {
          guest: { firstName: 'Grace', lastName: 'Hopper' },
          plate: 'GH 1906',
          ends: new Date(now + 3_600_000).toISOString(),
          doorIds: [lobby.id],
        },
        now,
      );
      await revokePass(fresh.ctx, admin, pass.id, now);
      await enqueuePing(fresh.ctx.db, endpoint.id, now);
      // A booking made and cancelled (products.md §1 webhooks), the owner booking their own space.
      const bookingOwner = await actorOf(fresh.ctx.db, TEST_OWNER.email);
      const market = marketplaceDeps(fresh.ctx.db);
      const propertyId = await insertProperty(fresh.ctx.db, { accountId: bookingOwner.accountId }, now);
      const listingId = await insertListing(
        fresh.ctx.db,
        { propertyId, accountId: bookingOwner.accountId },
        now,
      );
      const window = {
        starts: new Date(now + 86_400_000).toISOString(),
        ends: new Date(now + 90_000_000).toISOString(),
      };
      const { quote } = await quoteListing(market, bookingOwner, listingId, window, now);
      const booked = await book(
        market,
        bookingOwner,
        { quoteId: quote.id, finalPrice: quote.total, plate: 'PQX 123', paymentMethod: 'pm_card_visa' },
        now,
      );
      await cancelBooking(market, bookingOwner, booked.id, now);

      const webhooks = (await fresh.api('/openapi.json')).body.webhooks;
      const deliveries = await fresh.ctx.db
        .selectFrom('webhook_deliveries')
        .select(['event_type', 'payload'])
        .where('endpoint_id', '=', endpoint.id)
        .execute();
      const seen = new Set<string>();
      for (const delivery of deliveries) {
        const name = webhookNameOf(delivery.event_type);
        seen.add(name);
        assert.ok(webhooks[name], `${delivery.event_type} is documented`);
        const validate = ajv.compile(webhooks[name].post.requestBody.content['application/json'].schema);
        const payload = JSON.parse(delivery.payload);
        assert.ok(
          validate(payload),
          `${delivery.event_type}: ${JSON.stringify(validate.errors)}\n${delivery.payload}`,
        );
      }
      assert.deepEqual([...seen].sort(), Object.keys(webhooks).sort(), 'every documented event was sent');
    } finally {
      await fresh.close();
    }
  });

  test('GET /docs is a page naming every endpoint, with the page security headers', async () => {
    const page = await fetch(`${app.baseUrl}/docs`);
    const text = await page.text();
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');

    for (const operation of DOCUMENTED) {
      const [method, path] = operation.split(' ') as [string, string];
      const id = document.paths[path][method.toLowerCase()].operationId;
      assert.ok(text.includes(`id="${id}"`), `a section for ${operation}`);
      assert.ok(
        text.includes(
          `<span class="method method-${method.toLowerCase()}">${method}</span> <code>${path}</code>`,
        ),
        `${operation} is named`,
      );
    }
    for (const name of Object.keys(document.webhooks)) {
      assert.ok(text.includes(`id="webhook_${name}"`), `a section for the ${name} webhook`);
      assert.ok(text.includes(`<code>your endpoint: ${name}</code>`), `the ${name} webhook is named`);
    }
    assert.ok(text.includes('X-ParqEx-Api-Key'), 'the webhook headers');
    assert.ok(text.includes(`<code>${app.baseUrl}</code>`), 'the base URL');
    assert.ok(text.includes('href="/openapi.json"'));
    assert.ok(text.includes('Retry-After'));
    assert.ok(text.includes(TOGGLE_MESSAGES.offline.replace("'", '&#39;')), 'the documented messages');
    // Everything is escaped: the examples' quotes and the <ACCESS_TOKEN> placeholders.
    assert.ok(text.includes('&quot;success&quot;: true'));
    assert.ok(text.includes('Bearer &lt;ACCESS_TOKEN&gt;'));
    assert.ok(!text.includes('<ACCESS_TOKEN>'));
    assert.ok(!/<script|\sstyle=|<style/i.test(text), 'no script or inline style (the CSP forbids them)');
  });
});
