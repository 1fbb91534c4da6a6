import type { VisibleDoor } from '../access/visible-doors.ts';
import type { User, Vehicle } from '../accounts/users.ts';
import type { DeviceFacts } from '../api/v1/wire-devices.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import type { AccessTokenRecord } from '../oauth/ports.ts';
import { databaseDataVersion, onDatabaseWrite } from './database.ts';
import type { Db } from './schema.ts';

export interface CachedProfile {
  user: User;
  vehicles: Vehicle[];
}

const MAX_TOKENS = 50_000;
const MAX_PROFILES = 20_000;
const MAX_DOOR_LISTS = 20_000;

/**
 * What the hottest reads keep in memory: an access token's record (by its SHA-256, never the token)
 * and a user's profile with vehicles, each for at most `PARQEX_CACHE_TTL_MS`. Never a miss ("no such
 * token" is always asked of the database, so a token issued by another process works at once).
 *
 * Never stale: any write this process makes empties both (after the statement), and `validate()`,
 * called before every lookup, empties them when another process has committed anything to the
 * database since (SQLite's `data_version`). On PostgreSQL another host's commit gives no such signal,
 * so there the caches stay off and every request asks the database. Bounded in size: a million
 * tokens stay in the database, not in the heap.
 */
export class HotCaches {
  readonly accessTokens: TtlCache<string, AccessTokenRecord>;
  readonly profiles: TtlCache<string, CachedProfile>;
  /** A person's visible doors, by `visibleDoorsKey` (read-only: shared by every request). */
  readonly visibleDoors: TtlCache<string, readonly VisibleDoor[]>;
  /** Door counts and owners of a set of devices (sync). */
  readonly deviceFacts: TtlCache<string, Map<string, DeviceFacts>>;
  readonly #dataVersion: (() => number) | undefined;
  #seenVersion = -1;
  #checkedThisTurn = false;
  readonly #nextTurn = () => {
    this.#checkedThisTurn = false;
  };

  constructor(db: Db, ttlMs: number) {
    this.#dataVersion = databaseDataVersion(db);
    const effectiveTtl = this.#dataVersion ? ttlMs : 0;
    this.accessTokens = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_TOKENS });
    this.profiles = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_PROFILES });
    this.visibleDoors = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_DOOR_LISTS });
    this.deviceFacts = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_DOOR_LISTS });
    if (effectiveTtl > 0) onDatabaseWrite(db, () => this.clear());
  }

  /**
   * Empties the caches if another process committed to the database since the last check. Checked
   * once per turn of the event loop (the check costs a read transaction): every request read in this
   * turn was sent before the turn began, so before the check — a change committed before a client
   * sent its request is never missed.
   */
  validate(): void {
    if (!this.#dataVersion || !this.accessTokens.enabled || this.#checkedThisTurn) return;
    this.#checkedThisTurn = true;
    setImmediate(this.#nextTurn);
    const version = this.#dataVersion();
    if (version !== this.#seenVersion) {
      this.#seenVersion = version;
      this.clear();
    }
  }

  /** The cached value of `key`, if any (validated like every lookup); never loads. */
  peek<V>(cache: TtlCache<string, V>, key: string): V | undefined {
    this.validate();
    return cache.get(key);
  }

  /** The cached value of `key`, else `load()`'s (kept unless undefined or a write came meanwhile). */
  async readThrough<V>(cache: TtlCache<string, V>, key: string, load: () => Promise<V>): Promise<V> {
    this.validate();
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const generation = cache.generation;
    const value = await load();
    if (value !== undefined) cache.set(key, value, generation);
    return value;
  }

  clear(): void {
    this.accessTokens.clear();
    this.profiles.clear();
    this.visibleDoors.clear();
    this.deviceFacts.clear();
  }
}
