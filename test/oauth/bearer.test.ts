import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Spec §4 and RFC 6750.
describe('bearer tokens on the documented API', () => {
  let app: TestApp;
  let accessToken: string;
  before(async () => {
    app = await startTestApp();
    accessToken = (await app.tokensFor()).access_token;
  });
  after(() => app.close());

  test('no token: 401 with a bare Bearer challenge and the error envelope', async () => {
    const response = await app.api('/oauth/v1/endpoints/user-info');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="parqex"');
    assert.equal(response.body.errors[0].code, 'invalid_token');
    assert.equal(typeof response.body.errors[0].message, 'string');
  });

  test('an unknown token: 401 invalid_token', async () => {
    const response = await app.api('/oauth/v1/endpoints/user-info', 'not-a-token');
    assert.equal(response.status, 401);
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /^Bearer realm="parqex", error="invalid_token"/,
    );
  });

  test('a token in the query string is refused (RFC 6750 §2.3 not supported)', async () => {
    const response = await app.api(`/oauth/v1/endpoints/user-info?access_token=${accessToken}`);
    assert.equal(response.status, 400);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
  });

  test('the scheme name is case-insensitive', async () => {
    const response = await fetch(`${app.baseUrl}/oauth/v1/endpoints/user-info`, {
      headers: { authorization: `bearer ${accessToken}` },
    });
    assert.equal(response.status, 200);
  });

  test('every documented spelling of the path reaches user-info', async () => {
    for (const path of [
      '/oauth/v1/endpoints/user-info',
      '/oauth/v1/endpoints/user-info/',
      '/api/oauth/v1/endpoints/user-info',
      '/api/oauth/v1/endpoints/user-info/',
    ]) {
      const response = await app.api(path, accessToken);
      assert.equal(response.status, 200, path);
      assert.equal(response.body.success, true);
    }
  });

  test('user-info has the documented envelope and the promised profile fields', async () => {
    const before = Date.now();
    const response = await app.api('/oauth/v1/endpoints/user-info', accessToken);
    assert.deepEqual(Object.keys(response.body).sort(), ['data', 'success', 'timestamp']);
    assert.ok(
      Number.isInteger(response.body.timestamp) && response.body.timestamp >= before,
      'epoch milliseconds',
    );
    const data = response.body.data;
    assert.match(data.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { first_name: data.first_name, last_name: data.last_name, email: data.email, phone: data.phone },
      { first_name: 'John', last_name: 'Doe', email: 'john.doe@parqex.com', phone: '+1 555 0100' },
    );
    assert.deepEqual(data.address, {
      line1: '1 Main Street',
      line2: null,
      city: 'New York',
      region: 'NY',
      postal_code: '10001',
      country: 'US',
    });
    assert.equal(data.vehicles.length, 1);
    assert.deepEqual(
      { ...data.vehicles[0], id: undefined },
      { id: undefined, plate: 'ABC1234', region: 'NY', make: 'Toyota', model: 'Prius', color: 'Blue' },
    );
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  /** A GET with `Accept-Encoding: gzip`, read raw (fetch would decode it). */
  async function rawGet(path: string) {
    const http = await import('node:http');
    return new Promise<{ status: number; encoding: string | undefined; vary: string; body: Buffer }>(
      (resolve, reject) => {
        const request = http.get(
          `${app.baseUrl}${path}`,
          { headers: { authorization: `Bearer ${accessToken}`, 'accept-encoding': 'gzip' } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (c: Buffer) => chunks.push(c));
            response.on('end', () =>
              resolve({
                status: response.statusCode!,
                encoding: response.headers['content-encoding'],
                vary: String(response.headers.vary ?? ''),
                body: Buffer.concat(chunks),
              }),
            );
          },
        );
        request.on('error', reject);
      },
    );
  }

  test('Accept-Encoding: gzip is honoured: a body over 1 KiB comes gzip-encoded', async () => {
    const sync = await rawGet('/oauth/v1/endpoints/sync');
    assert.equal(sync.status, 200);
    assert.equal(sync.encoding, 'gzip');
    assert.match(sync.vary, /accept-encoding/i);
    const decoded = gunzipSync(sync.body);
    assert.ok(decoded.length >= 1024, `the sync body is ${decoded.length} bytes`);
    assert.equal(JSON.parse(decoded.toString('utf8')).success, true);
    // A body that fits one TCP segment anyway is sent as it is: identity is always acceptable.
    const userInfo = await rawGet('/oauth/v1/endpoints/user-info');
    assert.equal(userInfo.status, 200);
    assert.equal(userInfo.encoding, undefined);
    assert.equal(JSON.parse(userInfo.body.toString('utf8')).data.first_name, 'John');
  });

  test('Content-Type: application/json on a GET with no body is accepted', async () => {
    const response = await fetch(`${app.baseUrl}/oauth/v1/endpoints/user-info`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        'content-length': '0',
      },
    });
    assert.equal(response.status, 200);
  });
});
