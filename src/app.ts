import { readFileSync } from 'node:fs';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { registerOpenApi } from './api/openapi/openapi.routes.ts';
import { registerApiV1 } from './api/v1/api-v1.ts';
import { apiAuthOf } from './api/v1/define-route.ts';
import type { AppContext } from './app-context.ts';
import { registerIdempotency } from './idempotency/register-idempotency.ts';
import { uuid } from './lib/crypto.ts';
import { InFlight } from './lib/in-flight.ts';
import { REDACT_PATHS, redactUrl } from './lib/log-redaction.ts';
import { registerIntrospectionEndpoint } from './oauth/endpoints/introspect.ts';
import { registerMetadataEndpoint } from './oauth/endpoints/metadata.ts';
import { registerRevocationEndpoint } from './oauth/endpoints/revoke.ts';
import { registerTokenEndpoint } from './oauth/endpoints/token.ts';
import { registerMetricsRoutes } from './observability/metrics.routes.ts';
import { renderError, renderNotFound } from './render-error.ts';
import { isDatabaseReady } from './storage/database.ts';
import { registerAccountRoutes } from './web/account.routes.ts';
import { registerAdminRoutes } from './web/admin.routes.ts';
import { registerAuthorizationPages } from './web/authorization.routes.ts';
import { registerDemoRoutes } from './web/demo.routes.ts';
import { registerDoorsRoutes } from './web/doors.routes.ts';
import { registerGuestLinkRoutes } from './web/guests/guest-link.routes.ts';
import { registerGuestPassPages } from './web/guests/guest-passes.routes.ts';
import { registerHistoryRoutes } from './web/history.routes.ts';
import { registerLoginRoutes } from './web/login.routes.ts';
import { registerMailboxRoutes } from './web/mailbox.routes.ts';
import { registerOwnerPages } from './web/marketplace/owner.routes.ts';
import { registerPassPages } from './web/marketplace/pass.routes.ts';
import { registerRenterPages } from './web/marketplace/renter.routes.ts';
import { registerSettingsPageRoutes } from './web/settings.routes.ts';
import { registerSignupRoutes } from './web/signup.routes.ts';
import { registerStaffRoutes } from './web/staff.routes.ts';
import { WebSessions } from './web/web-session.ts';

const STYLESHEET = readFileSync(new URL('./web/assets/parqex.css', import.meta.url));
/** The doors page's script: a static asset, so the pages' CSP needs no inline script or eval. */
const DOORS_SCRIPT = readFileSync(new URL('./web/assets/doors.js', import.meta.url));
/** The guest link page's script (GuestAccess). */
const GUEST_SCRIPT = readFileSync(new URL('./web/assets/guest.js', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const inFlightOf = new WeakMap<FastifyInstance, InFlight>();

/**
 * Resolves true once no request handler of `app` is still working, false after `timeoutMs`. Call
 * after `app.close()` and before closing the database (see InFlight).
 */
export function handlersDrained(app: FastifyInstance, timeoutMs: number): Promise<boolean> {
  return inFlightOf.get(app)?.drained(timeoutMs) ?? Promise.resolve(true);
}

export interface BuildOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
}

function parseForm(
  _request: unknown,
  body: string | Buffer,
  done: (error: null, body: URLSearchParams) => void,
) {
  done(null, new URLSearchParams(body as string));
}

/**
 * The composition root of the HTTP server: plugins, parsers, logging and every route. The only place
 * that knows which pieces make up ParqEx.
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyServerOptions['logger'] = {
    level: ctx.config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req) => ({ method: req.method, url: redactUrl(req.url) }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    ...(options.logStream ? { stream: options.logStream } : {}),
  };
  const app = Fastify({
    logger,
    // One line per request is written by the onResponse hook below, with a redacted URL.
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify: a number trusts that many proxy hops of X-Forwarded-For.
    trustProxy: (ctx.config.trustProxyHops > 0 ? ctx.config.trustProxyHops : false) as boolean,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 64 * 1024,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : uuid();
    },
  });

  const inFlight = new InFlight();
  inFlight.track(app);
  inFlightOf.set(app, inFlight);

  // Forms are parsed with the standard URLSearchParams, keeping repeated parameters visible.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, parseForm);
  // ParqEx docs, API Endpoints: clients send Content-Type: application/json even with no body.
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    // A parse failure reaches the renderers as FST_ERR_CTP_INVALID_JSON_BODY, which say so plainly.
    defaultJson(req, body as string, done);
  });

  await app.register(cookie, { secret: ctx.secretKey, hook: 'onRequest' });
  // Before every route: @fastify/swagger collects them as they are registered.
  await registerOpenApi(app, ctx);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
      },
      'request',
    );
  });
  registerMetricsRoutes(app, ctx);
  // Idempotency-Key for every route that opts in (`config: { idempotent }`), wherever it is
  // registered. At the root, so its onSend runs before compression's: it keeps the JSON, not gzip.
  registerIdempotency(app, {
    db: ctx.db,
    clock: ctx.clock,
    // The API's bearer check has run (onRequest): its AuthContext names the caller.
    callerOf: async (request) => {
      const auth = apiAuthOf(request);
      return auth ? `${auth.clientId} ${auth.userId}` : undefined;
    },
  });

  // One error handler and one not-found handler, each rendering by the family of the path.
  app.setErrorHandler(async (error, request, reply) => renderError(request, reply, error));
  app.setNotFoundHandler(async (request, reply) => renderNotFound(request, reply));

  // Said once per change, not once per request; the error's message only (never the URL).
  ctx.redis?.on('degraded', (error) =>
    app.log.warn({ reason: error.message }, 'Redis cannot answer: the limits use the database meanwhile'),
  );
  ctx.redis?.on('recovered', () => app.log.info('Redis answers again: the limits use it'));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await isDatabaseReady(ctx.db);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable' });
  });
  app.get('/assets/parqex.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  app.get('/assets/doors.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(DOORS_SCRIPT),
  );
  app.get('/assets/guest.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(GUEST_SCRIPT),
  );
  app.get('/', async (_request, reply) => reply.redirect('/account', 302));

  const sessions = new WebSessions(ctx);
  registerLoginRoutes(app, ctx, sessions);
  registerAccountRoutes(app, ctx, sessions);
  registerStaffRoutes(app, ctx, sessions);
  registerSignupRoutes(app, ctx, sessions);
  registerMailboxRoutes(app, ctx);
  registerDoorsRoutes(app, ctx, sessions);
  registerSettingsPageRoutes(app, ctx, sessions);
  registerHistoryRoutes(app, ctx, sessions);
  registerAdminRoutes(app, ctx, sessions);
  registerRenterPages(app, ctx, sessions);
  registerPassPages(app, ctx, sessions);
  registerOwnerPages(app, ctx, sessions);
  registerAuthorizationPages(app, ctx, sessions);
  registerGuestPassPages(app, ctx, sessions);
  registerGuestLinkRoutes(app, ctx);
  // RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1: form bodies only; any other type is a 415.
  await app.register(async (oauth) => {
    oauth.removeAllContentTypeParsers();
    oauth.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, parseForm);
    registerTokenEndpoint(oauth, ctx);
    registerRevocationEndpoint(oauth, ctx);
    registerIntrospectionEndpoint(oauth, ctx);
  });
  registerMetadataEndpoint(app, ctx);
  // The documented API (spec §4): honour Accept-Encoding gzip/deflate. Bodies under 1 KiB go as
  // they are (they fit one TCP segment either way; compressing them costs ~4× the request). Level 1:
  // about 3× faster than zlib's default for ~8 % more bytes on our JSON. Pages are not compressed:
  // they carry CSRF tokens beside reflected input (BREACH).
  await app.register(async (api) => {
    await api.register(compress, {
      threshold: 1024,
      // Compressed in place up to the body limit of our answers (a history page of 1,000 events is
      // ~300 KB): at level 1 that is sub-millisecond, cheaper than a zlib stream's thread hand-off.
      syncThreshold: 1024 * 1024,
      encodings: ['gzip', 'deflate'],
      zlibOptions: { level: 1 },
    });
    registerApiV1(api, ctx);
  });
  if (ctx.config.env === 'development') registerDemoRoutes(app, ctx);
  return app;
}
