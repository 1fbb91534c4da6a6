import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TOGGLE_MESSAGES } from '../../src/api/v1/toggle.routes.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { type RouteCaller, rawCall, routeCallers } from './route-callers.ts';

type Call = Awaited<ReturnType<typeof rawCall>>;

/** Spec §4: `{"errors":[{"code","message"}]}` with a JSON content type (and nothing else). */
function assertErrors(call: Call, where: string) {
  assert.match(call.headers.get('content-type') ?? '', /^application\/json(;|$)/, where);
  assert.deepEqual(Object.keys(call.body ?? {}), ['errors'], `${where}: ${call.text}`);
  assert.equal(call.body.errors.length, 1, where);
  const [error] = call.body.errors;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message'], where);
  assert.match(error.code, /^[a-z_]+$/, where);
  assert.ok(typeof error.message === 'string' && error.message.length > 0, where);
}

/**
 * Refused input: the family's shape and a 4xx — the toggle's documented body (spec §5.4) with our
 * `errors` beside it, every other route the plain `{"errors": […]}`.
 */
function assertRefusedInput(caller: RouteCaller, call: Call, status: number, detail?: RegExp) {
  const where = `${caller.label}: ${call.text}`;
  // parqex-api.md §5.4: every malformed toggle request is a 400, whatever Fastify refused.
  const wireStatus = caller.route.invalidInputBody ? 400 : status;
  assert.equal(call.status, wireStatus, where);
  assert.ok(caller.route.response[wireStatus], `${where}: ${wireStatus} is documented`);
  assert.match(call.headers.get('content-type') ?? '', /^application\/json(;|$)/, where);
  let errors = call.body?.errors;
  if (caller.route.name === 'toggle') {
    assert.deepEqual(Object.keys(call.body).sort(), ['errors', 'message', 'success', 'timestamp'], where);
    assert.equal(call.body.success, false, where);
    assert.equal(call.body.message, TOGGLE_MESSAGES.malformed, where);
    assert.equal(typeof call.body.timestamp, 'number', where);
  } else {
    assertErrors(call, where);
  }
  errors = call.body.errors;
  assert.equal(errors.length, 1, where);
  // The body Fastify would not read has its own code; every other refused input is invalid_request.
  const code =
    status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
  assert.equal(errors[0].code, code, where);
  if (detail) assert.match(errors[0].message, detail, where);
}

/** A value of the wrong JSON type for a schema's `type`. */
function wrongTypeFor(schema: { type?: string }): unknown {
  return schema.type === 'string' ? 12345 : schema.type === 'array' ? 'not a list' : ['wrong'];
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('every error of the documented API has its family’s JSON shape and a 4xx', () => {
  let app: TestApp;
  let callers: RouteCaller[];

  before(async () => {
    app = await startTestApp();
    callers = await routeCallers(app);
  });
  after(() => app.close());

  test('the table covers every route at every spelling', () => {
    // 9 methods of 6 endpoints, then GuestParq's 9 methods of 5 endpoints, each at its 4 spellings (spec §4).
    assert.equal(callers.length, (9 + 9) * 4);
    assert.equal(new Set(callers.map((c) => c.label)).size, callers.length);
  });

  test('no token, a wrong token, a token in the query: 401 or 400 in the errors envelope', async () => {
    for (const caller of callers) {
      const anonymous = await rawCall(app, caller.route.method, caller.url, { headers: JSON_TYPE });
      assert.equal(anonymous.status, 401, caller.label);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="parqex"/);
      assertErrors(anonymous, caller.label);

      const wrong = await rawCall(app, caller.route.method, caller.url, { token: 'not-a-token' });
      assert.equal(wrong.status, 401, caller.label);
      assertErrors(wrong, caller.label);

      const inQuery = await rawCall(app, caller.route.method, `${caller.url}?access_token=${caller.token}`, {
        token: caller.token,
      });
      assert.equal(inQuery.status, 400, caller.label);
      assertErrors(inQuery, caller.label);
    }
  });

  test('malformed JSON: 400 saying the JSON is malformed', async () => {
    for (const caller of callers.filter((c) => c.route.method !== 'GET')) {
      const call = await rawCall(app, caller.route.method, caller.url, {
        token: caller.token,
        headers: JSON_TYPE,
        body: '{"door_id": ',
      });
      assertRefusedInput(caller, call, 400, /not valid JSON/);
    }
  });

  test('a body over 64 KiB: 413', async () => {
    const huge = JSON.stringify({ door_id: 'x', door_state: 'OPEN', padding: 'x'.repeat(65 * 1024) });
    for (const caller of callers.filter((c) => c.route.method !== 'GET')) {
      const call = await rawCall(app, caller.route.method, caller.url, {
        token: caller.token,
        headers: JSON_TYPE,
        body: huge,
      });
      assertRefusedInput(caller, call, 413, /64 KiB/);
    }
  });

  test('a body that is not JSON: 415 for a type we do not read, 400 for plain text', async () => {
    for (const caller of callers.filter((c) => c.route.body)) {
      const xml = await rawCall(app, caller.route.method, caller.url, {
        token: caller.token,
        headers: { 'content-type': 'application/xml' },
        body: '<door id="1">OPEN</door>',
      });
      assertRefusedInput(caller, xml, 415, /Content-Type: application\/json/);
      const text = await rawCall(app, caller.route.method, caller.url, {
        token: caller.token,
        headers: { 'content-type': 'text/plain' },
        body: 'open the door',
      });
      assertRefusedInput(caller, text, 400, /JSON object/);
    }
  });

  test('a body of the wrong shape, or with a field of the wrong type: 400 naming it', async () => {
    for (const caller of callers.filter((c) => c.route.body)) {
      for (const body of [[], 'OPEN', 42, null]) {
        const call = await rawCall(app, caller.route.method, caller.url, {
          token: caller.token,
          headers: JSON_TYPE,
          body: JSON.stringify(body),
        });
        assertRefusedInput(caller, call, 400, /JSON object/);
      }
      const properties = (caller.route.body as unknown as { properties: Record<string, { type?: string }> })
        .properties;
      for (const [name, schema] of Object.entries(properties)) {
        const call = await rawCall(app, caller.route.method, caller.url, {
          token: caller.token,
          headers: JSON_TYPE,
          body: JSON.stringify({ [name]: wrongTypeFor(schema) }),
        });
        assert.equal(call.status, 400, `${caller.label} ${name}`);
        assertRefusedInput(caller, call, 400);
      }
    }
  });

  test('unknown or wrongly typed query values, and repeated ones: 400 naming the parameter', async () => {
    const valid = { start_date: 'TODAY', end_date: 'TODAY', history_type: 'user' };
    const queried = callers.filter((c) => c.route.querystring);
    assert.ok(queried.length > 0);
    for (const caller of queried) {
      const ok = await rawCall(app, 'GET', `${caller.url}?${new URLSearchParams(valid)}`, {
        token: caller.token,
      });
      assert.equal(ok.status, 200, `${caller.label}: ${ok.text}`);
      const properties = (caller.route.querystring as unknown as { properties: Record<string, unknown> })
        .properties;
      for (const name of Object.keys(properties)) {
        for (const value of ['not valid ✗', '-1.5e99']) {
          const query = new URLSearchParams({ ...valid, [name]: value });
          const call = await rawCall(app, 'GET', `${caller.url}?${query}`, { token: caller.token });
          assertRefusedInput(caller, call, 400, new RegExp(name === 'cursor' ? 'cursor' : `^${name} `));
        }
        const twice = new URLSearchParams({ ...valid });
        twice.append(name, 'TODAY');
        twice.append(name, 'TODAY');
        const call = await rawCall(app, 'GET', `${caller.url}?${twice}`, { token: caller.token });
        assertRefusedInput(caller, call, 400, new RegExp(`^${name} must be given once$`));
      }
    }
  });

  test('malformed JSON on the toggle says so, beside the documented message', async () => {
    const toggle = callers.find((c) => c.label === 'POST /oauth/v1/endpoint/toggle')!;
    const call = await rawCall(app, 'POST', toggle.url, {
      token: toggle.token,
      headers: JSON_TYPE,
      body: '{"door_id": "70fc7ebd63d841d9a9f06ff815be1e7c", "door_state": OPEN}',
    });
    assert.equal(call.status, 400);
    assert.equal(call.body.message, TOGGLE_MESSAGES.malformed);
    assert.match(call.body.errors[0].message, /^the body is not valid JSON: /);
  });
});
