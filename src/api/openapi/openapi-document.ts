import type { FastifyDynamicSwaggerOptions, SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';
import { SCOPE_DESCRIPTIONS } from '../../oauth/scopes.ts';
import { ERROR_WORDS } from '../v1/api-validation.ts';
import { BASE_URL } from './examples.ts';
import { BEARER, CLIENT_BASIC, findRouteDoc, OAUTH, type RouteDoc } from './route-docs.ts';
import { webhooksSection } from './webhook-docs.ts';

/** The parts of an OpenAPI 3.1 document this module and the reference page read. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  webhooks?: Record<string, Record<string, OpenApiOperation>>;
  components?: Record<string, unknown>;
}

export interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Record<string, unknown>;
}

export interface OpenApiMedia {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  'x-scopes'?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, OpenApiMedia> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, { description?: string; schema?: Record<string, unknown> }>;
      content?: Record<string, OpenApiMedia>;
    }
  >;
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const INTRODUCTION = `ParqEx runs parking marketplaces and access control. With this API your application acts for a ParqEx user who authorized it: it reads their profile, settings and devices, opens and closes their doors and gates, and reads the access history.

## Base URL

Every path is relative to \`${BASE_URL}\`. The machine-readable description of this API is at \`${BASE_URL}/openapi.json\` (OpenAPI 3.1: Postman and Insomnia import it); a readable reference is at \`${BASE_URL}/docs\`.

## Authentication

OAuth 2.0 authorization code flow (RFC 6749), with refresh tokens.

1. ParqEx Support registers your application: one \`client_id\` and \`client_secret\` per environment, and your redirect URIs (https only).
2. Send the user to the authorization URL, \`GET /oauth/v2/endpoints/authorization/\` with \`response_type=code\`, your \`client_id\`, \`redirect_uri\`, \`scope=opendoor,closedoor\` and a \`state\`.
3. ParqEx redirects back with \`code\` and your \`state\`. Exchange the code at the token endpoint: the documented \`GET /oauth/v2/endpoints/token/\` with every parameter in the query string, or a standard form \`POST\`.
4. Call the API with the header \`Authorization: Bearer <ACCESS_TOKEN>\`. Access tokens last \`expires_in\` seconds (one hour).
5. Refresh both tokens with the refresh token. Refresh tokens rotate: always keep the most recent one.

Scopes: \`OPENDOOR\` (${SCOPE_DESCRIPTIONS.OPENDOOR.toLowerCase()}) and \`CLOSEDOOR\` (${SCOPE_DESCRIPTIONS.CLOSEDOOR.toLowerCase()}). Reading profile, settings, devices and history needs a valid token only.

Send these headers on every API call (the documented set):

\`\`\`
Accept: application/json
Content-Type: application/json
Authorization: Bearer <ACCESS_TOKEN>
Accept-Charset: utf-8
Accept-Encoding: gzip
\`\`\`

Access tokens in the query string are refused.

## Paths

The docs print the endpoints as \`/oauth/v1/endpoints/<name>\` (Toggle as \`/oauth/v1/endpoint/toggle\`) and their raw examples as \`/api/oauth/v1/endpoints/<name>\`. Every spelling works: \`endpoint\` or \`endpoints\`, with or without \`/api\`, with or without a trailing slash. This reference lists each endpoint once.

## Responses

Success: \`{"success": true, "timestamp": <epoch milliseconds>, "data": {…}}\`. Get User Devices keeps the documented top-level \`devices\` beside \`success\` and \`timestamp\`. Times in bodies are \`YYYY-MM-DD HH:MM:SS\` in the user's time zone; ids are 32 lower-case hex characters (users: dashed UUIDs), and id parameters accept both forms.

## Errors

\`{"errors": [{"code": "…", "message": "…"}]}\` with a meaningful status: \`400\` malformed request (the message says what is wrong: \`the body is not valid JSON: …\`, \`door_id is required\`, \`limit must be a whole number from 1 to 1000\`), \`413\` a body over 64 KiB, \`415\` a body that is not JSON, \`401\` missing, invalid, expired or revoked token (with \`WWW-Authenticate: Bearer …\`), \`403\` a scope is missing (\`error="insufficient_scope"\`), \`404\` not found (also another account's door), \`429\` too soon (with \`Retry-After\`), \`500\` our fault. Toggle answers keep the documented \`success\` and \`message\` beside \`errors\`. The OAuth endpoints answer RFC 6749 errors: \`{"error": "…", "error_description": "…"}\`.

Where the published docs show invalid JSON (an empty \`timestamp\`, \`"success": true\` on failures), the examples here show what this server really sends.

## Webhooks

When ParqEx staff switch them on for your application, ParqEx POSTs each event to your HTTPS endpoint, once per user who authorized your application and can see what happened, with your API key in \`X-ParqEx-Api-Key\` and a Standard Webhooks signature. The \`webhooks\` section of this document lists every event and its body.`;

/**
 * A documented API route (`src/api/v1`) is listed with its own schema at its printed path (its other
 * spellings come `hide`-marked). An OAuth endpoint gets its documentation from `route-docs.ts`
 * instead of its (absent) schema, at the path the docs print. Every other route is hidden. A route
 * serving several methods gets their union here, and `finishOperations` gives each method its own
 * operation.
 */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  if ((route.config as { apiRoute?: unknown } | undefined)?.apiRoute)
    return { schema: schema as FastifySchema, url };
  const methods = typeof route.method === 'string' ? [route.method] : [...route.method];
  const found = methods.flatMap((method) => findRouteDoc(method, url) ?? []);
  const first = found[0];
  if (!first) return { schema: { hide: true }, url };
  const docs = found.map((f) => f.doc);
  const merged: RouteDoc = {
    ...first.doc,
    ...pick(docs, 'querystring'),
    ...pick(docs, 'body'),
    ...pick(docs, 'consumes'),
    response: Object.assign({}, ...docs.map((d) => d.response)),
  };
  return { schema: merged as unknown as FastifySchema, url: first.path };
};

function pick<K extends 'querystring' | 'body' | 'consumes'>(docs: RouteDoc[], key: K): Partial<RouteDoc> {
  const doc = docs.find((d) => d[key] !== undefined);
  return doc ? { [key]: doc[key] } : {};
}

/**
 * Each method of a path gets the id, texts, security, parameters and body of its own documentation
 * (the methods of one multi-method route share one generated operation until here).
 */
export function finishOperations(document: OpenApiDocument): OpenApiDocument {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const found = findRouteDoc(method, path);
      if (!found) {
        // A documented API route carries its own operation; a method of a route documented for
        // another method only is dropped.
        if (operation.operationId === undefined) delete item[method];
        continue;
      }
      const { doc } = found;
      const own: OpenApiOperation = {
        ...operation,
        operationId: doc.operationId,
        summary: doc.summary,
        description: doc.description,
        tags: doc.tags,
        security: doc.security,
      };
      if (doc['x-scopes'] === undefined) delete own['x-scopes'];
      if (doc.body === undefined) delete own.requestBody;
      const parameters = (own.parameters ?? []).filter((p) => p.in !== 'query' || doc.querystring);
      if (parameters.length > 0) own.parameters = parameters;
      else delete own.parameters;
      item[method] = own;
    }
  }
  return document;
}

/** `@fastify/swagger` settings: the document's fixed parts; the routes come through `documentRoute`. */
export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ParqEx API',
        version: '1.0.0',
        description: INTRODUCTION,
        contact: { name: 'ParqEx Support', email: 'support@parqex.com' },
      },
      externalDocs: { description: 'Readable API reference', url: `${BASE_URL}/docs` },
      tags: [
        { name: 'OAuth 2.0', description: 'Authorize an application and get its tokens.' },
        { name: 'User', description: 'The user who authorized the application.' },
        { name: 'Access points', description: 'Devices, doors, toggles and the access history.' },
        {
          name: 'Sharing (internal)',
          description: 'Sharing doors with other people: ParqEx’s own applications only.',
        },
        {
          name: 'Marketplace: owners',
          description:
            'An account’s parking for rent: its properties (sites and their gates), listings (rates, hours, cancellation; draft → published), their bookings and earnings. The `LISTINGS` scope, the account’s Admin only.',
        },
        {
          name: 'Marketplace: renters',
          description:
            'Find parking near a place, book and pay for it, get a pass that opens the gates during the window, cancel, and see bookings and receipts (scope `BOOKINGS`; search takes any token).',
        },
        {
          name: 'Guests',
          description:
            'GuestParq & GuestAccess: guest passes with a link that opens doors without an account, and the account’s guest policy (scope `GUESTS`).',
        },
        {
          name: 'Members',
          description: 'The people of the account and their permissions (`guests`, `enforce`).',
        },
        {
          name: 'Webhooks',
          description: 'The events ParqEx POSTs to your HTTPS endpoint, when staff switched them on.',
        },
      ],
      components: {
        securitySchemes: {
          [OAUTH]: {
            type: 'oauth2',
            description:
              'Authorization code flow. The token endpoint also accepts the documented GET form; see its operation.',
            flows: {
              authorizationCode: {
                authorizationUrl: `${BASE_URL}/oauth/v2/endpoints/authorization/`,
                tokenUrl: `${BASE_URL}/oauth/v2/endpoints/token/`,
                refreshUrl: `${BASE_URL}/oauth/v2/endpoints/token/`,
                scopes: { ...SCOPE_DESCRIPTIONS },
              },
            },
          },
          [BEARER]: {
            type: 'http',
            scheme: 'bearer',
            description: 'An access token from the token endpoint, in the Authorization header.',
          },
          [CLIENT_BASIC]: {
            type: 'http',
            scheme: 'basic',
            description:
              'client_secret_basic: your client_id and client_secret, form-url-encoded, as the user name and password.',
          },
        },
      },
    },
    transform: documentRoute,
    transformObject: (input) => {
      const document = finishOperations(
        (input as { openapiObject: unknown }).openapiObject as OpenApiDocument,
      );
      return withoutErrorWords({ ...document, webhooks: webhooksSection() }) as never;
    },
  };
}

/** The document without the refusals' words (`x-error`): they are for the validator, not for readers. */
function withoutErrorWords(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutErrorWords);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== ERROR_WORDS)
        .map(([key, v]) => [key, withoutErrorWords(v)]),
    );
  return value;
}

/**
 * The document as served: a copy of the generated one with `publicUrl` wherever a URL of this
 * server belongs (servers, OAuth flow URLs, metadata examples). Built per request, as the public
 * URL is only known once the server listens when PARQEX_PUBLIC_URL is unset.
 */
export function publishedDocument(generated: unknown, publicUrl: string): OpenApiDocument {
  const { openapi, info, ...rest } = withBaseUrl(generated, publicUrl) as OpenApiDocument;
  return { openapi, info, servers: [{ url: publicUrl, description: 'This ParqEx server' }], ...rest };
}

function withBaseUrl(value: unknown, publicUrl: string): unknown {
  if (typeof value === 'string') return value.replaceAll(BASE_URL, publicUrl);
  if (Array.isArray(value)) return value.map((v) => withBaseUrl(v, publicUrl));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBaseUrl(v, publicUrl)]));
  }
  return value;
}
