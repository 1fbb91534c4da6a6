import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

describe('client authentication at the token endpoint', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const codeParams = async () => ({
    grant_type: 'authorization_code',
    code: (await app.authorize()).code,
    redirect_uri: app.demoClient.redirectUri,
  });

  test('a wrong secret in the query is 401 invalid_client', async () => {
    const result = await app.token({
      ...(await codeParams()),
      client_id: app.demoClient.id,
      client_secret: 'wrong',
    });
    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
    assert.match(result.headers.get('www-authenticate') ?? '', /^Basic realm="parqex"/);
    assert.equal(result.headers.get('cache-control'), 'no-store');
  });

  test('a wrong secret by HTTP Basic is 401 with WWW-Authenticate: Basic', async () => {
    const result = await app.token(await codeParams(), {
      method: 'POST',
      basic: { id: app.demoClient.id, secret: 'wrong' },
    });
    assert.equal(result.status, 401);
    assert.equal(result.body.error, 'invalid_client');
    assert.match(result.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  test('an unknown or missing client is invalid_client', async () => {
    const params = await codeParams();
    assert.equal(
      (await app.token({ ...params, client_id: '1.evil', client_secret: 'x' })).body.error,
      'invalid_client',
    );
    assert.equal((await app.token(params)).body.error, 'invalid_client');
  });

  test('a disabled client cannot get tokens and its tokens stop working', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const tokens = await app.tokensFor({ client });
    await app.ctx.clients.disable(client.id, Date.now());
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 401);
    const refreshed = await app.refresh(tokens.refresh_token, client);
    assert.equal(refreshed.status, 401);
    assert.equal(refreshed.body.error, 'invalid_client');
  });

  test('a rotated secret replaces the old one at once', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const newSecret = await app.ctx.clients.rotateSecret(client.id, Date.now());
    const { code } = await app.authorize({ client });
    const old = await app.exchangeCode(code, client);
    assert.equal(old.status, 401);
    const { code: again } = await app.authorize({ client });
    assert.equal((await app.exchangeCode(again, { ...client, secret: newSecret })).status, 200);
  });

  test('two authentication methods at once are invalid_request', async () => {
    const result = await app.token(
      { ...(await codeParams()), client_id: app.demoClient.id, client_secret: app.demoClient.secret! },
      { method: 'POST', basic: { id: app.demoClient.id, secret: app.demoClient.secret! } },
    );
    assert.equal(result.status, 400);
    assert.equal(result.body.error, 'invalid_request');
  });

  test('Basic credentials are form-url-decoded (RFC 6749 §2.3.1)', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const secret = await app.ctx.clients.rotateSecret(client.id, Date.now());
    const { code } = await app.authorize({ client });
    const result = await app.token(
      { grant_type: 'authorization_code', code, redirect_uri: client.redirectUri },
      { method: 'POST', basic: { id: client.id, secret } },
    );
    assert.equal(result.status, 200);
  });
});

describe('token request parsing', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const auth = () => ({ client_id: app.demoClient.id, client_secret: app.demoClient.secret! });

  test('a missing grant_type is invalid_request, an unknown one unsupported_grant_type', async () => {
    assert.equal((await app.token(auth())).body.error, 'invalid_request');
    const password = await app.token({ ...auth(), grant_type: 'password', username: 'a', password: 'b' });
    assert.equal(password.status, 400);
    assert.equal(password.body.error, 'unsupported_grant_type');
    const blank = await app.token([...Object.entries(auth()), ['grant_type', ' '], ['grant_type', '']]);
    assert.equal(blank.body.error, 'invalid_request');
  });

  test('the last non-empty grant_type wins; any other repeated parameter is invalid_request', async () => {
    const { code } = await app.authorize();
    const repeated = await app.token([
      ...Object.entries(auth()),
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['code', 'other'],
      ['redirect_uri', app.demoClient.redirectUri],
    ]);
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.error, 'invalid_request');
    assert.match(repeated.body.error_description, /code is repeated/);
  });

  test('a parameter both in the query and the body of a POST counts as repeated', async () => {
    const response = await fetch(
      `${app.baseUrl}/oauth/v2/endpoints/token/?client_id=${encodeURIComponent(app.demoClient.id)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...auth(), grant_type: 'refresh_token', refresh_token: 'x' }).toString(),
      },
    );
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as any).error, 'invalid_request');
  });

  test('a JSON body is refused with invalid_request (RFC 6749 §3.2 takes forms only)', async () => {
    const response = await fetch(`${app.baseUrl}/oauth/v2/endpoints/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...auth(), grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as any).error, 'invalid_request');
  });

  test('the GET form can be switched off by the deployment', async () => {
    const strict = await startTestApp({ env: { PARQEX_TOKEN_GET: 'off' } });
    try {
      const { code } = await strict.authorize();
      const get = await strict.exchangeCode(code);
      assert.equal(get.status, 400);
      assert.match(get.body.error_description, /POST only/);
      const post = await strict.token(
        {
          client_id: strict.demoClient.id,
          client_secret: strict.demoClient.secret!,
          grant_type: 'authorization_code',
          code,
          redirect_uri: strict.demoClient.redirectUri,
        },
        { method: 'POST' },
      );
      assert.equal(post.status, 200);
    } finally {
      await strict.close();
    }
  });
});
