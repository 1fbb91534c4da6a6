import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'openid-client';
import { JOHN, type RegisteredClient, startTestApp, type TestApp } from '../helpers/test-app.ts';

// A stock RFC client (openid-client v6 on oauth4webapi) doing the whole flow with nothing but the
// issuer URL, a client id and, for confidential clients, a secret. No ParqEx quirk is used here.

const USER_INFO = '/oauth/v1/endpoints/user-info';
const TOKEN_PATH = '/oauth/v2/endpoints/token/';
const REVOCATION_PATH = '/oauth/v2/endpoints/revoke/';
const INTROSPECTION_PATH = '/oauth/v2/endpoints/introspect/';

/** One HTTP request the library sent, as it went on the wire. */
interface WireRequest {
  method: string;
  url: string;
  authorization: string | null;
  body: URLSearchParams;
}

/** A client as the library knows it, and every request it has sent. */
interface LibraryClient {
  config: oauth.Configuration;
  wire: WireRequest[];
}

/** RFC 8414 discovery from the bare issuer; the test server is plain http on 127.0.0.1. */
async function discover(
  app: TestApp,
  client: RegisteredClient,
  clientAuth?: oauth.ClientAuth,
): Promise<LibraryClient> {
  const wire: WireRequest[] = [];
  const config = await oauth.discovery(
    new URL(app.baseUrl),
    client.id,
    client.secret ?? undefined,
    clientAuth,
    {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
      [oauth.customFetch]: (url, options) => {
        const body = options.body;
        wire.push({
          method: options.method,
          url,
          authorization: new Headers(options.headers).get('authorization'),
          body: new URLSearchParams(typeof body === 'string' || body instanceof URLSearchParams ? body : ''),
        });
        return fetch(url, options);
      },
    },
  );
  return { config, wire };
}

/** Step 1 built by the library (PKCE S256 and a random state), Step 2 by a person in a browser. */
async function authorizeWithLibrary(
  app: TestApp,
  { config }: LibraryClient,
  client: RegisteredClient,
  options: { pkce?: boolean; decision?: 'allow' | 'deny' } = {},
): Promise<{ url: URL; callback: URL; state: string; codeVerifier: string }> {
  const codeVerifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const parameters: Record<string, string> = {
    redirect_uri: client.redirectUri,
    scope: 'OPENDOOR CLOSEDOOR',
    state,
  };
  if (options.pkce ?? true) {
    parameters.code_challenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
    parameters.code_challenge_method = 'S256';
  }
  const url = oauth.buildAuthorizationUrl(config, parameters);
  const callback = new URL(await app.completeInBrowser(url.href, { decision: options.decision }));
  return { url, callback, state, codeVerifier };
}

/** The error a promise rejects with; fails the test when it fulfils. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the promise to reject');
}

/**
 * The HTTP Basic credentials as oauth4webapi sends them: RFC 6749 §2.3.1 form-url-encoding that
 * escapes even `.`, `-` and `_`, so the id's `.` goes out as `%2E` and the server must decode it.
 */
function basic(id: string, secret: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(
      /[-_.!~*'()]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

/** How a kind of client registers, tells the library to authenticate, and shows on the wire. */
interface ClientKind {
  name: string;
  register: (app: TestApp) => Promise<RegisteredClient>;
  auth: (client: RegisteredClient) => oauth.ClientAuth | undefined;
  assertAuthenticates: (request: WireRequest, client: RegisteredClient) => void;
}

const SECRET_POST: ClientKind = {
  name: 'confidential client, client_secret_post (the library default)',
  register: (app) =>
    app.registerClient({ environment: 'development', redirectUris: ['http://127.0.0.1/callback'] }),
  auth: () => undefined,
  assertAuthenticates: (request, client) => {
    assert.equal(request.authorization, null);
    assert.equal(request.body.get('client_id'), client.id);
    assert.equal(request.body.get('client_secret'), client.secret);
  },
};

const SECRET_BASIC: ClientKind = {
  name: 'confidential client, client_secret_basic',
  register: (app) =>
    app.registerClient({ environment: 'development', redirectUris: ['http://127.0.0.1/callback'] }),
  auth: (client) => oauth.ClientSecretBasic(client.secret!),
  assertAuthenticates: (request, client) => {
    assert.equal(request.authorization, basic(client.id, client.secret!));
    assert.equal(request.body.get('client_id'), null);
    assert.equal(request.body.get('client_secret'), null);
  },
};

const PUBLIC: ClientKind = {
  name: 'public client, no client authentication',
  register: (app) =>
    app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/callback'],
      isPublic: true,
    }),
  auth: () => oauth.None(),
  assertAuthenticates: (request, client) => {
    assert.equal(request.authorization, null);
    assert.equal(request.body.get('client_id'), client.id);
    assert.equal(request.body.get('client_secret'), null);
  },
};

describe('a standard OAuth client library (openid-client) against ParqEx', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('discovers the server from its issuer by RFC 8414 metadata', async () => {
    const client = await SECRET_POST.register(app);
    const { config, wire } = await discover(app, client);

    assert.deepEqual(
      wire.map((r) => `${r.method} ${r.url}`),
      [`GET ${app.baseUrl}/.well-known/oauth-authorization-server`],
    );
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, app.baseUrl);
    assert.equal(metadata.authorization_endpoint, `${app.baseUrl}/oauth/v2/endpoints/authorization/`);
    assert.equal(metadata.token_endpoint, `${app.baseUrl}${TOKEN_PATH}`);
    assert.equal(metadata.revocation_endpoint, `${app.baseUrl}${REVOCATION_PATH}`);
    assert.equal(metadata.introspection_endpoint, `${app.baseUrl}${INTROSPECTION_PATH}`);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    assert.equal(metadata.supportsPKCE('S256'), true);
    assert.equal(metadata.supportsPKCE('plain'), false);
  });

  for (const kind of [SECRET_POST, SECRET_BASIC, PUBLIC]) {
    test(`${kind.name}: PKCE code → tokens → user-info → rotating refresh → introspection → revocation`, async () => {
      const client = await kind.register(app);
      const library = await discover(app, client, kind.auth(client));
      const { config, wire } = library;

      // Step 1: the authorization URL the library built from the metadata.
      const { url, callback, state, codeVerifier } = await authorizeWithLibrary(app, library, client);
      assert.equal(url.origin + url.pathname, `${app.baseUrl}/oauth/v2/endpoints/authorization/`);
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('client_id'), client.id);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');

      // Step 2: back at the redirect URI with the code, the library's state and iss (RFC 9207).
      assert.equal(callback.origin + callback.pathname, client.redirectUri);
      assert.equal(callback.searchParams.get('state'), state);
      assert.equal(callback.searchParams.get('iss'), app.baseUrl);
      const code = callback.searchParams.get('code');
      assert.ok(code);

      // Step 3: the library checks iss and state, then redeems the code with the verifier.
      const tokens = await oauth.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
      });
      const tokenRequest = wire.at(-1)!;
      assert.equal(`${tokenRequest.method} ${tokenRequest.url}`, `POST ${app.baseUrl}${TOKEN_PATH}`);
      assert.equal(tokenRequest.body.get('grant_type'), 'authorization_code');
      assert.equal(tokenRequest.body.get('code'), code);
      assert.equal(tokenRequest.body.get('redirect_uri'), client.redirectUri);
      assert.equal(tokenRequest.body.get('code_verifier'), codeVerifier);
      kind.assertAuthenticates(tokenRequest, client);
      assert.equal(tokens.token_type, 'bearer', 'the library lower-cases the "Bearer" it received');
      assert.equal(tokens.expires_in, 3600);
      assert.equal(tokens.scope, 'OPENDOOR CLOSEDOOR');
      assert.ok(tokens.refresh_token);

      // Step 4: a resource call with the bearer token.
      const userInfoUrl = new URL(`${app.baseUrl}${USER_INFO}`);
      const info = await oauth.fetchProtectedResource(config, tokens.access_token, userInfoUrl, 'GET');
      assert.equal(wire.at(-1)!.authorization, `Bearer ${tokens.access_token}`);
      assert.equal(info.status, 200);
      const profile = ((await info.json()) as { data: { id: string; email: string } }).data;
      assert.equal(profile.email, JOHN.email);

      // Step 5: refresh; the refresh token rotates.
      const refreshed = await oauth.refreshTokenGrant(config, tokens.refresh_token);
      const refreshRequest = wire.at(-1)!;
      assert.equal(`${refreshRequest.method} ${refreshRequest.url}`, `POST ${app.baseUrl}${TOKEN_PATH}`);
      assert.equal(refreshRequest.body.get('grant_type'), 'refresh_token');
      assert.equal(refreshRequest.body.get('refresh_token'), tokens.refresh_token);
      kind.assertAuthenticates(refreshRequest, client);
      assert.ok(refreshed.refresh_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
      assert.notEqual(refreshed.access_token, tokens.access_token);
      assert.equal(refreshed.scope, 'OPENDOOR CLOSEDOOR');

      // RFC 7662: the new tokens are active and say whose they are; the rotated one is not.
      const introspected = await oauth.tokenIntrospection(config, refreshed.access_token);
      const introspectionRequest = wire.at(-1)!;
      assert.equal(
        `${introspectionRequest.method} ${introspectionRequest.url}`,
        `POST ${app.baseUrl}${INTROSPECTION_PATH}`,
      );
      assert.equal(introspectionRequest.body.get('token'), refreshed.access_token);
      kind.assertAuthenticates(introspectionRequest, client);
      assert.equal(introspected.active, true);
      assert.equal(introspected.scope, 'OPENDOOR CLOSEDOOR');
      assert.equal(introspected.client_id, client.id);
      assert.equal(introspected.sub, profile.id);
      assert.equal(introspected.username, JOHN.email);
      assert.equal(introspected.token_type, 'Bearer');
      assert.equal(introspected.iss, app.baseUrl);
      const refreshIntrospected = await oauth.tokenIntrospection(config, refreshed.refresh_token, {
        token_type_hint: 'refresh_token',
      });
      assert.equal(refreshIntrospected.active, true);
      assert.equal(refreshIntrospected.token_type, 'refresh_token');
      assert.deepEqual(await oauth.tokenIntrospection(config, tokens.refresh_token), { active: false });

      // RFC 7009: revoking the refresh token ends the whole grant.
      await oauth.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
      const revocationRequest = wire.at(-1)!;
      assert.equal(
        `${revocationRequest.method} ${revocationRequest.url}`,
        `POST ${app.baseUrl}${REVOCATION_PATH}`,
      );
      assert.equal(revocationRequest.body.get('token'), refreshed.refresh_token);
      assert.equal(revocationRequest.body.get('token_type_hint'), 'refresh_token');
      kind.assertAuthenticates(revocationRequest, client);

      assert.deepEqual(await oauth.tokenIntrospection(config, refreshed.access_token), { active: false });
      assert.deepEqual(await oauth.tokenIntrospection(config, refreshed.refresh_token), { active: false });

      // The access token is refused at the resource with an RFC 6750 challenge the library parses.
      const resourceError = await rejection(
        oauth.fetchProtectedResource(config, refreshed.access_token, userInfoUrl, 'GET'),
      );
      assert.ok(resourceError instanceof oauth.WWWAuthenticateChallengeError, String(resourceError));
      assert.equal(resourceError.status, 401);
      assert.equal(resourceError.cause[0]?.scheme, 'bearer');
      assert.equal(resourceError.cause[0]?.parameters.error, 'invalid_token');

      // And the refresh token no longer refreshes.
      const refreshError = await rejection(oauth.refreshTokenGrant(config, refreshed.refresh_token));
      assert.ok(refreshError instanceof oauth.ResponseBodyError, String(refreshError));
      assert.equal(refreshError.status, 400);
      assert.equal(refreshError.error, 'invalid_grant');
    });
  }

  test('the library refuses a redirect with another iss (RFC 9207), no iss or another state, before redeeming', async () => {
    const client = await SECRET_POST.register(app);
    const library = await discover(app, client);
    const { callback, state, codeVerifier } = await authorizeWithLibrary(app, library, client);
    const sent = library.wire.length;

    const tampered = (change: (params: URLSearchParams) => void) => {
      const url = new URL(callback);
      change(url.searchParams);
      return url;
    };
    const cases: [URL, string][] = [
      [
        tampered((p) => p.set('iss', 'https://attacker.example')),
        'unexpected "iss" (issuer) response parameter value',
      ],
      [tampered((p) => p.delete('iss')), 'response parameter "iss" (issuer) missing'],
      [tampered((p) => p.set('state', oauth.randomState())), 'unexpected "state" response parameter value'],
    ];
    for (const [url, message] of cases) {
      const error = await rejection(
        oauth.authorizationCodeGrant(library.config, url, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
        }),
      );
      assert.ok(error instanceof oauth.ClientError, String(error));
      assert.equal(error.code, 'OAUTH_INVALID_RESPONSE');
      assert.equal((error.cause as Error).message, message);
    }
    assert.equal(library.wire.length, sent, 'no token request was sent');

    // The untouched redirect still redeems: the code was never spent.
    const tokens = await oauth.authorizationCodeGrant(library.config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    assert.equal(tokens.scope, 'OPENDOOR CLOSEDOOR');
  });

  test('a public client without PKCE gets invalid_request back, which the library raises', async () => {
    const client = await PUBLIC.register(app);
    const library = await discover(app, client, oauth.None());
    const { callback, state } = await authorizeWithLibrary(app, library, client, { pkce: false });
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);

    const error = await rejection(
      oauth.authorizationCodeGrant(library.config, callback, { expectedState: state }),
    );
    assert.ok(error instanceof oauth.AuthorizationResponseError, String(error));
    assert.equal(error.error, 'invalid_request');
    assert.equal(error.error_description, 'this client must use PKCE: send code_challenge with S256');
  });

  test('DENY comes back as access_denied with state and iss, which the library raises', async () => {
    const client = await SECRET_POST.register(app);
    const library = await discover(app, client);
    const { callback, state } = await authorizeWithLibrary(app, library, client, { decision: 'deny' });
    assert.equal(callback.searchParams.get('code'), null);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);

    const error = await rejection(
      oauth.authorizationCodeGrant(library.config, callback, { expectedState: state }),
    );
    assert.ok(error instanceof oauth.AuthorizationResponseError, String(error));
    assert.equal(error.error, 'access_denied');
  });

  test("a code redeemed with another request's verifier is invalid_grant", async () => {
    const client = await PUBLIC.register(app);
    const library = await discover(app, client, oauth.None());
    const { callback, state } = await authorizeWithLibrary(app, library, client);

    const error = await rejection(
      oauth.authorizationCodeGrant(library.config, callback, {
        pkceCodeVerifier: oauth.randomPKCECodeVerifier(),
        expectedState: state,
      }),
    );
    assert.ok(error instanceof oauth.ResponseBodyError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.error, 'invalid_grant');
  });

  for (const kind of [SECRET_POST, SECRET_BASIC]) {
    test(`${kind.name}: a wrong secret is 401 invalid_client with a Basic challenge`, async () => {
      const client = await kind.register(app);
      const wrong = { ...client, secret: `${client.secret}x` };
      const library = await discover(app, wrong, kind.auth(wrong));

      const error = await rejection(oauth.refreshTokenGrant(library.config, 'no-such-refresh-token'));
      kind.assertAuthenticates(library.wire.at(-1)!, wrong);
      assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
      assert.equal(error.status, 401);
      assert.equal(error.cause[0]?.scheme, 'basic');
      assert.equal(error.cause[0]?.parameters.realm, 'parqex');
      assert.equal(((await error.response.json()) as { error: string }).error, 'invalid_client');
    });
  }
});
