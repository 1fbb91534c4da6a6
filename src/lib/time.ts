/** Spec §4: times in bodies are `YYYY-MM-DD HH:MM:SS` in the user's IANA time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      era: 'short',
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

/** A local date and wall-clock time, the year astronomical (1 BC is year 0). */
interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The local wall-clock time of an instant, `YYYY-MM-DD HH:MM:SS`. Years are written with at least
 * four digits (`0001`), never in ISO's expanded `+010000` form; years before 1 and after 9999 (not
 * reachable from a `YYYY-MM-DD` query, only by arithmetic at its edges) get as many digits as they
 * need and a `-` sign before year 0.
 */
export function formatLocal(epochMs: number, timeZone: string): string {
  const offset = steadyOffset(epochMs, timeZone);
  if (offset === undefined) return writeLocal(localParts(epochMs, timeZone));
  const local = new Date(epochMs + offset);
  return `${writeDate(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate())} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` with the year written in at least four digits (sign first when negative). */
function writeDate(year: number, month: number, day: number): string {
  const digits = String(Math.abs(year)).padStart(4, '0');
  return `${year < 0 ? '-' : ''}${digits}-${two(month)}-${two(day)}`;
}

function writeLocal(p: LocalParts): string {
  return `${writeDate(p.year, p.month, p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** Intl's reading of an instant in a zone, as numbers (its era turned into an astronomical year). */
function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  const yearOfEra = Number(parts.year);
  // Intl counts years before 1 as 1 BC, 2 BC… (there is no year 0).
  const year = parts.era === 'BC' || parts.era === 'B' ? 1 - yearOfEra : yearOfEra;
  return {
    year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The instant of midnight UTC of a calendar day; unlike Date.UTC, years 0–99 are not read as 1900–1999. */
function utcMidnight(year: number, month: number, day: number): number {
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getTime();
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

/** The year, month and day of a `YYYY-MM-DD` date (more year digits, or a sign, as addDays writes at the edges). */
function readDate(date: string): [number, number, number] {
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** A number that orders calendar days as time does (string order fails past year 9999). */
function dayKey(year: number, month: number, day: number): number {
  return year * 10_000 + month * 100 + day;
}

/** Whether `date` is a real calendar date written `YYYY-MM-DD` (years 0001–9999). */
export function isCalendarDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const at = new Date(utcMidnight(y, m, d));
  return y >= 1 && at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/**
 * The calendar date `days` after `date` (both `YYYY-MM-DD`). The day after 9999-12-31 is
 * `10000-01-01` (the end of a range that ends on the last writable day): startOfLocalDay reads it.
 */
export function addDays(date: string, days: number): string {
  const [y, m, d] = readDate(date);
  const at = new Date(utcMidnight(y, m, d) + days * DAY_MS);
  return writeDate(at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate());
}

/**
 * The UTC instant at which the local calendar day `date` (YYYY-MM-DD) begins in `timeZone`: its
 * first instant whose local date is `date` or later (a day the zone skipped, like Pacific/Apia's
 * 2011-12-30, is empty: it "begins" where the next one does). Days are 23 or 25 hours long around DST changes, and
 * where a change happens at midnight (America/Havana, America/Santiago, Asia/Beirut…) midnight may
 * not exist (the day begins at 01:00) or happen twice (the day begins at the first one). Any day
 * from 0001-01-01 to 10000-01-01 (the day after the last writable one) in any zone has an answer.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = readDate(date);
  // Midnight on the wall clock, read as if it were UTC. Offsets lie within −12 h … +14 h, so the
  // real instant is within [wall − 14 h, wall + 12 h]; the offsets in force there are at its ends.
  // (Local mean times before 1900 reach ±16 h, but no clock changed then: both ends agree.)
  const wall = utcMidnight(y, m, d);
  const offsets = new Set([offsetMs(wall - 14 * HOUR_MS, timeZone), offsetMs(wall + 12 * HOUR_MS, timeZone)]);
  // Midnight under each offset, kept when the zone really shows midnight then.
  const midnights = [...offsets].map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (midnights.length > 0) return Math.min(...midnights);
  // Midnight was skipped (clocks went forward over it): the day begins at the change, between the
  // two candidates. Find the first instant whose local date is `date` (dates only move forward).
  const key = dayKey(y, m, d);
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    const local = localParts(mid, timeZone);
    if (dayKey(local.year, local.month, local.day) >= key) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function offsetMs(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = utcMidnight(p.year, p.month, p.day) + ((p.hour * 60 + p.minute) * 60 + p.second) * 1000;
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(epochMs: number, timeZone: string): string {
  const local = formatLocal(epochMs, timeZone);
  return local.slice(0, local.indexOf(' '));
}

const TIME_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;

/**
 * The instant (epoch ms) a time input names (products.md §0 "Time"): RFC 3339 with an offset (`T`/`t`,
 * `Z`/`z` or ±HH:MM, seconds optional, up to 9 fraction digits kept to the millisecond, no leap
 * second), or a naive local `YYYY-MM-DDTHH:MM[:SS]` (no fraction) read in `timeZone`. A naive time the
 * clocks skip is `'skipped'`; one shown twice is the earlier instant; anything else not a time is
 * `'malformed'`. The products turn the two refusals into their errors (`invalid_time`,
 * `nonexistent_local_time`).
 */
export function instantOfTimeInput(input: unknown, timeZone: string): number | 'malformed' | 'skipped' {
  const m = typeof input === 'string' ? TIME_INPUT.exec(input) : null;
  if (!m) return 'malformed';
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = m;
  const hasOffset = zulu !== undefined || sign !== undefined;
  if (!isCalendarDate(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)
    return 'malformed';
  if (fraction !== undefined && !hasOffset) return 'malformed';
  if (sign !== undefined && (Number(oh) > 23 || Number(om) > 59)) return 'malformed';
  const at = new Date(0);
  at.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  at.setUTCHours(Number(h), Number(mi), Number(s ?? 0), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  const wall = at.getTime();
  if (zulu !== undefined) return wall;
  if (sign !== undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * 60_000;
    return sign === '+' ? wall - offset : wall + offset;
  }
  // Offsets lie within −12 h … +14 h: the instant is within [wall − 14 h, wall + 12 h], and the
  // offsets in force there are at its ends (as startOfLocalDay reads them).
  const offsets = new Set([
    offsetMs(wall - 14 * 3_600_000, timeZone),
    offsetMs(wall + 12 * 3_600_000, timeZone),
  ]);
  const instants = [...offsets].map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (instants.length === 0) return 'skipped';
  return Math.min(...instants);
}

/** An instant as RFC 3339 UTC with `Z`, milliseconds only when there are some. */
export function formatUtcInstant(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
