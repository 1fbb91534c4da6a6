import type { ControllerPort } from './access/controllers/controller-port.ts';
import { SimulatedController } from './access/controllers/simulated-controller.ts';
import type { ToggleDeps } from './access/toggle.ts';
import { LoginThrottle } from './accounts/login-throttle.ts';
import type { Config } from './config.ts';
import { publicHost } from './config.ts';
import type { Clock } from './lib/clock.ts';
import { SecretBox } from './lib/crypto.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { ClientRegistry } from './oauth/client-registry.ts';
import type { OAuthStore } from './oauth/ports.ts';
import { SqlOAuthStore } from './storage/repositories/sql-oauth-store.ts';
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
  /** The issuer: `PARQEX_PUBLIC_URL`, or the real listening URL when that was left unset. */
  publicUrl: string;
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
  return {
    ...deps,
    store,
    clients: new ClientRegistry(deps.db, store, publicHost(deps.config)),
    throttle: new LoginThrottle(deps.db, {
      maxFailuresPerAccount: deps.config.loginMaxFailuresPerAccount,
      maxFailuresPerIp: deps.config.loginMaxFailuresPerIp,
      windowS: deps.config.loginWindowS,
    }),
    tokenBox: new SecretBox(deps.secretKey, 'refresh-successor'),
    pinBox: new SecretBox(deps.secretKey, 'pin-code'),
    webhookBox,
    webhooks: new WebhookEndpoints(deps.db, webhookBox, deps.config.env),
    simulator,
    controller: simulator,
    toggleDeps: {
      db: deps.db,
      controller: simulator,
      cooldownS: deps.config.toggleCooldownS,
      // A zero travel time means the door has already arrived: report it at once.
      afterAccepted: (at) => simulator.deliverArrivals(at),
    },
    mailer: createMailer(deps),
    publicUrl: deps.config.publicUrl,
  };
}
