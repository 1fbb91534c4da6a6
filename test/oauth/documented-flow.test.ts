import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The docs' own example state (Step 2), with the leading `=` of their `state==dz…`.
const DOCS_STATE =
  '=dzRBV1RxdWg5S0JWUTBhMGpEUy9NT3lGS2xjbkRsMHBDeEJDTXdPS1JpRzhlS3FFRmorOHo2SUoxZmlYb0o4dE8wRGM3Nnhwd0xNbWRIUWUvSmptM2c9PS0tSk4yM1Y2ckR1WmZCUGxjc3JBWDBhdz09--e6f508aa05569a93aaa02414c20ab808e8fbda49';

describe('the documented OAuth flow, step by step as printed', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('Steps 1–5: authorize, exchange by GET, call user-info, refresh with the duplicated grant_type', async () => {
    // Step 1: the authorization URL, comma-separated lower-case scopes, the docs' state.
    const { location, params, code } = await app.authorize({
      scope: 'opendoor,closedoor',
      rawState: DOCS_STATE,
    });

    // Step 2: back at the redirect URI with code, the exact same state, and iss (RFC 9207).
    assert.ok(location.startsWith(`${app.demoClient.redirectUri}?code=`));
    assert.equal(params.get('state'), DOCS_STATE);
    assert.ok(location.includes(`&state=${DOCS_STATE}&`), 'state is echoed byte for byte');
    assert.equal(params.get('iss'), app.baseUrl);
    assert.ok(Buffer.from(code, 'base64url').length >= 16, 'codes carry at least 128 bits');

    // Step 3: GET with everything in the query string and a form Content-Type, as printed.
    const tokens = await app.exchangeCode(code);
    assert.equal(tokens.status, 200);
    assert.equal(tokens.headers.get('cache-control'), 'no-store');
    assert.equal(tokens.headers.get('pragma'), 'no-cache');
    assert.match(tokens.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(tokens.body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.expires_in, 3600);
    assert.equal(tokens.body.scope, 'OPENDOOR CLOSEDOOR');

    // Step 4: call an endpoint with the documented headers.
    const info = await app.api('/oauth/v1/endpoints/user-info', tokens.body.access_token);
    assert.equal(info.status, 200);
    assert.equal(info.body.success, true);
    assert.equal(typeof info.body.timestamp, 'number');
    assert.equal(info.body.data.first_name, 'John');
    assert.equal(info.body.data.last_name, 'Doe');
    assert.equal(info.body.data.email, 'john.doe@parqex.com');

    // Step 5: refresh, exactly as printed: grant_type twice, the first with a leading space.
    const refreshed = await app.refresh(tokens.body.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.access_token, tokens.body.access_token);
    assert.notEqual(refreshed.body.refresh_token, tokens.body.refresh_token, 'refresh tokens rotate');
    assert.equal(refreshed.body.scope, 'OPENDOOR CLOSEDOOR');
    const again = await app.api('/oauth/v1/endpoints/user-info', refreshed.body.access_token);
    assert.equal(again.status, 200);
  });

  test('the Step 5 refresh also works as a POST with the same query string', async () => {
    const tokens = await app.tokensFor();
    const query = new URLSearchParams([
      ['client_id', app.demoClient.id],
      ['client_secret', app.demoClient.secret!],
      ['grant_type', ' authorization_code'],
      ['refresh_token', tokens.refresh_token],
      ['grant_type', 'refresh_token'],
    ]);
    const response = await fetch(`${app.baseUrl}/oauth/v2/endpoints/token/?${query}`, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.ok(((await response.json()) as { access_token?: string }).access_token);
  });

  test('the token endpoint answers with and without its trailing slash', async () => {
    const { code } = await app.authorize();
    const result = await app.token(
      {
        client_id: app.demoClient.id,
        client_secret: app.demoClient.secret!,
        grant_type: 'authorization_code',
        code,
        redirect_uri: app.demoClient.redirectUri,
      },
      { path: '/oauth/v2/endpoints/token' },
    );
    assert.equal(result.status, 200);
  });

  test('the authorization endpoint answers with and without its trailing slash', async () => {
    const browser = app.browser();
    const url = app.authorizationUrl({ rawState: 'abc' }).replace('/authorization/?', '/authorization?');
    const page = await browser.get(url);
    assert.equal(page.status, 200);
    assert.match(page.text_, /Sign in to ParqEx/);
  });

  test('scopes are case-insensitive and comma-, space- or mixed-separated', async () => {
    for (const scope of ['OPENDOOR,CLOSEDOOR', 'closedoor%20opendoor', 'OpenDoor,%20CloseDoor', 'opendoor']) {
      const tokens = await app.tokensFor({ scope });
      assert.equal(tokens.scope, scope === 'opendoor' ? 'OPENDOOR' : 'OPENDOOR CLOSEDOOR', scope);
    }
  });

  test('an unknown scope redirects back with invalid_scope, state and iss', async () => {
    const browser = app.browser();
    const response = await browser.get(app.authorizationUrl({ scope: 'opendoor,fly', rawState: 'xyz' }));
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin + location.pathname, app.demoClient.redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.equal(location.searchParams.get('iss'), app.baseUrl);
  });

  test('DENY redirects back with access_denied, the state and iss', async () => {
    const client = await app.registerClient();
    const { params } = await app.authorize({ client, decision: 'deny', rawState: DOCS_STATE });
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), DOCS_STATE);
    assert.equal(params.get('iss'), app.baseUrl);
    assert.equal(params.get('code'), null);
  });

  test('an unsupported response_type redirects back with unsupported_response_type', async () => {
    const url = app.authorizationUrl({ rawState: 's' }).replace('response_type=code', 'response_type=token');
    const response = await app.browser().get(url);
    assert.equal(response.status, 302);
    assert.equal(
      new URL(response.headers.get('location')!).searchParams.get('error'),
      'unsupported_response_type',
    );
  });

  test('a consent already given for the same scopes skips the page', async () => {
    const browser = app.browser();
    const client = await app.registerClient();
    await app.authorize({ client, browser, scope: 'opendoor' });
    const second = await browser.get(app.authorizationUrl({ client, scope: 'OPENDOOR', rawState: 'again' }));
    assert.equal(second.status, 302);
    assert.equal(new URL(second.headers.get('location')!).searchParams.get('state'), 'again');
    // Asking for more than was approved shows the page again.
    const wider = await browser.get(app.authorizationUrl({ client, scope: 'opendoor,closedoor' }));
    assert.equal(wider.status, 200);
    assert.match(wider.text_, /Close your doors and gates/);
  });

  test('a first-party (internal) client skips the consent page and is listed on the account page', async () => {
    const client = await app.registerClient({ name: 'ParqEx Mobile', isInternal: true });
    const browser = app.browser();
    await app.signIn(browser);
    const response = await browser.get(app.authorizationUrl({ client, rawState: 'first-party' }));
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.searchParams.get('state'), 'first-party');
    assert.equal((await app.exchangeCode(location.searchParams.get('code')!, client)).status, 200);
    const account = await browser.get('/account');
    assert.match(account.text_, /ParqEx Mobile/);
  });

  test('the standard POST with client_secret_basic and client_secret_post', async () => {
    const basic = await app.token(
      {
        grant_type: 'authorization_code',
        code: (await app.authorize()).code,
        redirect_uri: app.demoClient.redirectUri,
      },
      { method: 'POST', basic: { id: app.demoClient.id, secret: app.demoClient.secret! } },
    );
    assert.equal(basic.status, 200);
    const post = await app.token(
      {
        grant_type: 'authorization_code',
        code: (await app.authorize()).code,
        redirect_uri: app.demoClient.redirectUri,
        client_id: app.demoClient.id,
        client_secret: app.demoClient.secret!,
      },
      { method: 'POST' },
    );
    assert.equal(post.status, 200);
  });

  test('RFC 8414 metadata: issuer byte-equal to the public URL, every endpoint', async () => {
    const response = await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, any>;
    assert.equal(metadata.issuer, app.baseUrl);
    assert.equal(metadata.authorization_endpoint, `${app.baseUrl}/oauth/v2/endpoints/authorization/`);
    assert.equal(metadata.token_endpoint, `${app.baseUrl}/oauth/v2/endpoints/token/`);
    assert.equal(metadata.revocation_endpoint, `${app.baseUrl}/oauth/v2/endpoints/revoke/`);
    assert.equal(metadata.introspection_endpoint, `${app.baseUrl}/oauth/v2/endpoints/introspect/`);
    assert.deepEqual(metadata.scopes_supported, ['OPENDOOR', 'CLOSEDOOR', 'BOOKINGS', 'LISTINGS', 'GUESTS']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'refresh_token']);
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
  });
});
