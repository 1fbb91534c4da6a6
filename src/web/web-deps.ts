import type { ToggleDeps } from '../access/toggle.ts';
import type { LoginThrottle } from '../accounts/login-throttle.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { MarketplaceDeps } from '../marketplace/deps.ts';
import type { ClientRegistry } from '../oauth/client-registry.ts';
import type { OAuthStore } from '../oauth/ports.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Db, Dialect } from '../storage/schema.ts';
import type { WebhookEndpoints } from '../webhooks/endpoints.ts';

/**
 * What the account pages, the login and the staff pages work with. The composition root's context
 * satisfies it; pages never see the rest.
 */
export interface WebDeps {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  /** The server's own address (links in pages, the demo callback). */
  readonly publicUrl: string;
  readonly throttle: LoginThrottle;
  /** Seals keypad PINs at rest (settings page). */
  readonly pinBox: SecretBox;
  /** What a toggle from the doors page needs (the same as the API's). */
  readonly toggleDeps: ToggleDeps;
  readonly mailer: Mailer;
  /** The applications a person authorized (account page) — revoking them. */
  readonly store: Pick<OAuthStore, 'revokeUserClient'>;
  /** The staff page's application list. */
  readonly clients: Pick<ClientRegistry, 'list'>;
  readonly webhooks: Pick<WebhookEndpoints, 'list'>;
  readonly metrics: Pick<Metrics, 'toggled'>;
  /** The Marketplace's pages (search, checkout, bookings, the pass, owners' pages). */
  readonly marketplace: MarketplaceDeps;
  /** The database's dialect (guest passes lock differently on PostgreSQL; `GuestDeps`). */
  readonly dialect: Dialect;
}
