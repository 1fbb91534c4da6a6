import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { type AuthContext, checkBearer, isBearerFailure } from '../../oauth/bearer.ts';
import type { Scope } from '../../oauth/scopes.ts';
import type { ApiDeps } from './api-deps.ts';
import { bearerRequestOf, sendBearerFailure } from './bearer-failure.ts';
import { documentedPaths } from './paths.ts';
import { idempotencyConflict, type ResponseDoc } from './response-docs.ts';

/** The OpenAPI security requirements an operation lists (scheme names: see `API_SECURITY`). */
export type Security = Record<string, string[]>[];

/** The security scheme names of the document. */
export const API_SECURITY = {
  oauth: 'ParqExOAuth',
  bearer: 'BearerToken',
  clientBasic: 'ClientBasic',
} as const;

/** Any valid access token; the scopes do not matter. */
export const ANY_TOKEN: Security = [{ [API_SECURITY.oauth]: [] }, { [API_SECURITY.bearer]: [] }];

export type { ResponseDoc };

/**
 * One method of one documented endpoint (spec §5): how it is called, validated, documented and
 * answered. The schemas validate the request (Fastify, with `apiValidatorCompiler`) and are the
 * OpenAPI document's (with `@fastify/swagger`): one source.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * The endpoint's name: it answers at every spelling of `documentedPaths(name)` (spec §4). Path
   * parameters in Fastify's spelling: `bookings/:id`.
   */
  name: string;
  /** The spelling the docs print, the one the OpenAPI document lists (parameters as `{id}`). */
  printedPath: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Security;
  /** The spec's words for the scopes, when they depend on the request. */
  'x-scopes'?: string;
  /**
   * Scopes the token must carry (products.md §0: else `403 insufficient_scope` with its challenge),
   * checked with the bearer, before `admit`.
   */
  scopes?: readonly Scope[];
  /** The path parameters (`{id}`), validated like the rest. */
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: Record<number, ResponseDoc>;
  /**
   * Runs after the bearer check and before the input is read: throw a DomainError to refuse the
   * caller (e.g. only an internal client's Admin may invite).
   */
  admit?: (ctx: ApiDeps, auth: AuthContext) => Promise<void>;
  /**
   * Honours `Idempotency-Key` (products.md §0; src/idempotency/): the operation's name, the same for
   * every spelling of its path.
   */
  idempotent?: string;
  /** What of a first answer's body is kept for replay (src/idempotency/): e.g. without a secret shown once. */
  idempotentStored?: (body: string) => string;
  /** The body of refused input, when the endpoint documents its own (the toggle's `message`). */
  invalidInputBody?: (ctx: ApiDeps, error: { code: string; message: string }) => unknown;
  handler: (call: ApiCall) => Promise<unknown>;
}

/** What a handler gets: the context, the bearer's AuthContext, and the validated request. */
export interface ApiCall {
  ctx: ApiDeps;
  auth: AuthContext;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Types a route definition (the identity: the object is the definition). */
export function defineRoute(route: ApiRoute): ApiRoute {
  return route;
}

/** The route definition behind a request of the API scope (its `config.apiRoute`). */
export function apiRouteOf(request: FastifyRequest): ApiRoute | undefined {
  return (request.routeOptions.config as { apiRoute?: ApiRoute }).apiRoute;
}

/** The schema Fastify gets: validation parts always; the documentation at the printed path only. */
function fastifySchema(route: ApiRoute, isPrinted: boolean): Record<string, unknown> {
  const validation = {
    ...(route.params ? { params: route.params } : {}),
    ...(route.querystring ? { querystring: route.querystring } : {}),
    ...(route.body ? { body: route.body } : {}),
  };
  if (!isPrinted) return { ...validation, hide: true };
  const { operationId, summary, description, tags, security } = route;
  const response = route.idempotent
    ? { ...route.response, 409: idempotencyConflict(route.response[409]) }
    : route.response;
  return {
    operationId,
    summary,
    description,
    tags,
    security,
    ...(route['x-scopes'] ? { 'x-scopes': route['x-scopes'] } : {}),
    ...validation,
    ...(route.idempotent ? { headers: IDEMPOTENCY_HEADER } : {}),
    response,
  };
}

/** Documents the header (any string passes here; its rules answer in the idempotency hook). */
const IDEMPOTENCY_HEADER = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      description:
        'Stripe semantics: the same key with the same body within 24 h replays the first answer (with `Idempotent-Replayed: true`) and does nothing again; another body → 409 `idempotency_key_reused`; while the first is still running → 409 `idempotency_key_in_use`. 1–255 printable ASCII characters, else 400 `invalid_idempotency_key`. Scoped to the application and the person.',
    }),
  ),
});

/** `/bookings/{id}` as Fastify spells it: `/bookings/:id`. */
function fastifyPath(printed: string): string {
  return printed.replace(/\{(\w+)\}/g, ':$1');
}

const authOf = new WeakMap<FastifyRequest, AuthContext>();

/** The bearer's AuthContext of an API request that passed its check (undefined otherwise). */
export function apiAuthOf(request: FastifyRequest): AuthContext | undefined {
  return authOf.get(request);
}

/**
 * Registers the routes at every documented spelling. The bearer check (RFC 6750) and `admit` run
 * on request, so an unauthenticated or unadmitted caller is refused before its body is even read.
 */
export function registerRoutes(app: FastifyInstance, ctx: ApiDeps, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
      const auth = await checkBearer(ctx, bearerRequestOf(request), route.scopes);
      if (isBearerFailure(auth)) return sendBearerFailure(reply, auth);
      await route.admit?.(ctx, auth);
      authOf.set(request, auth);
    };
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      route.handler({ ctx, auth: authOf.get(request)!, request, reply });
    for (const url of documentedPaths(route.name)) {
      app.route({
        method: route.method,
        url,
        schema: fastifySchema(route, url === fastifyPath(route.printedPath)),
        config: {
          apiRoute: route,
          idempotent: route.idempotent,
          idempotentStored: route.idempotentStored,
        } as FastifyContextConfig,
        onRequest,
        handler,
      });
    }
  }
}
