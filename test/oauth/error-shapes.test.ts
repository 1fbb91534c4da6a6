import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const ENDPOINTS = [
  '/oauth/v2/endpoints/token/',
  '/oauth/v2/endpoints/revoke/',
  '/oauth/v2/endpoints/introspect/',
];
const FORM = 'application/x-www-form-urlencoded';

/** An RFC 6749 §5.2 error: JSON, never cached, `invalid_request` unless said otherwise. */
async function assertOAuthError(response: Response, status: number, code = 'invalid_request') {
  const where = `${response.url} → ${response.status}`;
  assert.equal(response.status, status, where);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, where);
  assert.equal(response.headers.get('cache-control'), 'no-store', where);
  const body = (await response.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], where);
  assert.equal(body.error, code, where);
  assert.equal(typeof body.error_description, 'string');
}

describe('the OAuth endpoints answer RFC 6749 JSON whatever goes wrong', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const post = (path: string, contentType: string, body: string) =>
    fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  test('a 70 KiB body (the limit is 64 KiB): 400 invalid_request (parqex-api.md: 400 or 401), not a page', async () => {
    const body = `client_id=x&token=${'a'.repeat(70 * 1024)}`;
    for (const path of ENDPOINTS) await assertOAuthError(await post(path, FORM, body), 400);
  });

  test('a body that is not a form: 400 invalid_request', async () => {
    for (const path of ENDPOINTS) {
      await assertOAuthError(await post(path, 'application/json', '{"token": "x"'), 400);
      await assertOAuthError(await post(path, 'application/json', '{"token": "x"}'), 400);
      await assertOAuthError(await post(path, 'text/plain', 'token=x'), 400);
    }
  });

  test('a malformed form (a repeated parameter): 400 invalid_request', async () => {
    const { id, secret } = app.demoClient;
    const body = new URLSearchParams([
      ['client_id', id],
      ['client_secret', secret ?? ''],
      ['token', 'a'],
      ['token', 'b'],
      ['grant_type', 'refresh_token'],
      ['refresh_token', 'a'],
      ['refresh_token', 'b'],
    ]).toString();
    for (const path of ENDPOINTS) await assertOAuthError(await post(path, FORM, body), 400);
  });

  test('a method the endpoint does not take: RFC 6749 JSON too', async () => {
    for (const path of ['/oauth/v2/endpoints/revoke/', '/oauth/v2/endpoints/introspect/']) {
      await assertOAuthError(await fetch(`${app.baseUrl}${path}`), 404);
    }
  });

  test('a wrong client secret is still a 401 invalid_client with WWW-Authenticate', async () => {
    const body = new URLSearchParams({
      client_id: app.demoClient.id,
      client_secret: 'wrong-secret-wrong-secret',
      token: 'x',
    }).toString();
    for (const path of ENDPOINTS) {
      const response = await post(path, FORM, body);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
      await assertOAuthError(response, 401, 'invalid_client');
    }
  });
});
