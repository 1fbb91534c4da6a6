/** Spec §4: times in bodies are `YYYY-MM-DD HH:MM:SS` in the user's IANA time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock time of an instant, `YYYY-MM-DD HH:MM:SS`. */
export function formatLocal(epochMs: number, timeZone: string): string {
  const offset = steadyOffset(epochMs, timeZone);
  if (offset === undefined) return formatWithIntl(epochMs, timeZone);
  const local = new Date(epochMs + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return formatWithIntl(epochMs, timeZone);
  return `${year}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatWithIntl(epochMs: number, timeZone: string): string {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(epochMs))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

// Intl's formatToParts costs microseconds per call, and a history page formats a hundred times.
// A zone's offset is the same all through almost every UTC hour: it is asked of Intl once per hour
// (at both ends; NaN marks an hour with a change in it, formatted by Intl instant by instant).
const MAX_HOURS_PER_ZONE = 50_000;
const steadyOffsets = new Map<string, Map<number, number>>();

function steadyOffset(epochMs: number, timeZone: string): number | undefined {
  let hours = steadyOffsets.get(timeZone);
  if (!hours) {
    hours = new Map();
    steadyOffsets.set(timeZone, hours);
  }
  const hour = Math.floor(epochMs / HOUR_MS);
  let offset = hours.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const atStart = offsetMs(start, timeZone);
    offset = offsetMs(start + HOUR_MS - 1000, timeZone) === atStart ? atStart : Number.NaN;
    if (hours.size >= MAX_HOURS_PER_ZONE) hours.clear();
    hours.set(hour, offset);
  }
  return Number.isNaN(offset) ? undefined : offset;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Whether `date` is a real calendar date written `YYYY-MM-DD` (years 1000–9999). */
export function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(Date.UTC(y, m - 1, d));
  return y >= 1000 && at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/** The calendar date `days` after `date` (both `YYYY-MM-DD`). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The UTC instant at which the local calendar day `date` (YYYY-MM-DD) begins in `timeZone`: its
 * first instant whose local date is `date` or later (a day the zone skipped, like Pacific/Apia's
 * 2011-12-30, is empty: it "begins" where the next one does). Days are 23 or 25 hours long around DST changes, and
 * where a change happens at midnight (America/Havana, America/Santiago, Asia/Beirut…) midnight may
 * not exist (the day begins at 01:00) or happen twice (the day begins at the first one).
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // Midnight on the wall clock, read as if it were UTC. Offsets lie within −12 h … +14 h, so the
  // real instant is within [wall − 14 h, wall + 12 h]; the offsets in force there are at its ends.
  const wall = Date.UTC(y, m - 1, d);
  const offsets = new Set([offsetMs(wall - 14 * HOUR_MS, timeZone), offsetMs(wall + 12 * HOUR_MS, timeZone)]);
  // Midnight under each offset, kept when the zone really shows midnight then.
  const midnights = [...offsets].map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (midnights.length > 0) return Math.min(...midnights);
  // Midnight was skipped (clocks went forward over it): the day begins at the change, between the
  // two candidates. Find the first instant whose local date is `date` (dates only move forward).
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localDate(mid, timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetMs(epochMs: number, timeZone: string): number {
  const local = formatWithIntl(epochMs, timeZone);
  const [date, time] = local.split(' ') as [string, string];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = time.split(':').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, hh, mm, ss);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(epochMs: number, timeZone: string): string {
  return formatLocal(epochMs, timeZone).slice(0, 10);
}
