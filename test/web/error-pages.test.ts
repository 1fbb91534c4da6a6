import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { DomainError } from '../../src/lib/domain-error.ts';
import { renderError, renderNotFound } from '../../src/render-error.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const JSON_TYPE = /^application\/json/;
const HTML_TYPE = /^text\/html/;

describe('errors are rendered by the family of the path', () => {
  let app: TestApp;
  let john: string;
  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
    john = (await app.tokensFor()).access_token;
  });
  after(() => app.close());

  const raw = (path: string, init: RequestInit = {}) => fetch(`${app.baseUrl}${path}`, init);

  test('an unknown API path: 404 in the error envelope, as JSON', async () => {
    for (const path of [
      '/oauth/v1/endpoints/nothing',
      '/api/oauth/v1/endpoints/nothing',
      '/api/marketplace/x',
    ]) {
      const response = await raw(path, { headers: { accept: 'application/json' } });
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', JSON_TYPE);
      assert.deepEqual(await response.json(), {
        errors: [{ code: 'not_found', message: 'No such endpoint.' }],
      });
    }
  });

  test('an oversized or mistyped API body: 413 / 415 in the error envelope', async () => {
    const big = await raw('/oauth/v1/endpoints/sync', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${john}` },
      body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    assert.equal(big.status, 413);
    assert.match(big.headers.get('content-type') ?? '', JSON_TYPE);
    const bigBody = (await big.json()) as any;
    assert.equal(bigBody.errors[0].code, 'body_too_large');
    assert.equal(typeof bigBody.errors[0].message, 'string');

    const typed = await raw('/api/oauth/v1/endpoints/sync', {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: `Bearer ${john}` },
      body: '<sync/>',
    });
    assert.equal(typed.status, 415);
    assert.match(typed.headers.get('content-type') ?? '', JSON_TYPE);
    assert.equal(((await typed.json()) as any).errors[0].code, 'unsupported_media_type');
  });

  test('malformed JSON on the toggle: 400 saying the JSON is malformed', async () => {
    const doors = await testingDoors(app);
    const response = await app.api('/oauth/v1/endpoint/toggle', john, {
      body: `{"door_id": "${doors.garage.id}", "door_state": "OPEN"`,
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', JSON_TYPE);
    assert.equal(response.body.errors[0].code, 'invalid_request');
    assert.match(response.body.errors[0].message, /^the body is not valid JSON: /);
  });

  test('pages: an unknown page and an oversized form are HTML pages', async () => {
    const missing = await raw('/no-such-page');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', HTML_TYPE);
    assert.match(await missing.text(), /Page not found/);

    const big = await raw('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${'a'.repeat(70 * 1024)}`,
    });
    assert.equal(big.status, 413);
    assert.match(big.headers.get('content-type') ?? '', HTML_TYPE);
  });
});

describe('renderError', () => {
  class ThingGone extends DomainError {
    constructor() {
      super('thing_gone', 'gone', 'The thing is gone.');
    }
  }
  const logs: string[] = [];
  const server = Fastify({ logger: { stream: { write: (line: string) => void logs.push(line) } } });
  server.setErrorHandler(async (error, request, reply) => renderError(request, reply, error));
  server.setNotFoundHandler(async (request, reply) => renderNotFound(request, reply));
  for (const prefix of ['/api', '', '/oauth/v2/endpoints/token']) {
    server.get(`${prefix}/boom`, async () => {
      throw new Error('database password is hunter2', { cause: new Error('deeper') });
    });
    server.get(`${prefix}/gone`, async () => {
      throw new ThingGone();
    });
  }
  after(() => server.close());

  test('a domain error anywhere: its status from its kind, its code and message', async () => {
    const api = await server.inject('/api/gone');
    assert.equal(api.statusCode, 410);
    assert.deepEqual(api.json(), { errors: [{ code: 'thing_gone', message: 'The thing is gone.' }] });
    const oauth = await server.inject('/oauth/v2/endpoints/token/gone');
    assert.equal(oauth.statusCode, 410);
    assert.equal(oauth.json().error, 'invalid_request');
    const page = await server.inject('/gone');
    assert.equal(page.statusCode, 410);
    assert.match(page.headers['content-type'] as string, HTML_TYPE);
    assert.match(page.body, /The thing is gone\./);
  });

  test('an unexpected error: a generic 500, the cause logged under the request id and never sent', async () => {
    for (const path of ['/api/boom', '/boom', '/oauth/v2/endpoints/token/boom']) {
      logs.length = 0;
      const response = await server.inject(path);
      assert.equal(response.statusCode, 500, path);
      assert.ok(!response.body.includes('hunter2'), path);
      const line = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'unexpected error');
      assert.ok(line, 'logged');
      assert.equal(typeof line.reqId, 'string', 'under the request id');
      assert.match(line.err.message, /hunter2/);
    }
    const api = await server.inject('/api/boom');
    assert.equal(api.json().errors[0].code, 'internal_error');
    const oauth = await server.inject('/oauth/v2/endpoints/token/boom');
    assert.equal(oauth.json().error, 'server_error');
    assert.equal(oauth.headers['cache-control'], 'no-store');
  });
});
