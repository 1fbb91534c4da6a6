import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const post = (path: string, form: Record<string, string>, basic = app.demoClient) =>
    app.token(form, { method: 'POST', path, basic: { id: basic.id, secret: basic.secret! } });

  test('introspection describes an active token to its own client', async () => {
    const tokens = await app.tokensFor({ scope: 'opendoor' });
    const result = await post('/oauth/v2/endpoints/introspect/', { token: tokens.access_token });
    assert.equal(result.status, 200);
    assert.equal(result.body.active, true);
    assert.equal(result.body.scope, 'OPENDOOR');
    assert.equal(result.body.client_id, app.demoClient.id);
    assert.equal(result.body.token_type, 'Bearer');
    assert.equal(result.body.iss, app.baseUrl);
    assert.ok(result.body.exp > result.body.iat);
    const refresh = await post('/oauth/v2/endpoints/introspect/', {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    assert.equal(refresh.body.active, true);
  });

  test("another client's token, or an unknown one, is just inactive", async () => {
    const other = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const tokens = await app.tokensFor();
    assert.deepEqual(
      (await post('/oauth/v2/endpoints/introspect/', { token: tokens.access_token }, other)).body,
      {
        active: false,
      },
    );
    assert.deepEqual((await post('/oauth/v2/endpoints/introspect/', { token: 'nope' })).body, {
      active: false,
    });
  });

  test('introspection needs client authentication', async () => {
    const result = await app.token(
      { token: 'x' },
      { method: 'POST', path: '/oauth/v2/endpoints/introspect/' },
    );
    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
  });

  test('revoking an access token stops it, and only it', async () => {
    const tokens = await app.tokensFor();
    const result = await post('/oauth/v2/endpoints/revoke/', { token: tokens.access_token });
    assert.equal(result.status, 200);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 401);
    assert.equal((await app.refresh(tokens.refresh_token)).status, 200);
  });

  test('revoking a refresh token revokes the whole grant', async () => {
    const tokens = await app.tokensFor();
    assert.equal((await post('/oauth/v2/endpoints/revoke/', { token: tokens.refresh_token })).status, 200);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 401);
    assert.equal((await app.refresh(tokens.refresh_token)).body.error, 'invalid_grant');
    const introspected = await post('/oauth/v2/endpoints/introspect/', { token: tokens.access_token });
    assert.deepEqual(introspected.body, { active: false });
  });

  test("a client cannot revoke another client's token (answered 200, nothing happens)", async () => {
    const other = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const tokens = await app.tokensFor();
    assert.equal(
      (await post('/oauth/v2/endpoints/revoke/', { token: tokens.refresh_token }, other)).status,
      200,
    );
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 200);
  });

  test('an unknown token is answered 200 (RFC 7009 §2.2)', async () => {
    assert.equal((await post('/oauth/v2/endpoints/revoke/', { token: 'never-issued' })).status, 200);
  });
});
