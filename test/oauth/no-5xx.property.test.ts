import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const ENDPOINTS = [
  { method: 'GET', path: '/oauth/v2/endpoints/token/' },
  { method: 'POST', path: '/oauth/v2/endpoints/token/' },
  { method: 'POST', path: '/oauth/v2/endpoints/revoke/' },
  { method: 'POST', path: '/oauth/v2/endpoints/introspect/' },
] as const;

/** The parameters the endpoints read (twice over, as the docs' refresh example does), and others. */
const NAMES = fc.oneof(
  fc.constantFrom(
    'grant_type',
    'code',
    'redirect_uri',
    'client_id',
    'client_secret',
    'refresh_token',
    'code_verifier',
    'scope',
    'token',
    'token_type_hint',
    '__proto__',
  ),
  fc.string({ maxLength: 6 }),
);
const VALUES = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('authorization_code', ' authorization_code', 'refresh_token', 'password', '', '%', '%zz'),
);
const PARAMS = fc
  .array(fc.tuple(NAMES, VALUES), { maxLength: 8 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const AUTHORIZATION = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 30 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
  fc.constantFrom('Basic', 'Basic ###', 'Bearer x', 'Basic Og=='),
);
const CONTENT_TYPE = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/json',
    'text/plain',
    '',
  ),
  fc.string({ maxLength: 20 }),
);

/**
 * Whatever a client sends to the token, revocation or introspection endpoint — any parameters in
 * the query or the form, any Basic credentials, any Content-Type — the answer is never a 5xx and
 * always RFC 6749 JSON (RFC 7009 §2.2: a revocation of an unknown token is a 200 too).
 */
describe('no input makes the OAuth endpoints answer 5xx', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('fast-check over the token, revocation and introspection endpoints', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        PARAMS,
        PARAMS,
        AUTHORIZATION,
        CONTENT_TYPE,
        async (endpoint, query, form, authorization, contentType) => {
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers.authorization = authorization;
          if (endpoint.method === 'POST' && contentType !== '') headers['content-type'] = contentType;
          const response = await fetch(`${app.baseUrl}${endpoint.path}${query ? `?${query}` : ''}`, {
            method: endpoint.method,
            headers,
            ...(endpoint.method === 'POST' ? { body: form } : {}),
          });
          const text = await response.text();
          const where = `${endpoint.method} ${endpoint.path}?${query} [${contentType}] ${form} → ${response.status} ${text}`;
          assert.ok(response.status < 500, where);
          assert.match(response.headers.get('content-type') ?? '', /^application\/json/, where);
          const body = JSON.parse(text) as Record<string, unknown>;
          if (response.status >= 400) {
            assert.equal(typeof body.error, 'string', where);
            assert.equal(response.headers.get('cache-control'), 'no-store', where);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
