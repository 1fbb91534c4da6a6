import type { TtlCache } from '../lib/ttl-cache.ts';
import type { HotCaches } from '../storage/hot-caches.ts';
import type { VisibleDoor } from './visible-door.ts';

const MAX_DOOR_LISTS = 20_000;

interface Entry {
  doors: readonly VisibleDoor[];
  /** The moment the list was read for. */
  from: number;
  /** The next start or end of one of the person's grants after `from` (null: none ahead). */
  until: number | null;
}

/**
 * A person's visible doors kept in memory (read-only: shared by every request), by the hot caches'
 * rules (`HotCaches`: emptied by any write). Never stale across a grant's window either: an entry
 * answers only for moments in `[from, until)`, `until` being the person's next window edge, so a
 * grant is seen exactly from its start and gone exactly at its end, by the injected clock.
 */
export class VisibleDoorsCache {
  readonly #hot: HotCaches;
  readonly #entries: TtlCache<string, Entry>;

  constructor(hot: HotCaches) {
    this.#hot = hot;
    this.#entries = hot.create<Entry>(MAX_DOOR_LISTS);
  }

  get enabled(): boolean {
    return this.#entries.enabled;
  }

  /** Lists held now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** The list held for `key` if it holds at `at`; never loads. */
  peek(key: string, at: number): readonly VisibleDoor[] | undefined {
    const entry = this.#hot.peek(this.#entries, key);
    return entry && entry.from <= at && (entry.until === null || at < entry.until) ? entry.doors : undefined;
  }

  /** The list for `key` at `at`, else `load()`'s, kept (frozen) unless a write came meanwhile. */
  async readThrough(
    key: string,
    at: number,
    load: () => Promise<{ doors: VisibleDoor[]; until: number | null }>,
  ): Promise<readonly VisibleDoor[]> {
    const held = this.peek(key, at);
    if (held) return held;
    const generation = this.#entries.generation;
    const { doors, until } = await load();
    const entry = { doors: freeze(doors), from: at, until };
    this.#entries.set(key, entry, generation);
    return entry.doors;
  }
}

/** Shared by every request that reads it from the cache: nobody may change it. */
function freeze(doors: VisibleDoor[]): readonly VisibleDoor[] {
  for (const d of doors) {
    Object.freeze(d.door);
    Object.freeze(d.device);
    Object.freeze(d);
  }
  return Object.freeze(doors);
}
