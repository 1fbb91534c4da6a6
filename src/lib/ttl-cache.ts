/**
 * A small bounded cache whose entries live `ttlMs` (real time, not the injected clock: it bounds how
 * stale a value another process changed can be). `generation` lets a reader that started before a
 * `clear()` refuse to store what it read: `set(key, value, generationAtStart)` is ignored when a
 * clear happened in between.
 */
export class TtlCache<K, V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<K, { value: V; until: number }>();
  #generation = 0;

  constructor(options: { ttlMs: number; maxEntries: number }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= performance.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, generation: number): void {
    if (!this.enabled || generation !== this.#generation) return;
    // Full: drop the oldest insertion (Map keeps insertion order) rather than grow.
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, until: performance.now() + this.#ttlMs });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
