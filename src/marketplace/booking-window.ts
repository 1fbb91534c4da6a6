import { formatLocal, formatUtcInstant, instantOfTimeInput } from '../lib/time.ts';
import {
  DurationOutOfRange,
  InvalidTime,
  InvalidWindow,
  NonexistentLocalTime,
  WindowInPast,
} from './errors.ts';

// products.md §0 "Time": inputs are RFC 3339 with an offset, or a naive local
// `YYYY-MM-DDTHH:MM[:SS]` read in the property's zone; outputs `starts_at` (RFC 3339 UTC, `Z`) and
// `starts_at_local` (`YYYY-MM-DD HH:MM:SS`, property zone); ranges are half-open [starts, ends).
//
// Decisions (write them down):
// - A naive time the clocks skip (a spring-forward gap, e.g. 2026-03-08T02:30 in New York) is
//   refused with `nonexistent_local_time` (400): guessing would move a booking by an hour.
// - A naive time shown twice (a fall-back overlap, e.g. 2026-11-01T01:30 in New York) is the
//   earlier instant (the first 01:30, daylight time); an offset picks the other one.
// - RFC 3339: `T` or `t`, `Z`/`z` or ±HH:MM (`-00:00` is UTC), seconds optional, up to 9 fraction
//   digits (kept to the millisecond, truncated); no leap second (`:60`). A naive time has no
//   fraction.
// - Durations are real elapsed time: 01:00–04:00 on the New York spring-forward night lasts 2 hours.
// - Checks run in this order: well-formed, ends after starts, duration, start not in the past.

/** A booking window `[startsAt, endsAt)` in epoch ms. */
export interface BookingWindow {
  readonly startsAt: number;
  readonly endsAt: number;
}

/** products.md §1 "Book": a start up to 5 minutes ago is accepted; earlier is `window_in_past`. */
export const PAST_START_GRACE_MS = 5 * 60_000;

const MINUTE_MS = 60_000;

/**
 * The instant (epoch ms) a window input names: RFC 3339 with an offset, or a naive local time read
 * in `timeZone` (see the decisions above; the reading itself is `instantOfTimeInput`). `field` names
 * the input in error messages. Throws `InvalidTime` (malformed, or no such date or time) or
 * `NonexistentLocalTime` (a skipped local time).
 */
export function parseWindowTime(input: string, timeZone: string, field = 'time'): number {
  const at = instantOfTimeInput(input, timeZone);
  if (at === 'malformed') throw new InvalidTime(field, String(input));
  if (at === 'skipped') throw new NonexistentLocalTime(field, input, timeZone);
  return at;
}

/**
 * A booking window from its inputs (products.md §0 "Time", §1 "Book"), in this order: both times
 * parsed (parseWindowTime), `ends` after `starts` (`InvalidWindow`), the real duration within
 * `[minMinutes, maxMinutes]` (`DurationOutOfRange`; null = no bound), the start no more than 5 minutes
 * before `now` (`WindowInPast`).
 */
export function bookingWindow(input: {
  starts: string;
  ends: string;
  timeZone: string;
  minMinutes: number | null;
  maxMinutes: number | null;
  now: number;
}): BookingWindow {
  const startsAt = parseWindowTime(input.starts, input.timeZone, 'starts');
  const endsAt = parseWindowTime(input.ends, input.timeZone, 'ends');
  if (!(endsAt > startsAt)) {
    throw new InvalidWindow(`ends (${input.ends}) must be after starts (${input.starts})`);
  }
  const elapsed = endsAt - startsAt;
  const { minMinutes, maxMinutes } = input;
  if (
    (minMinutes !== null && elapsed < minMinutes * MINUTE_MS) ||
    (maxMinutes !== null && elapsed > maxMinutes * MINUTE_MS)
  ) {
    throw new DurationOutOfRange(elapsed / MINUTE_MS, minMinutes, maxMinutes);
  }
  if (startsAt < input.now - PAST_START_GRACE_MS) throw new WindowInPast();
  return { startsAt, endsAt };
}

/** Re-exported for the Marketplace's callers: the one formatting is `lib/time.ts`'s. */
export { formatUtcInstant };

/** A window's output times (products.md §0): UTC with `Z` and local `YYYY-MM-DD HH:MM:SS` in the property's zone. */
export function windowTimes(
  window: BookingWindow,
  timeZone: string,
): { startsAt: string; startsAtLocal: string; endsAt: string; endsAtLocal: string } {
  return {
    startsAt: formatUtcInstant(window.startsAt),
    startsAtLocal: formatLocal(window.startsAt, timeZone),
    endsAt: formatUtcInstant(window.endsAt),
    endsAtLocal: formatLocal(window.endsAt, timeZone),
  };
}
