import { type TSchema, Type } from 'typebox';
import { API_SECURITY } from '../v1/define-route.ts';
import { json } from '../v1/response-docs.ts';
import { OneOf } from '../v1/wire-schemas.ts';
import * as example from './examples.ts';
import {
  ClientCredentials,
  Introspection,
  OAuthErrorBody,
  ServerMetadata,
  TokenResponse,
} from './schemas.ts';

/**
 * The documentation of the OAuth endpoints (spec §3), keyed by `METHOD path` with the path as the
 * docs print it. Those endpoints parse their own input (the documented quirks: a GET token request,
 * a repeated `grant_type`), so `@fastify/swagger` uses these instead of route schemas and
 * documenting them never changes what they accept. The documented API's routes carry their own
 * schemas and words (`src/api/v1/*.routes.ts`).
 */
export interface RouteDoc {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  /** Spec wording of the scopes an operation needs, when they depend on the request. */
  'x-scopes'?: string;
  querystring?: TSchema;
  body?: TSchema;
  consumes?: string[];
  response: Record<string, object>;
}

/** The security scheme names of the document (see openapi-document.ts). */
export const OAUTH = API_SECURITY.oauth;
export const BEARER = API_SECURITY.bearer;
export const CLIENT_BASIC = API_SECURITY.clientBasic;

const FORM = 'application/x-www-form-urlencoded';

function noBody(description: string, headers?: Record<string, object>) {
  return { type: 'null', description, ...(headers ? { headers } : {}) };
}

function htmlPage(description: string) {
  return { description, content: { 'text/html': { schema: { type: 'string' } } } };
}

const NO_STORE = {
  'Cache-Control': { type: 'string', const: 'no-store', description: 'Token responses are never cached.' },
  Pragma: { type: 'string', const: 'no-cache' },
};

function oauthFailures(): Record<string, object> {
  return {
    400: json(
      'RFC 6749 §5.2 error.',
      OAuthErrorBody,
      {
        invalidGrant: {
          summary: 'Code used, expired or issued to another client',
          value: example.oauthError('invalid_grant', 'the authorization code is invalid or expired'),
        },
        invalidRequest: {
          summary: 'A parameter is missing or repeated',
          value: example.oauthError('invalid_request', 'parameter code is repeated'),
        },
      },
      NO_STORE,
    ),
    401: json(
      'Client authentication failed (`invalid_client`).',
      OAuthErrorBody,
      {
        invalidClient: {
          summary: 'Wrong secret',
          value: example.oauthError('invalid_client', 'client authentication failed'),
        },
      },
      { 'WWW-Authenticate': { type: 'string', description: '`Basic realm="parqex", charset="UTF-8"`' } },
    ),
  };
}

type Security = Record<string, string[]>[];
/** HTTP Basic, or `{}`: client_id and client_secret as parameters (client_secret_post). */
const CLIENT_AUTH: Security = [{ [CLIENT_BASIC]: [] }, {}];
const PUBLIC: Security = [];

const TOKEN_PARAMETERS = {
  ...ClientCredentials,
  grant_type: Type.String({
    description:
      '`authorization_code` or `refresh_token`. May be repeated (the documented refresh request sends it twice, the first time as `" authorization_code"`): values are trimmed and the last non-empty one wins.',
    examples: ['authorization_code', 'refresh_token'],
  }),
  code: Type.String({ description: 'The authorization code (grant_type=authorization_code).' }),
  redirect_uri: Type.String({
    format: 'uri',
    description: 'The redirect URI of the authorization request, exactly (grant_type=authorization_code).',
  }),
  code_verifier: Type.String({
    description: 'RFC 7636 PKCE verifier, when the code was requested with a challenge.',
  }),
  refresh_token: Type.String({ description: 'The most recent refresh token (grant_type=refresh_token).' }),
  scope: Type.String({ description: 'Optional on refresh: narrower scopes than granted.' }),
};

const TOKEN_RESPONSES = {
  200: json(
    'The new token pair. Keep both; the refresh token rotates on every use.',
    TokenResponse,
    { tokens: { summary: 'Tokens', value: example.TOKENS } },
    NO_STORE,
  ),
  ...oauthFailures(),
};

const TOKEN_MANAGEMENT_BODY = (extra: Record<string, TSchema>) =>
  Type.Object({
    token: Type.String({ description: 'An access or refresh token.' }),
    token_type_hint: Type.Optional(OneOf(['access_token', 'refresh_token'])),
    client_id: Type.Optional(ClientCredentials.client_id),
    client_secret: Type.Optional(ClientCredentials.client_secret),
    ...extra,
  });

const OAUTH_TAG = 'OAuth 2.0';

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /oauth/v2/endpoints/authorization/': {
    operationId: 'authorize',
    summary: 'Step 1: authorization URL',
    description:
      'Send the user’s browser here. ParqEx shows its sign-in page (skipped when already signed in), then asks the user to ALLOW or DENY your application, and redirects to your `redirect_uri`.\n\n- Success: `302` to `redirect_uri?code=<CODE>&state=<STATE>&iss=<ISSUER>`. The code is single use and valid 10 minutes.\n- A refused or invalid request (bad scope, DENY, …) redirects with `error`, `error_description`, `state` and `iss`.\n- An unknown `client_id` or an unregistered `redirect_uri` is never redirected: ParqEx shows an error page.\n\nExample (the docs’ Step 1):\n\n```\nGET /oauth/v2/endpoints/authorization/?response_type=code&client_id=555555555555555555.api.parqex.com&redirect_uri=https%3A%2F%2Fmyhomeapp.com%2Foauth%2Fv1%2Fauthorize&scope=opendoor,closedoor&state=dzRBV1RxdWg5S0JWUTBhMGpEUy9NT3lGS2xjbkRsMHBDeEJDTXdPS1JpRzhlS3FFRmorOHo2SUoxZmlYb0o4dE8wRGM3Nnhwd0xNbWRIUWUvSmptM2c9PS0tSk4yM1Y2ckR1WmZCUGxjc3JBWDBhdz09--e6f508aa05569a93aaa02414c20ab808e8fbda49\n```',
    tags: [OAUTH_TAG],
    security: PUBLIC,
    querystring: Type.Object({
      response_type: Type.Literal('code'),
      client_id: ClientCredentials.client_id,
      redirect_uri: Type.String({
        format: 'uri',
        description: 'One of your registered redirect URIs, exactly (URL-encoded in the query).',
      }),
      scope: Type.String({
        description: 'Comma-separated (or space-separated), case-insensitive: `OPENDOOR`, `CLOSEDOOR`.',
        examples: ['opendoor,closedoor'],
      }),
      state: Type.Optional(
        Type.String({ description: 'Returned byte for byte in the redirect. Check it before going on.' }),
      ),
      code_challenge: Type.Optional(
        Type.String({
          description: 'RFC 7636 PKCE (optional for confidential clients, required for public ones).',
        }),
      ),
      code_challenge_method: Type.Optional(Type.Literal('S256')),
    }),
    response: {
      200: htmlPage('The ParqEx sign-in or consent page, shown to the user.'),
      302: noBody('Back to your redirect URI with `code`, `state` and `iss` (or `error`).', {
        Location: {
          type: 'string',
          format: 'uri',
          description:
            'e.g. `https://myhomeapp.com/oauth/v1/authorize?code=1fe21db7d29e61a9dd90da9eef675ea8&state=…&iss=…`',
        },
      }),
      400: htmlPage('Unknown application or unregistered redirect URI: an error page, never a redirect.'),
    },
  },

  'GET /oauth/v2/endpoints/token/': {
    operationId: 'getToken',
    summary: 'Steps 3 and 5: get or refresh tokens (documented GET)',
    description:
      'The documented token request: a GET with every parameter in the query string. A `Content-Type: application/x-www-form-urlencoded` header is accepted (the body is ignored). Operators can switch this form off; the POST form always works.\n\nStep 3, exchange the code:\n\n```\nGET /oauth/v2/endpoints/token/?client_id=<CLIENT_ID>&client_secret=<CLIENT_SECRET>&grant_type=authorization_code&code=<AUTHORIZATION_CODE>&redirect_uri=<ENCODED_REDIRECT_URL>\n```\n\nStep 5, refresh, exactly as the docs print it (`grant_type` twice; the last non-empty value wins):\n\n```\nGET /oauth/v2/endpoints/token/?client_id=<CLIENT_ID>&client_secret=<CLIENT_SECRET>&grant_type= authorization_code&refresh_token=<REFRESH_TOKEN>&grant_type=refresh_token\n```\n\nThe secret travels in the URL here: prefer the POST form where you can.',
    tags: [OAUTH_TAG],
    security: PUBLIC,
    querystring: Type.Object({
      client_id: TOKEN_PARAMETERS.client_id,
      client_secret: Type.Optional(TOKEN_PARAMETERS.client_secret),
      grant_type: TOKEN_PARAMETERS.grant_type,
      code: Type.Optional(TOKEN_PARAMETERS.code),
      redirect_uri: Type.Optional(TOKEN_PARAMETERS.redirect_uri),
      code_verifier: Type.Optional(TOKEN_PARAMETERS.code_verifier),
      refresh_token: Type.Optional(TOKEN_PARAMETERS.refresh_token),
      scope: Type.Optional(TOKEN_PARAMETERS.scope),
    }),
    response: TOKEN_RESPONSES,
  },

  'POST /oauth/v2/endpoints/token/': {
    operationId: 'postToken',
    summary: 'Get or refresh tokens (RFC 6749 POST)',
    description:
      'The standard form every OAuth library uses: a form body, the client authenticated by HTTP Basic (`client_secret_basic`) or by `client_id` and `client_secret` in the body (`client_secret_post`). Parameters in the query string are read too; one given twice is an `invalid_request` (except `grant_type`, see the GET form).',
    tags: [OAUTH_TAG],
    security: CLIENT_AUTH,
    consumes: [FORM],
    body: {
      ...Type.Object({
        grant_type: TOKEN_PARAMETERS.grant_type,
        client_id: Type.Optional(TOKEN_PARAMETERS.client_id),
        client_secret: Type.Optional(TOKEN_PARAMETERS.client_secret),
        code: Type.Optional(TOKEN_PARAMETERS.code),
        redirect_uri: Type.Optional(TOKEN_PARAMETERS.redirect_uri),
        code_verifier: Type.Optional(TOKEN_PARAMETERS.code_verifier),
        refresh_token: Type.Optional(TOKEN_PARAMETERS.refresh_token),
        scope: Type.Optional(TOKEN_PARAMETERS.scope),
      }),
      'x-examples': {
        code: {
          summary: 'Exchange a code (client_secret_basic)',
          value: {
            grant_type: 'authorization_code',
            code: '1fe21db7d29e61a9dd90da9eef675ea8',
            redirect_uri: 'https://myhomeapp.com/oauth/v1/authorize',
          },
        },
        refresh: {
          summary: 'Refresh (client_secret_post)',
          value: {
            grant_type: 'refresh_token',
            refresh_token: '8xLOxBtZp8',
            client_id: '555555555555555555.api.parqex.com',
            client_secret: '<CLIENT_SECRET>',
          },
        },
      },
    } as TSchema,
    response: TOKEN_RESPONSES,
  },

  'POST /oauth/v2/endpoints/revoke/': {
    operationId: 'revokeToken',
    summary: 'Revoke a token (RFC 7009)',
    description:
      'A refresh token revokes the whole authorization (every token issued from it); an access token only itself. Unknown tokens and other clients’ tokens are answered `200` alike.',
    tags: [OAUTH_TAG],
    security: CLIENT_AUTH,
    consumes: [FORM],
    body: {
      ...TOKEN_MANAGEMENT_BODY({}),
      'x-examples': {
        refresh: {
          summary: 'Revoke a refresh token',
          value: { token: '8xLOxBtZp8', token_type_hint: 'refresh_token' },
        },
      },
    } as TSchema,
    response: { 200: noBody('Revoked, or nothing to revoke.', NO_STORE), ...oauthFailures() },
  },

  'POST /oauth/v2/endpoints/introspect/': {
    operationId: 'introspectToken',
    summary: 'Introspect a token (RFC 7662)',
    description:
      'For the client the token was issued to. Anything not active (unknown, expired, revoked, rotated, another client’s) is `{"active": false}` and nothing more.',
    tags: [OAUTH_TAG],
    security: CLIENT_AUTH,
    consumes: [FORM],
    body: {
      ...TOKEN_MANAGEMENT_BODY({}),
      'x-examples': { access: { summary: 'An access token', value: { token: 'tGzv3JOkF0XG5Qx2TlKWIA' } } },
    } as TSchema,
    response: {
      200: json(
        'What the token is, or `{"active": false}`.',
        Introspection,
        {
          active: { summary: 'An active access token', value: example.INTROSPECTION_ACTIVE },
          inactive: { summary: 'Anything else', value: { active: false } },
        },
        NO_STORE,
      ),
      ...oauthFailures(),
    },
  },

  'GET /.well-known/oauth-authorization-server': {
    operationId: 'getServerMetadata',
    summary: 'Authorization server metadata (RFC 8414)',
    description: 'The endpoints and capabilities of this server, for OAuth libraries that discover them.',
    tags: [OAUTH_TAG],
    security: PUBLIC,
    response: {
      200: json('Server metadata; `issuer` is the base URL.', ServerMetadata, {
        metadata: { summary: 'Metadata', value: example.METADATA },
      }),
    },
  },
};

/** The key of a route in ROUTE_DOCS; trailing slashes do not matter (the router ignores them). */
export function routeDocKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url.length > 1 ? url.replace(/\/+$/, '') : url}`;
}

const BY_KEY = new Map(
  Object.entries(ROUTE_DOCS).map(([key, doc]) => {
    const space = key.indexOf(' ');
    const path = key.slice(space + 1);
    return [routeDocKey(key.slice(0, space), path), { path, doc }];
  }),
);

/**
 * The documentation of one method of a route, with the path as the docs print it; undefined for
 * a route that is not documented (pages, assets, health checks) and for every spelling of a
 * documented endpoint but the printed one (the others route to the same handler, spec §4).
 */
export function findRouteDoc(method: string, url: string): { path: string; doc: RouteDoc } | undefined {
  return BY_KEY.get(routeDocKey(method, url));
}
