import { addDays, isCalendarDate, localDate, offsetMs, startOfLocalDay } from '../lib/time.ts';
import { InvalidAvailability } from './errors.ts';

// products.md §1 "Listing": `availability` = {weekly: [{day, opens, closes}], closed_dates} in the
// property's zone; `closes` may be "24:00"; several entries per day; a window that crosses midnight
// needs both days open to the edge; no availability (or an empty weekly) = open at all times.
//
// Decisions (write them down):
// - Entries are read on the local clock as it runs: an instant is open when the wall-clock time the
//   property's clock shows at that instant lies in some entry [opens, closes) of that local day.
//   On a spring-forward day an entry opening at 02:30 in New York (a time the clock skips) is open
//   from 03:00, when the clock shows a time past 02:30; the skipped hour needs no cover. On a
//   fall-back day the repeated hour is open (or closed) both times it is shown.
// - Entries of one day may overlap or repeat: their union is what counts (no entry is refused for
//   it). An entry must open before it closes; overnight hours are two entries (mon 22:00–24:00 and
//   tue 00:00–06:00).
// - Closed dates close their whole local day even when `weekly` is empty (empty weekly = no weekly
//   limit; closed dates are still honoured).
// - Offset changes are found between each local day's ends: a zone changing its offset twice within
//   one local day and back again is read as not changing (no such zone today).

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening of a weekday, `HH:MM` local times; `closes` may be `24:00`; `opens` < `closes`. */
export interface OpeningEntry {
  readonly day: Weekday;
  readonly opens: string;
  readonly closes: string;
}

/** A listing's opening hours, checked (validateAvailability). `closedDates` are `YYYY-MM-DD`, sorted, unique. */
export interface Availability {
  readonly weekly: readonly OpeningEntry[];
  readonly closedDates: readonly string[];
}

/** At most this many weekly entries and closed dates: a bound on the work of every check. */
export const MAX_WEEKLY_ENTRIES = 70;
export const MAX_CLOSED_DATES = 1000;

const MINUTE_MS = 60_000;

/**
 * Whether the listing is open for the whole window `[startsAt, endsAt)` (epoch ms) in `timeZone`:
 * every instant of it lies in an opening of its local day and on no closed date (see the decisions
 * above). No availability, or an empty weekly, is open at all times except on closed dates. The
 * window must not be empty (RangeError: the booking window is checked first).
 */
export function isOpenForWindow(
  availability: Availability | null | undefined,
  startsAt: number,
  endsAt: number,
  timeZone: string,
): boolean {
  if (!(startsAt < endsAt)) throw new RangeError('isOpenForWindow needs a window that ends after it starts');
  if (!availability) return true;
  const byDay = openingsByDay(availability.weekly);
  if (!byDay) {
    // No weekly limit: only the closed dates can close, each its whole local day (work per closed
    // date, not per day of the window).
    return !availability.closedDates.some(
      (date) =>
        startOfLocalDay(date, timeZone) < endsAt && startOfLocalDay(addDays(date, 1), timeZone) > startsAt,
    );
  }
  const closed = new Set(availability.closedDates);
  const lastDate = localDate(endsAt - 1, timeZone);
  for (let date = localDate(startsAt, timeZone); ; date = addDays(date, 1)) {
    const dayStart = startOfLocalDay(date, timeZone);
    const nextStart = startOfLocalDay(addDays(date, 1), timeZone);
    const from = Math.max(startsAt, dayStart);
    const to = Math.min(endsAt, nextStart);
    if (from < to) {
      if (closed.has(date)) return false;
      const midnight = Date.parse(`${date}T00:00:00Z`);
      const openings = byDay.get(weekdayOf(date)) ?? [];
      for (const [a, b] of steadyPieces(from, to, timeZone)) {
        const wallFrom = a + offsetMs(a, timeZone) - midnight;
        if (!isCovered(openings, wallFrom, wallFrom + (b - a))) return false;
      }
    }
    if (date === lastDate) return true;
  }
}

/** Each weekday's openings as merged, sorted [from, to) ms after local midnight; undefined = no weekly limit. */
function openingsByDay(weekly: readonly OpeningEntry[]): Map<Weekday, [number, number][]> | undefined {
  if (weekly.length === 0) return undefined;
  const byDay = new Map<Weekday, [number, number][]>();
  for (const e of weekly) {
    const list = byDay.get(e.day) ?? [];
    list.push([minutesOf(e.opens) * MINUTE_MS, minutesOf(e.closes) * MINUTE_MS]);
    byDay.set(e.day, list);
  }
  for (const list of byDay.values()) list.sort((x, y) => x[0] - y[0]);
  return byDay;
}

/** Whether sorted intervals cover [from, to) entirely. */
function isCovered(openings: readonly [number, number][], from: number, to: number): boolean {
  let reached = from;
  for (const [opens, closes] of openings) {
    if (opens > reached) break;
    if (closes > reached) reached = closes;
    if (reached >= to) return true;
  }
  return reached >= to;
}

/** [from, to) cut where the zone's offset changes, each piece with one offset throughout. */
function steadyPieces(from: number, to: number, timeZone: string): [number, number][] {
  const pieces: [number, number][] = [];
  let a = from;
  while (offsetMs(a, timeZone) !== offsetMs(to - 1, timeZone)) {
    // The first instant after a whose offset differs from a's (changes happen on whole seconds).
    const first = offsetMs(a, timeZone);
    let lo = a;
    let hi = to - 1;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (offsetMs(mid, timeZone) === first) lo = mid;
      else hi = mid;
    }
    pieces.push([a, hi]);
    a = hi;
  }
  pieces.push([a, to]);
  return pieces;
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay()]!;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const OPENS = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSES = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseUnknownKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new InvalidAvailability(
        `${where} has an unknown field ${JSON.stringify(key)} (known: ${known.join(', ')})`,
      );
    }
  }
}

/**
 * Reads a listing's wire `availability` (`{weekly: [{day, opens, closes}], closed_dates: [...]}`,
 * products.md §1) into an Availability, or throws `InvalidAvailability` saying what is wrong: a day
 * other than mon…sun, a time not `HH:MM` (`24:00` only as `closes`), `opens` not before `closes`,
 * a closed date not a real `YYYY-MM-DD`, unknown fields, more than MAX_WEEKLY_ENTRIES entries or
 * MAX_CLOSED_DATES dates. Both lists may be left out (empty). `null` or `undefined` (no
 * availability: open at all times) gives `null`. Overlapping and repeated entries are kept (their
 * union counts); closed dates come back sorted without repeats.
 */
export function validateAvailability(input: unknown): Availability | null {
  if (input === null || input === undefined) return null;
  if (!isRecord(input))
    throw new InvalidAvailability('availability must be an object {weekly, closed_dates}');
  refuseUnknownKeys(input, ['weekly', 'closed_dates'], 'availability');
  const weeklyIn = input.weekly ?? [];
  const closedIn = input.closed_dates ?? [];
  if (!Array.isArray(weeklyIn)) throw new InvalidAvailability('availability.weekly must be a list');
  if (!Array.isArray(closedIn)) throw new InvalidAvailability('availability.closed_dates must be a list');
  if (weeklyIn.length > MAX_WEEKLY_ENTRIES) {
    throw new InvalidAvailability(`availability.weekly has more than ${MAX_WEEKLY_ENTRIES} entries`);
  }
  if (closedIn.length > MAX_CLOSED_DATES) {
    throw new InvalidAvailability(`availability.closed_dates has more than ${MAX_CLOSED_DATES} dates`);
  }
  const weekly = weeklyIn.map((entry: unknown, i): OpeningEntry => {
    const where = `availability.weekly[${i}]`;
    if (!isRecord(entry)) throw new InvalidAvailability(`${where} must be an object {day, opens, closes}`);
    refuseUnknownKeys(entry, ['day', 'opens', 'closes'], where);
    const { day, opens, closes } = entry;
    if (typeof day !== 'string' || !(WEEKDAYS as readonly string[]).includes(day)) {
      throw new InvalidAvailability(
        `${where}.day must be one of mon, tue, wed, thu, fri, sat, sun; got ${JSON.stringify(day)}`,
      );
    }
    if (typeof opens !== 'string' || !OPENS.test(opens)) {
      throw new InvalidAvailability(
        `${where}.opens must be HH:MM from 00:00 to 23:59; got ${JSON.stringify(opens)}`,
      );
    }
    if (typeof closes !== 'string' || !CLOSES.test(closes)) {
      throw new InvalidAvailability(
        `${where}.closes must be HH:MM from 00:00 to 24:00; got ${JSON.stringify(closes)}`,
      );
    }
    if (minutesOf(opens) >= minutesOf(closes)) {
      throw new InvalidAvailability(
        `${where} opens at ${opens}, not before it closes at ${closes} (overnight hours are two entries: …–24:00 and 00:00–…)`,
      );
    }
    return Object.freeze({ day: day as Weekday, opens, closes });
  });
  const closedDates = closedIn.map((date: unknown, i) => {
    if (typeof date !== 'string' || !isCalendarDate(date)) {
      throw new InvalidAvailability(
        `availability.closed_dates[${i}] must be a date YYYY-MM-DD; got ${JSON.stringify(date)}`,
      );
    }
    return date;
  });
  return Object.freeze({
    weekly: Object.freeze(weekly),
    closedDates: Object.freeze([...new Set(closedDates)].sort()),
  });
}

/** The wire form of an Availability (products.md §1 field names). */
export function availabilityToWire(availability: Availability): {
  weekly: { day: Weekday; opens: string; closes: string }[];
  closed_dates: string[];
} {
  return {
    weekly: availability.weekly.map((e) => ({ day: e.day, opens: e.opens, closes: e.closes })),
    closed_dates: [...availability.closedDates],
  };
}
