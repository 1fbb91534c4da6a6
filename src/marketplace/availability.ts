import type { DbOrTrx } from '../storage/schema.ts';

/**
 * Free capacity (products.md §1): a booking holds its listing over `[starts_at, hold_ends_at)` while
 * it is `pending` or `confirmed`; `hold_ends_at` null holds for ever (a monthly plan still renewing);
 * a cancelled booking keeps the part of its hold it used or paid for (hourly: up to the cancellation;
 * monthly: to the end of the paid period) and a failed one is deleted. Windows are half-open, so
 * back-to-back bookings never collide.
 *
 * These reads only answer "is there room?" for search and quotes. The booking itself decides inside
 * its write transaction (bookings.ts), where the answer cannot change before the insert.
 */

/** One hold: `[startsAt, endsAt)`, `endsAt` null = no end. */
export interface Hold {
  readonly startsAt: number;
  readonly endsAt: number | null;
}

/** The holds of these listings that overlap `[startsAt, endsAt)`, by listing id (one query per 500 ids). */
export async function holdsOverlapping(
  db: DbOrTrx,
  listingIds: readonly string[],
  startsAt: number,
  endsAt: number,
): Promise<Map<string, Hold[]>> {
  const result = new Map<string, Hold[]>(listingIds.map((id) => [id, []]));
  const ids = [...new Set(listingIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('bookings')
      .select(['listing_id', 'starts_at', 'hold_ends_at'])
      .where('listing_id', 'in', ids.slice(i, i + 500))
      .where('starts_at', '<', endsAt)
      .where((eb) => eb.or([eb('hold_ends_at', 'is', null), eb('hold_ends_at', '>', startsAt)]))
      .execute();
    for (const row of rows) {
      const holdEnd = row.hold_ends_at === null ? null : Number(row.hold_ends_at);
      // An empty hold (a cancelled booking that never started) holds nothing.
      if (holdEnd !== null && holdEnd <= Number(row.starts_at)) continue;
      result.get(row.listing_id)?.push({ startsAt: Number(row.starts_at), endsAt: holdEnd });
    }
  }
  return result;
}

/**
 * The most holds in force at one instant of `[startsAt, endsAt)` (a sweep over their edges; an end
 * and a start at the same instant do not overlap).
 */
export function peakOverlap(holds: readonly Hold[], startsAt: number, endsAt: number): number {
  const edges: Array<[number, number]> = [];
  for (const hold of holds) {
    const from = Math.max(hold.startsAt, startsAt);
    const to = hold.endsAt === null ? endsAt : Math.min(hold.endsAt, endsAt);
    if (from >= to) continue;
    edges.push([from, 1], [to, -1]);
  }
  // Ends before starts at the same instant: half-open windows.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    current += delta;
    if (current > peak) peak = current;
  }
  return peak;
}

/** What is left of `capacity` over the whole of `[startsAt, endsAt)` given these holds (never below 0). */
export function freeCapacityOf(
  capacity: number,
  holds: readonly Hold[],
  startsAt: number,
  endsAt: number,
): number {
  return Math.max(0, capacity - peakOverlap(holds, startsAt, endsAt));
}

/** Free capacity of one listing over `[startsAt, endsAt)` (`endsAt` null: from `startsAt` on, for ever). */
export async function freeCapacity(
  db: DbOrTrx,
  listing: { id: string; capacity: number },
  startsAt: number,
  endsAt: number | null,
): Promise<number> {
  const end = endsAt ?? Number.MAX_SAFE_INTEGER;
  const holds = (await holdsOverlapping(db, [listing.id], startsAt, end)).get(listing.id) ?? [];
  return freeCapacityOf(listing.capacity, holds, startsAt, end);
}
