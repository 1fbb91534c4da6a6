import { formatLocal, formatUtcInstant, instantOfTimeInput } from '../lib/time.ts';
import { InvalidTime, NonexistentLocalTime } from './errors.ts';

// products.md §0 "Time", read by the one reading both products share (`instantOfTimeInput`,
// src/lib/time.ts), with the Marketplace's error codes:
// - RFC 3339 with an offset (`Z` or ±HH:MM, seconds optional, up to 9 fraction digits kept to the
//   millisecond), or a naive local `YYYY-MM-DDTHH:MM[:SS]` read in the pass's zone.
// - A naive time the clocks skip (spring forward) is refused (`nonexistent_local_time`); one shown
//   twice (fall back) is the earlier instant.

/** products.md §2: a start up to 5 minutes ago counts as now. */
export const PAST_START_GRACE_MS = 5 * 60_000;

/** The instant (epoch ms) a time input names, naive times read in `timeZone` (`instantOfTimeInput`). */
export function parsePassTime(input: unknown, timeZone: string, field: string): number {
  const at = instantOfTimeInput(input, timeZone);
  if (at === 'malformed') throw new InvalidTime(field, String(input));
  if (at === 'skipped') throw new NonexistentLocalTime(field, input as string, timeZone);
  return at;
}

/** A pass's output times (products.md §0): UTC with `Z`, and local `YYYY-MM-DD HH:MM:SS` in its zone. */
export function passTimes(pass: { startsAt: number; endsAt: number; timeZone: string }): {
  startsAt: string;
  startsAtLocal: string;
  endsAt: string;
  endsAtLocal: string;
} {
  return {
    startsAt: formatUtcInstant(pass.startsAt),
    startsAtLocal: formatLocal(pass.startsAt, pass.timeZone),
    endsAt: formatUtcInstant(pass.endsAt),
    endsAtLocal: formatLocal(pass.endsAt, pass.timeZone),
  };
}
