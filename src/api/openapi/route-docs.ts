import { type TSchema, Type } from 'typebox';
import { INTERNAL_ERROR_MESSAGE } from '../v1/envelope.ts';
import * as example from './examples.ts';
import {
  AccessGranted,
  AccessRemoved,
  ApiErrors,
  ClientCredentials,
  envelope,
  History,
  HistoryQuery,
  Introspection,
  InvitationSent,
  InviteRequest,
  OAuthErrorBody,
  OneOf,
  Profile,
  RemoveAccessRequest,
  ServerMetadata,
  Settings,
  Sharing,
  Sync,
  ToggleOutcome,
  ToggleRequest,
  TokenResponse,
} from './schemas.ts';

/**
 * The documentation of every documented route, keyed by `METHOD path` with the path as the docs
 * print it. `@fastify/swagger` uses these instead of the (absent) route schemas, so documenting a
 * route never changes how it validates or serializes. A route missing here is not listed.
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
export const OAUTH = 'ParqExOAuth';
export const BEARER = 'BearerToken';
export const CLIENT_BASIC = 'ClientBasic';

const FORM = 'application/x-www-form-urlencoded';

type Examples = Record<string, { summary: string; value: unknown }>;

function json(description: string, schema: TSchema, examples: Examples, headers?: Record<string, object>) {
  return {
    ...schema,
    'x-response-description': description,
    'x-examples': examples,
    ...(headers ? { headers } : {}),
  };
}

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

const BEARER_CHALLENGE = {
  'WWW-Authenticate': {
    type: 'string',
    description: 'RFC 6750 §3, e.g. `Bearer realm="parqex", error="invalid_token", error_description="…"`.',
  },
};

/** The bearer failures and the generic 500 every documented API endpoint can answer (spec §4). */
function apiFailures(): Record<string, object> {
  return {
    400: json('Malformed request, or the access token was sent in the query string.', ApiErrors, {
      tokenInQuery: {
        summary: 'Token in the query string',
        value: example.apiError('invalid_request', 'send the access token in the Authorization header'),
      },
    }),
    401: json(
      'No access token, or it is invalid, expired or revoked.',
      ApiErrors,
      {
        invalidToken: {
          summary: 'Expired or revoked token',
          value: example.apiError('invalid_token', 'the access token is invalid, expired or revoked'),
        },
      },
      BEARER_CHALLENGE,
    ),
    500: json('Something went wrong on our side; nothing internal is revealed.', ApiErrors, {
      internal: {
        summary: 'Internal error',
        value: example.apiError('internal_error', INTERNAL_ERROR_MESSAGE),
      },
    }),
  };
}

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

/** Any valid access token; the scopes do not matter. */
type Security = Record<string, string[]>[];
const ANY_TOKEN: Security = [{ [OAUTH]: [] }, { [BEARER]: [] }];
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
const USER_TAG = 'User';
const ACCESS_TAG = 'Access points';
const SHARING_TAG = 'Sharing (internal)';

const SYNC_DOC = {
  summary: 'Get User Devices',
  description:
    'Everything the user has: every device they own or were given a door of, with only the doors they can see (and only doors their owner opened to applications), plus their profile. The documented top-level `devices` array stays where the docs print it, beside the success envelope; `profile`, `marketplace`, `guests` and `access` sit next to it. `online` and `door_sensor_paired` are ParqEx additions. GET and POST answer alike.',
  tags: [ACCESS_TAG],
  security: ANY_TOKEN,
  response: {
    200: json('The user’s devices, doors and profile.', Sync, {
      devices: { summary: 'John Doe’s devices', value: example.SYNC },
    }),
    ...apiFailures(),
  },
};

const INVITE_ROLE =
  'Internal: only applications ParqEx marks as internal (first-party) may call it, for the Admin of the account.';

const INVITE_FORBIDDEN = json(
  'Not a ParqEx application, or the user is not the account’s Admin.',
  ApiErrors,
  {
    thirdParty: {
      summary: 'A third-party application',
      value: example.apiError('forbidden', 'Inviting users is available to ParqEx applications only.'),
    },
    notAdmin: {
      summary: 'Not the Admin',
      value: example.apiError('forbidden', "Only the account's Admin can share its doors."),
    },
  },
);

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

  'GET /oauth/v1/endpoints/user-info': {
    operationId: 'getUserInfo',
    summary: 'Get User Info',
    description:
      'The profile of the user who authorized your application: the documented `id`, `first_name`, `last_name`, plus email, phone, address and vehicles.',
    tags: [USER_TAG],
    security: ANY_TOKEN,
    response: {
      200: json('The user’s profile.', envelope(Profile), {
        profile: { summary: 'John Doe', value: example.USER_INFO },
      }),
      ...apiFailures(),
    },
  },

  'POST /oauth/v1/endpoints/user-info': {
    operationId: 'getUserSettings',
    summary: 'Get User Settings',
    description:
      'The same URL as Get User Info, told apart by the method; no body. `pin_code` is the user’s keypad PIN, returned only for their own authorizations (null when none is set). Users change their settings on their ParqEx account page.',
    tags: [USER_TAG],
    security: ANY_TOKEN,
    response: {
      200: json('The user’s settings.', envelope(Settings), {
        settings: { summary: 'Settings', value: example.SETTINGS },
      }),
      ...apiFailures(),
    },
  },

  'GET /oauth/v1/endpoints/sync': { operationId: 'getUserDevices', ...SYNC_DOC },
  'POST /oauth/v1/endpoints/sync': { operationId: 'getUserDevicesByPost', ...SYNC_DOC },

  'POST /oauth/v1/endpoint/toggle': {
    operationId: 'toggleAccessPoint',
    summary: 'Toggle Access Point',
    description:
      'Asks a door (gate, garage door, pedestrian door, elevator button) to open or close. The controller decides what to do given the door’s known state. Printed by the docs as `/oauth/v1/endpoint/toggle` (singular); `/oauth/v1/endpoints/toggle` and the `/api/…` spellings work too.\n\n- `OPEN` needs the `OPENDOOR` scope, `CLOSED` the `CLOSEDOOR` scope (else `403`).\n- A door the user cannot reach is `404`, whoever owns it.\n- Wait about 20 seconds between toggles of the same door: sooner is `429` with `Retry-After`.\n- Every attempt, successful or not, is written to the access history.\n\nThe body has `success` (true only when done), `timestamp` and the documented `message`; failures add `errors` with a stable `code`.',
    tags: [ACCESS_TAG],
    security: [{ [OAUTH]: ['OPENDOOR'] }, { [OAUTH]: ['CLOSEDOOR'] }, { [BEARER]: [] }],
    'x-scopes': '`OPENDOOR` to open (`door_state` `OPEN`), `CLOSEDOOR` to close (`door_state` `CLOSED`).',
    body: {
      ...ToggleRequest,
      'x-examples': { open: { summary: 'Open a door', value: example.TOGGLE_REQUEST } },
    } as TSchema,
    response: {
      200: json('Done.', ToggleOutcome, { done: { summary: 'Done', value: example.TOGGLE.done } }),
      400: json('Malformed request: bad JSON, a missing or invalid field.', ToggleOutcome, {
        malformed: { summary: 'Malformed request', value: example.TOGGLE.malformed },
      }),
      401: apiFailures()[401]!,
      403: json(
        'The token lacks the scope this action needs.',
        ToggleOutcome,
        { insufficientScope: { summary: 'Missing OPENDOOR', value: example.TOGGLE.insufficientScope } },
        {
          'WWW-Authenticate': {
            type: 'string',
            description: '`Bearer realm="parqex", error="insufficient_scope", …, scope="OPENDOOR"`',
          },
        },
      ),
      404: json('No door with this id that the user can reach.', ApiErrors, {
        notFound: {
          summary: 'Unknown door',
          value: example.apiError('door_not_found', 'No door with this id.'),
        },
      }),
      428: json('The door needs a paired door sensor first.', ToggleOutcome, {
        noSensor: { summary: 'No door sensor', value: example.TOGGLE.noSensor },
      }),
      429: json(
        'The door was toggled moments ago.',
        ToggleOutcome,
        { cooldown: { summary: 'Too soon', value: example.TOGGLE.cooldown } },
        { 'Retry-After': { type: 'integer', description: 'Seconds until the door may be toggled again.' } },
      ),
      500: apiFailures()[500]!,
      501: json('The controller does not support this action.', ToggleOutcome, {
        unsupported: { summary: 'Not implemented', value: example.TOGGLE.unsupported },
      }),
      502: json('The controller rejected our credentials.', ToggleOutcome, {
        unauthorized: { summary: 'Controller authentication error', value: example.TOGGLE.unauthorized },
      }),
      503: json('The controller is offline or cannot be found.', ToggleOutcome, {
        offline: { summary: 'Controller offline', value: example.TOGGLE.offline },
      }),
    },
  },

  'GET /oauth/v1/endpoints/toggle-history': {
    operationId: 'getAccessHistory',
    summary: 'Get Access History',
    description:
      'Access events, newest first, of the doors the user can see, for the days from `start_date` to `end_date` (inclusive, in the user’s time zone). On a door the user owns they see everyone’s events; on a door they were given, their own events and the door sensor’s. `user.id` is `""` when no person caused the event. Pages of `limit` events: pass `next_cursor` as `cursor` for the next one.\n\nExample (the docs’ request, with `TODAY` for their `<TODAY>` placeholder):\n\n```\nGET /oauth/v1/endpoints/toggle-history?start_date=2019-12-01&end_date=TODAY&history_type=door&door_id=70fc7ebd63d841d9a9f06ff815be1e7c\n```',
    tags: [ACCESS_TAG],
    security: ANY_TOKEN,
    querystring: HistoryQuery,
    response: {
      200: json('One page of events.', History, {
        events: { summary: 'A door’s history', value: example.HISTORY },
      }),
      400: json('A missing or invalid query parameter, or the token in the query string.', ApiErrors, {
        invalid: {
          summary: 'Bad history_type',
          value: example.apiError('invalid_request', 'history_type must be door, device or user'),
        },
      }),
      401: apiFailures()[401]!,
      404: json('No door (or device) with this id that the user can see.', ApiErrors, {
        door: { summary: 'Unknown door', value: example.apiError('door_not_found', 'No door with this id.') },
        device: {
          summary: 'Unknown device',
          value: example.apiError('device_not_found', 'No device with this id.'),
        },
      }),
      500: apiFailures()[500]!,
    },
  },

  'POST /oauth/v1/endpoints/invite': {
    operationId: 'inviteUser',
    summary: 'Invite User (internal)',
    description: `Shares doors of the Admin’s account with a person by email. An existing user gets access at once and a notification email (\`200\`, \`access_granted\`); an unknown email gets a pending invitation and a sign-up email (\`201\`, \`invitation_sent\`), and access starts when they sign up. ${INVITE_ROLE}`,
    tags: [SHARING_TAG],
    security: ANY_TOKEN,
    body: {
      ...InviteRequest,
      'x-examples': { invite: { summary: 'Share one door', value: example.INVITE_REQUEST } },
    } as TSchema,
    response: {
      200: json('An existing user: access given at once.', envelope(AccessGranted), {
        granted: { summary: 'Access given', value: example.INVITE.granted },
      }),
      201: json('An unknown email: invitation sent.', envelope(InvitationSent), {
        invited: { summary: 'Invitation sent', value: example.INVITE.invited },
      }),
      ...apiFailures(),
      403: INVITE_FORBIDDEN,
      404: json('A door that is not the account’s.', ApiErrors, {
        notFound: {
          summary: 'Unknown door',
          value: example.apiError('door_not_found', 'No door with the id 70fc7ebd63d841d9a9f06ff815be1e7c.'),
        },
      }),
      503: json('The invitation email could not be sent, so no invitation was made.', ApiErrors, {
        mail: {
          summary: 'Mail down',
          value: example.apiError(
            'mail_not_sent',
            'The invitation email could not be sent, so no invitation was made. Please try again later.',
          ),
        },
      }),
    },
  },

  'GET /oauth/v1/endpoints/invite': {
    operationId: 'listInvitations',
    summary: 'List invitations and shared access (internal)',
    description: `The account’s pending invitations and the people its doors are shared with. ${INVITE_ROLE}`,
    tags: [SHARING_TAG],
    security: ANY_TOKEN,
    response: {
      200: json('Invitations and shared access.', envelope(Sharing), {
        list: { summary: 'One invitation, one person', value: example.INVITE.list },
      }),
      ...apiFailures(),
      403: INVITE_FORBIDDEN,
    },
  },

  'DELETE /oauth/v1/endpoints/invite': {
    operationId: 'removeAccess',
    summary: 'Remove shared access (internal)',
    description: `Takes back access given to a person and cancels their pending invitations: the listed doors, or all of them when \`door_ids\` is absent. ${INVITE_ROLE}`,
    tags: [SHARING_TAG],
    security: ANY_TOKEN,
    body: {
      ...RemoveAccessRequest,
      'x-examples': { remove: { summary: 'Take back one door', value: example.REMOVE_ACCESS_REQUEST } },
    } as TSchema,
    response: {
      200: json('Removed.', envelope(AccessRemoved), {
        removed: { summary: 'Removed', value: example.INVITE.removed },
      }),
      ...apiFailures(),
      403: INVITE_FORBIDDEN,
      404: json('Nobody with this email or id has access to these doors.', ApiErrors, {
        nothing: {
          summary: 'Nothing to remove',
          value: example.apiError('not_found', 'Nobody with this email or id has access to these doors.'),
        },
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
