import { TtlCache } from '../lib/ttl-cache.ts';
import { databaseDataVersion, onDatabaseWrite } from './database.ts';
import type { Db } from './schema.ts';

/**
 * The mechanism behind the in-memory caches of the hottest reads (an access token's record, a
 * profile, a person's doors): each cache is made here by `create` and owned by the folder that reads
 * it, which alone knows its type. Entries live at most `PARQEX_CACHE_TTL_MS`. Never a miss ("no such
 * token" is always asked of the database, so a token issued by another process works at once).
 *
 * Never stale: any write this process makes empties every cache (after the statement), and
 * `validate()`, called before every lookup, empties them when another process has committed anything
 * to the database since (SQLite's `data_version`). On PostgreSQL another host's commit gives no such
 * signal, so there the caches stay off and every request asks the database. Bounded in size: a
 * million tokens stay in the database, not in the heap. Imports none of its consumers.
 */
export class HotCaches {
  readonly #ttlMs: number;
  readonly #caches: TtlCache<string, unknown>[] = [];
  readonly #dataVersion: (() => number) | undefined;
  #seenVersion = -1;
  #checkedThisTurn = false;
  readonly #nextTurn = () => {
    this.#checkedThisTurn = false;
  };

  constructor(db: Db, ttlMs: number) {
    this.#dataVersion = databaseDataVersion(db);
    this.#ttlMs = this.#dataVersion ? ttlMs : 0;
    if (this.#ttlMs > 0) onDatabaseWrite(db, () => this.clear());
  }

  /** True when entries are kept at all (SQLite with a TTL above 0). */
  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  /** A new cache of at most `maxEntries`, emptied with all the others; disabled when these are. */
  create<V>(maxEntries: number): TtlCache<string, V> {
    const cache = new TtlCache<string, V>({ ttlMs: this.#ttlMs, maxEntries });
    this.#caches.push(cache);
    return cache;
  }

  /**
   * Empties the caches if another process committed to the database since the last check. Checked
   * once per turn of the event loop (the check costs a read transaction): every request read in this
   * turn was sent before the turn began, so before the check — a change committed before a client
   * sent its request is never missed.
   */
  validate(): void {
    if (!this.#dataVersion || !this.enabled || this.#checkedThisTurn) return;
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
    for (const cache of this.#caches) cache.clear();
  }
}
