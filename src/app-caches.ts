import type { DeviceFacts } from './access/device-facts.ts';
import { VisibleDoorsCache } from './access/visible-doors-cache.ts';
import type { CachedProfile } from './api/v1/api-deps.ts';
import type { AccessTokenRecord } from './oauth/ports.ts';
import { HotCaches } from './storage/hot-caches.ts';

const MAX_TOKENS = 50_000;
const MAX_PROFILES = 20_000;
const MAX_DEVICE_FACTS = 20_000;

/**
 * This process's hot caches (see `HotCaches` for why they are never stale), each typed by the
 * folder that reads it: token records by their SHA-256 (oauth), profiles (api), a person's visible
 * doors and devices' door counts and owners (access).
 */
export class AppCaches extends HotCaches {
  readonly accessTokens = this.create<AccessTokenRecord>(MAX_TOKENS);
  readonly profiles = this.create<CachedProfile>(MAX_PROFILES);
  readonly visibleDoors = new VisibleDoorsCache(this);
  /** Door counts and owners of a set of devices (sync). */
  readonly deviceFacts = this.create<Map<string, DeviceFacts>>(MAX_DEVICE_FACTS);
}
