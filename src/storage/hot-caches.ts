import type { User, Vehicle } from '../accounts/users.ts';
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
  readonly #dataVersion: (() => number) | undefined;
  #seenVersion = -1;

  constructor(db: Db, ttlMs: number) {
    this.#dataVersion = databaseDataVersion(db);
    const effectiveTtl = this.#dataVersion ? ttlMs : 0;
    this.accessTokens = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_TOKENS });
    this.profiles = new TtlCache({ ttlMs: effectiveTtl, maxEntries: MAX_PROFILES });
    if (effectiveTtl > 0) onDatabaseWrite(db, () => this.clear());
  }

  /** Empties the caches if another process committed to the database since the last call. */
  validate(): void {
    if (!this.#dataVersion || !this.accessTokens.enabled) return;
    const version = this.#dataVersion();
    if (version !== this.#seenVersion) {
      this.#seenVersion = version;
      this.clear();
    }
  }

  clear(): void {
    this.accessTokens.clear();
    this.profiles.clear();
  }
}
