import type { ControllerPort } from './access/controllers/controller-port.ts';
import { SimulatedController } from './access/controllers/simulated-controller.ts';
import { SqlDoorCooldowns } from './access/door-cooldowns.ts';
import { RedisDoorCooldowns } from './access/redis-door-cooldowns.ts';
import type { ToggleDeps } from './access/toggle.ts';
import { type LoginThrottle, SqlLoginThrottle } from './accounts/login-throttle.ts';
import { RedisLoginThrottle } from './accounts/redis-login-throttle.ts';
import { findUserById } from './accounts/users.ts';
import { AppCaches } from './app-caches.ts';
import type { Config } from './config.ts';
import { publicHost } from './config.ts';
import type { Clock } from './lib/clock.ts';
import { SecretBox } from './lib/crypto.ts';
import { RedisLimits } from './limits/redis-limits.ts';
import { createMailer } from './mail/create-mailer.ts';
import type { Mailer } from './mail/mailer.ts';
import type { MarketplaceDeps } from './marketplace/deps.ts';
import { createPaymentProcessor } from './marketplace/payments/create-payment-processor.ts';
import { quoteKey } from './marketplace/quote-tokens.ts';
import { ClientRegistry } from './oauth/client-registry.ts';
import type { ResourceOwners } from './oauth/deps.ts';
import type { OAuthStore } from './oauth/ports.ts';
import { SqlOAuthStore } from './oauth/sql-oauth-store.ts';
import { Metrics } from './observability/metrics.ts';
import { databasePoolUsage } from './storage/database.ts';
import type { Db, Dialect } from './storage/schema.ts';
import { WebhookEndpoints } from './webhooks/endpoints.ts';

/** What every route, page and command works with. Built once per process by `createContext`. */
export interface AppContext {
  readonly config: Config;
  readonly db: Db;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly store: OAuthStore;
  readonly clients: ClientRegistry;
  readonly throttle: LoginThrottle;
  /** Redis behind the login throttle and door cooldowns when `PARQEX_REDIS_URL` is set. */
  readonly redis: RedisLimits | undefined;
  /** Seals the short-lived refresh successor pairs. */
  readonly tokenBox: SecretBox;
  readonly secretKey: string;
  /** Seals keypad PINs at rest. */
  readonly pinBox: SecretBox;
  /** The simulated controller: the one controller transport today. */
  readonly simulator: SimulatedController;
  readonly controller: ControllerPort;
  /** What every toggle needs (the API's and the doors page's alike). */
  readonly toggleDeps: ToggleDeps;
  /** Where mail goes: SMTP when `PARQEX_SMTP_URL` is set, else the development mailbox. */
  readonly mailer: Mailer;
  /** Seals webhook endpoints' API keys and signing secrets (sent or used on every delivery). */
  readonly webhookBox: SecretBox;
  readonly webhooks: WebhookEndpoints;
  /** This process's Prometheus metrics, served at `/metrics`. */
  readonly metrics: Metrics;
  /** Access-token records and profiles kept in memory for `PARQEX_CACHE_TTL_MS`. */
  readonly caches: AppCaches;
  /** Introspection's `username`: the person's email. */
  readonly resourceOwners: ResourceOwners;
  /** The issuer: `PARQEX_PUBLIC_URL`, or the real listening URL when that was left unset. */
  publicUrl: string;
  /** The Marketplace's services' needs (its payment processor, fee, grace). */
  readonly marketplace: MarketplaceDeps;
}

export function createContext(deps: {
  config: Config;
  db: Db;
  dialect: Dialect;
  clock: Clock;
  secretKey: string;
}): AppContext {
  const store = new SqlOAuthStore(deps.db);
  const simulator = new SimulatedController(deps.db, deps.config.simulatorTravelMs);
  const webhookBox = new SecretBox(deps.secretKey, 'webhook-endpoint');
  const { config } = deps;
  const redis = config.redisUrl ? new RedisLimits(config.redisUrl, config.redisPrefix) : undefined;
  const throttleSettings = {
    maxFailuresPerAccount: config.loginMaxFailuresPerAccount,
    maxFailuresPerIp: config.loginMaxFailuresPerIp,
    windowS: config.loginWindowS,
  };
  const sqlThrottle = new SqlLoginThrottle(deps.db, throttleSettings);
  const sqlCooldowns =
    config.toggleCooldownS > 0 ? new SqlDoorCooldowns(deps.db, config.toggleCooldownS) : undefined;
  return {
    ...deps,
    store,
    clients: new ClientRegistry(store, publicHost(deps.config)),
    redis,
    throttle: redis ? new RedisLoginThrottle(redis, throttleSettings, sqlThrottle) : sqlThrottle,
    tokenBox: new SecretBox(deps.secretKey, 'refresh-successor'),
    pinBox: new SecretBox(deps.secretKey, 'pin-code'),
    webhookBox,
    webhooks: new WebhookEndpoints(deps.db, webhookBox, deps.config.env),
    simulator,
    controller: simulator,
    toggleDeps: {
      db: deps.db,
      controller: simulator,
      cooldowns:
        redis && sqlCooldowns
          ? new RedisDoorCooldowns(redis, config.toggleCooldownS, sqlCooldowns)
          : sqlCooldowns,
      // A zero travel time means the door has already arrived: report it at once.
      afterAccepted: (at) => simulator.deliverArrivals(at),
    },
    mailer: createMailer(deps),
    caches: new AppCaches(deps.db, deps.config.cacheTtlMs),
    metrics: new Metrics({ poolUsage: () => databasePoolUsage(deps.db) }),
    resourceOwners: { findUsername: async (userId) => (await findUserById(deps.db, userId))?.email },
    publicUrl: deps.config.publicUrl,
    marketplace: marketplaceDeps(deps),
  };
}

function marketplaceDeps(deps: { config: Config; db: Db; clock: Clock; secretKey: string }): MarketplaceDeps {
  return {
    db: deps.db,
    clock: deps.clock,
    payments: createPaymentProcessor(deps.config),
    serviceFeePercent: deps.config.serviceFeePercent,
    quoteKey: quoteKey(deps.secretKey),
    bookingGraceMs: deps.config.bookingGraceMinutes * 60_000,
  };
}
