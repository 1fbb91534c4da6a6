import type { DeviceFacts } from '../../access/device-facts.ts';
import type { ToggleDeps } from '../../access/toggle.ts';
import type { VisibleDoorsCache } from '../../access/visible-doors-cache.ts';
import type { User, Vehicle } from '../../accounts/users.ts';
import type { Clock } from '../../lib/clock.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { TtlCache } from '../../lib/ttl-cache.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { MarketplaceDeps } from '../../marketplace/deps.ts';
import type { BearerDeps } from '../../oauth/bearer.ts';
import type { OAuthStore } from '../../oauth/ports.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Db, Dialect } from '../../storage/schema.ts';

/** A person with their vehicles, as the profile endpoints read it (and the hot caches keep it). */
export interface CachedProfile {
  user: User;
  vehicles: Vehicle[];
}

/**
 * What the documented API's routes work with. The composition root's context satisfies it; the
 * routes never see the rest.
 */
export interface ApiDeps extends BearerDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The server's own address (links in invitations). */
  readonly publicUrl: string;
  /** The bearer check's token records, and the name of the application calling (the channel). */
  readonly store: Pick<OAuthStore, 'findAccessToken' | 'findClient'>;
  /** The hot caches the API reads through (never stale, see `HotCaches`). */
  readonly caches: BearerDeps['caches'] & {
    readonly profiles: TtlCache<string, CachedProfile>;
    readonly deviceFacts: TtlCache<string, Map<string, DeviceFacts>>;
    readonly visibleDoors: VisibleDoorsCache;
  };
  /** What every toggle needs (the same as the doors page's). */
  readonly toggleDeps: ToggleDeps;
  readonly mailer: Mailer;
  /** Seals keypad PINs at rest (settings). */
  readonly pinBox: SecretBox;
  readonly metrics: Pick<Metrics, 'toggled'>;
  /** The Marketplace's services' needs (its payment processor, fee, grace). */
  readonly marketplace: MarketplaceDeps;
  /** The database's dialect (guest passes lock differently on PostgreSQL; `GuestDeps`). */
  readonly dialect: Dialect;
}
