import { formatLocal, isCalendarDate, offsetMs } from '../lib/time.ts';
import { InvalidTime, NonexistentLocalTime } from './errors.ts';

// products.md §0 "Time", as the Marketplace reads it (src/marketplace/booking-window.ts; the guests
// room reaches the Marketplace through `transferBooking` only, so the reading is repeated here with
// the same decisions and the same error codes):
// - RFC 3339 with an offset (`Z` or ±HH:MM, seconds optional, up to 9 fraction digits kept to the
//   millisecond), or a naive local `YYYY-MM-DDTHH:MM[:SS]` read in the pass's zone.
// - A naive time the clocks skip (spring forward) is refused (`nonexistent_local_time`); one shown
//   twice (fall back) is the earlier instant.

/** products.md §2: a start up to 5 minutes ago counts as now. */
export const PAST_START_GRACE_MS = 5 * 60_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

/** The instant (epoch ms) a time input names, naive times read in `timeZone`. */
export function parsePassTime(input: unknown, timeZone: string, field: string): number {
  const m = typeof input === 'string' ? TIME.exec(input) : null;
  if (!m) throw new InvalidTime(field, String(input));
  const text = input as string;
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m;
  const hasOffset = zulu !== undefined || sign !== undefined;
  if (!isCalendarDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) {
    throw new InvalidTime(field, text);
  }
  if (fraction !== undefined && !hasOffset) throw new InvalidTime(field, text);
  if (sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) throw new InvalidTime(field, text);
  const at = new Date(0);
  at.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  at.setUTCHours(Number(h), Number(mi), Number(s ?? 0), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  const wall = at.getTime();
  if (zulu !== undefined) return wall;
  if (sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * MINUTE_MS;
    return sign === '+' ? wall - offset : wall + offset;
  }
  const offsets = new Set([offsetMs(wall - 14 * HOUR_MS, timeZone), offsetMs(wall + 12 * HOUR_MS, timeZone)]);
  const instants = [...offsets].map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (instants.length === 0) throw new NonexistentLocalTime(field, text, timeZone);
  return Math.min(...instants);
}

/** An instant as RFC 3339 UTC with `Z` (milliseconds only when there are some). */
export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** A pass's output times (products.md §0): UTC with `Z`, and local `YYYY-MM-DD HH:MM:SS` in its zone. */
export function passTimes(pass: { startsAt: number; endsAt: number; timeZone: string }): {
  startsAt: string;
  startsAtLocal: string;
  endsAt: string;
  endsAtLocal: string;
} {
  return {
    startsAt: formatUtc(pass.startsAt),
    startsAtLocal: formatLocal(pass.startsAt, pass.timeZone),
    endsAt: formatUtc(pass.endsAt),
    endsAtLocal: formatLocal(pass.endsAt, pass.timeZone),
  };
}
