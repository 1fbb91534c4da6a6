import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatLocal } from '../lib/time.ts';
import { InvalidAvailability } from './errors.ts';
import {
  type Availability,
  availabilityToWire,
  isOpenForWindow,
  type OpeningEntry,
  validateAvailability,
  WEEKDAYS,
  type Weekday,
} from './opening-hours.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NY = 'America/New_York';
const hhmm = (n: number) =>
  `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
const LONDON = 'Europe/London';

/** The earlier instant a wall-clock `YYYY-MM-DD HH:MM` is shown in a zone, found by trying offsets. */
function wall(local: string, timeZone: string): number {
  const asUtc = Date.parse(`${local.replace(' ', 'T')}:00Z`);
  for (let offsetH = 14; offsetH >= -12; offsetH -= 0.25) {
    const t = asUtc - offsetH * HOUR;
    if (formatLocal(t, timeZone) === `${local}:00`) return t;
  }
  throw new Error(`${local} is not shown in ${timeZone}`);
}

function hours(weekly: [Weekday, string, string][], closedDates: string[] = []): Availability {
  return { weekly: weekly.map(([day, opens, closes]) => ({ day, opens, closes })), closedDates };
}

/** The brute force: every minute of the window, read on the local clock, must be in an opening of its day. */
function bruteForce(a: Availability | null, startsAt: number, endsAt: number, timeZone: string): boolean {
  if (!a) return true;
  for (let t = startsAt; t < endsAt; t += MIN) {
    const local = formatLocal(t, timeZone);
    const date = local.slice(0, 10);
    if (a.closedDates.includes(date)) return false;
    if (a.weekly.length === 0) continue;
    const day = WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
    const minute = Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));
    const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const open = a.weekly.some(
      (e) => e.day === day && toMinutes(e.opens) <= minute && minute < toMinutes(e.closes),
    );
    if (!open) return false;
  }
  return true;
}

describe('isOpenForWindow', () => {
  // 2026-06-01 is a Monday.
  const weekdays9to17 = hours([
    ['mon', '09:00', '17:00'],
    ['tue', '09:00', '17:00'],
  ]);

  test('edges exactly at opens and closes are inside; a minute beyond is not', () => {
    const open = (from: string, to: string) =>
      isOpenForWindow(weekdays9to17, wall(from, NY), wall(to, NY), NY);
    assert.equal(open('2026-06-01 09:00', '2026-06-01 17:00'), true);
    assert.equal(open('2026-06-01 08:59', '2026-06-01 17:00'), false);
    assert.equal(open('2026-06-01 09:00', '2026-06-01 17:01'), false);
    assert.equal(open('2026-06-01 16:59', '2026-06-01 17:00'), true);
    assert.equal(open('2026-06-01 17:00', '2026-06-01 17:01'), false);
    // Wednesday has no entry
    assert.equal(open('2026-06-03 10:00', '2026-06-03 11:00'), false);
    // Monday 16:00 to Tuesday 10:00 passes the closed night
    assert.equal(open('2026-06-01 16:00', '2026-06-02 10:00'), false);
  });

  test('a window crossing midnight needs both days open to the edge (24:00 and 00:00)', () => {
    const overnight = hours([
      ['mon', '18:00', '24:00'],
      ['tue', '00:00', '06:00'],
    ]);
    const open = (a: Availability, from: string, to: string) =>
      isOpenForWindow(a, wall(from, NY), wall(to, NY), NY);
    assert.equal(open(overnight, '2026-06-01 22:00', '2026-06-02 06:00'), true);
    assert.equal(open(overnight, '2026-06-01 22:00', '2026-06-02 06:01'), false);
    const shortMonday = hours([
      ['mon', '18:00', '23:59'],
      ['tue', '00:00', '06:00'],
    ]);
    assert.equal(open(shortMonday, '2026-06-01 22:00', '2026-06-02 01:00'), false);
    const lateTuesday = hours([
      ['mon', '18:00', '24:00'],
      ['tue', '00:01', '06:00'],
    ]);
    assert.equal(open(lateTuesday, '2026-06-01 22:00', '2026-06-02 01:00'), false);
    // a window ending exactly at midnight needs nothing of the next day
    assert.equal(open(shortMonday, '2026-06-01 22:00', '2026-06-01 23:59'), true);
    assert.equal(open(overnight, '2026-06-01 22:00', '2026-06-02 00:00'), true);
  });

  test('several entries per day: their union counts, a gap between them closes', () => {
    const split = hours([
      ['mon', '08:00', '12:00'],
      ['mon', '13:00', '18:00'],
      ['mon', '11:00', '12:30'],
    ]);
    const open = (from: string, to: string) => isOpenForWindow(split, wall(from, NY), wall(to, NY), NY);
    assert.equal(open('2026-06-01 09:00', '2026-06-01 12:30'), true);
    assert.equal(open('2026-06-01 09:00', '2026-06-01 13:30'), false);
    assert.equal(open('2026-06-01 13:00', '2026-06-01 18:00'), true);
  });

  test('no availability or an empty weekly is always open; closed dates close the whole local day', () => {
    const from = wall('2026-06-01 03:00', NY);
    assert.equal(isOpenForWindow(null, from, from + 72 * HOUR, NY), true);
    assert.equal(isOpenForWindow(undefined, from, from + HOUR, NY), true);
    assert.equal(isOpenForWindow(hours([]), from, from + 72 * HOUR, NY), true);
    const closedTuesday = hours([], ['2026-06-02']);
    assert.equal(
      isOpenForWindow(closedTuesday, wall('2026-06-01 03:00', NY), wall('2026-06-02 00:00', NY), NY),
      true,
    );
    assert.equal(
      isOpenForWindow(closedTuesday, wall('2026-06-01 03:00', NY), wall('2026-06-02 00:01', NY), NY),
      false,
    );
    assert.equal(
      isOpenForWindow(closedTuesday, wall('2026-06-02 23:59', NY), wall('2026-06-03 01:00', NY), NY),
      false,
    );
    assert.equal(
      isOpenForWindow(closedTuesday, wall('2026-06-03 00:00', NY), wall('2026-06-03 01:00', NY), NY),
      true,
    );
    const allDay = hours([['tue', '00:00', '24:00']], ['2026-06-02']);
    assert.equal(
      isOpenForWindow(allDay, wall('2026-06-02 10:00', NY), wall('2026-06-02 11:00', NY), NY),
      false,
    );
  });

  test('the closed date is the property zone’s local day, not UTC’s', () => {
    // 2026-06-02 20:00 in New York is 2026-06-03 00:00 UTC
    const closed = hours([], ['2026-06-03']);
    assert.equal(
      isOpenForWindow(closed, wall('2026-06-02 20:00', NY), wall('2026-06-02 23:00', NY), NY),
      true,
    );
  });

  test('spring forward (New York 2026-03-08, a Sunday): the skipped hour needs no cover', () => {
    const around = hours([
      ['sun', '00:00', '02:00'],
      ['sun', '03:00', '24:00'],
    ]);
    assert.equal(
      isOpenForWindow(around, wall('2026-03-08 00:00', NY), wall('2026-03-08 12:00', NY), NY),
      true,
    );
    // an entry opening at 02:30, a time that does not exist that day, opens when the clock shows 03:00
    const halfPast = hours([['sun', '02:30', '12:00']]);
    assert.equal(
      isOpenForWindow(halfPast, wall('2026-03-08 03:00', NY), wall('2026-03-08 04:00', NY), NY),
      true,
    );
    assert.equal(
      isOpenForWindow(halfPast, wall('2026-03-08 01:59', NY), wall('2026-03-08 04:00', NY), NY),
      false,
    );
  });

  test('fall back (London 2026-10-25, a Sunday): the repeated hour is read twice on the clock', () => {
    const early = hours([['sun', '00:00', '01:30']]);
    const firstOne = wall('2026-10-25 01:00', LONDON); // 00:00 UTC, BST
    const secondOne = firstOne + HOUR; // 01:00 GMT
    assert.equal(formatLocal(secondOne, LONDON), '2026-10-25 01:00:00');
    assert.equal(isOpenForWindow(early, firstOne, firstOne + 30 * MIN, LONDON), true);
    assert.equal(isOpenForWindow(early, secondOne, secondOne + 30 * MIN, LONDON), true);
    // 01:15 BST to 01:15 GMT shows 01:15–02:00 then 01:00–01:15: 01:30–02:00 is closed
    assert.equal(isOpenForWindow(early, firstOne + 15 * MIN, secondOne + 15 * MIN, LONDON), false);
    const toTwo = hours([['sun', '00:00', '02:00']]);
    assert.equal(isOpenForWindow(toTwo, firstOne + 15 * MIN, secondOne + 15 * MIN, LONDON), true);
    // 01:00 BST to 02:00 GMT shows 01:00–02:00 twice: inside; a minute more is 02:00 GMT, closed
    assert.equal(isOpenForWindow(toTwo, firstOne, secondOne + HOUR, LONDON), true);
    assert.equal(isOpenForWindow(toTwo, firstOne, secondOne + HOUR + MIN, LONDON), false);
  });

  test('an empty window is a programming error', () => {
    const t = wall('2026-06-01 10:00', NY);
    assert.throws(() => isOpenForWindow(null, t, t, NY), RangeError);
  });

  test('property: agrees with a minute-by-minute brute force, across DST changes', () => {
    // Times near the changes (00:00–03:00 local) are drawn often: that is where the readings differ.
    const nearChange = fc.constantFrom(0, 30, 60, 90, 119, 120, 121, 150, 180, 181);
    const time = fc.oneof(
      nearChange,
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 15, 30, 59))
        .map(([h, m]) => h * 60 + m),
    );
    const entry: fc.Arbitrary<OpeningEntry> = fc
      .tuple(fc.constantFrom(...WEEKDAYS), time, fc.oneof(time, fc.constant(24 * 60)))
      .filter(([, opens, closes]) => opens !== closes)
      .map(([day, a, b]) => {
        const [opens, closes] = a < b ? [a, b] : [b, a];
        return { day, opens: hhmm(opens), closes: hhmm(closes) };
      });
    // Every day open but for a hole [from, to) on some days: long windows are often open.
    const mostlyOpen: fc.Arbitrary<OpeningEntry[]> = fc
      .uniqueArray(fc.tuple(fc.constantFrom(...WEEKDAYS), time, time), {
        selector: ([day]) => day,
        maxLength: 3,
      })
      .map((holes) =>
        WEEKDAYS.flatMap((day) => {
          const hole = holes.find(([d]) => d === day);
          if (!hole) return [{ day, opens: '00:00', closes: '24:00' }];
          const [from, to] = [Math.min(hole[1], hole[2]), Math.max(hole[1], hole[2])];
          const parts: OpeningEntry[] = [];
          if (from > 0) parts.push({ day, opens: '00:00', closes: hhmm(from) });
          parts.push({ day, opens: hhmm(to === from ? to + 1 : to), closes: '24:00' });
          return parts;
        }),
      );
    // Each zone's 2026 clock changes (UTC): windows start from a day before one to just after it.
    const changes: Record<string, string[]> = {
      [NY]: ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
      [LONDON]: ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
      'America/Havana': ['2026-03-08T05:00:00Z', '2026-11-01T05:00:00Z'],
      'Australia/Lord_Howe': ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z'],
    };
    const closable = [
      '2026-03-08',
      '2026-03-29',
      '2026-10-25',
      '2026-11-01',
      '2026-03-09',
      '2026-04-05',
      '2026-10-04',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(changes)),
        fc.constantFrom(0, 1),
        fc.integer({ min: -30 * 60, max: 60 }),
        fc.oneof(fc.integer({ min: 1, max: 36 * 60 }), fc.integer({ min: 1, max: 6 * 60 })),
        fc.oneof(fc.array(entry, { maxLength: 12 }), mostlyOpen),
        fc.subarray(closable, { maxLength: 2 }),
        fc.boolean(),
        (zone, which, offsetMinutes, lengthMinutes, weekly, closedDates, none) => {
          const availability = none ? null : { weekly, closedDates };
          const startsAt = Date.parse(changes[zone]![which]!) + offsetMinutes * MIN;
          const endsAt = startsAt + lengthMinutes * MIN;
          assert.equal(
            isOpenForWindow(availability, startsAt, endsAt, zone),
            bruteForce(availability, startsAt, endsAt, zone),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('validateAvailability', () => {
  const refused = (input: unknown, message: RegExp) =>
    assert.throws(
      () => validateAvailability(input),
      (e) => e instanceof InvalidAvailability && e.code === 'invalid_availability' && message.test(e.message),
    );

  test('reads the wire form; the lists may be left out; null is no availability', () => {
    const a = validateAvailability({
      weekly: [
        { day: 'mon', opens: '09:00', closes: '17:00' },
        { day: 'mon', opens: '12:00', closes: '24:00' },
      ],
      closed_dates: ['2026-12-25', '2026-01-01', '2026-12-25'],
    });
    assert.deepEqual(a, {
      weekly: [
        { day: 'mon', opens: '09:00', closes: '17:00' },
        { day: 'mon', opens: '12:00', closes: '24:00' },
      ],
      closedDates: ['2026-01-01', '2026-12-25'],
    });
    assert.deepEqual(availabilityToWire(a!), {
      weekly: a!.weekly,
      closed_dates: ['2026-01-01', '2026-12-25'],
    });
    assert.deepEqual(validateAvailability({}), { weekly: [], closedDates: [] });
    assert.equal(validateAvailability(null), null);
    assert.equal(validateAvailability(undefined), null);
  });

  test('refuses what is not the documented shape, saying where', () => {
    refused('mon 9-5', /must be an object/);
    refused([], /must be an object/);
    refused({ weekly: {} }, /weekly must be a list/);
    refused({ closed_dates: '2026-12-25' }, /closed_dates must be a list/);
    refused({ closed_days: [] }, /unknown field "closed_days"/);
    refused(
      { weekly: [{ day: 'monday', opens: '09:00', closes: '17:00' }] },
      /weekly\[0\]\.day must be one of/,
    );
    refused({ weekly: [{ day: 'mon', opens: '9:00', closes: '17:00' }] }, /weekly\[0\]\.opens must be HH:MM/);
    refused({ weekly: [{ day: 'mon', opens: '24:00', closes: '24:00' }] }, /opens must be HH:MM/);
    refused({ weekly: [{ day: 'mon', opens: '09:00', closes: '24:01' }] }, /closes must be HH:MM/);
    refused({ weekly: [{ day: 'mon', opens: '09:60', closes: '17:00' }] }, /opens must be HH:MM/);
    refused(
      { weekly: [{ day: 'mon', opens: '17:00', closes: '09:00' }] },
      /opens at 17:00, not before it closes at 09:00/,
    );
    refused({ weekly: [{ day: 'mon', opens: '09:00', closes: '09:00' }] }, /not before/);
    refused({ weekly: [{ day: 'mon', opens: '09:00', closes: '17:00', note: 'x' }] }, /unknown field "note"/);
    refused({ weekly: ['mon'] }, /weekly\[0\] must be an object/);
    refused({ closed_dates: ['2026-02-30'] }, /closed_dates\[0\] must be a date/);
    refused({ closed_dates: [20261225] }, /closed_dates\[0\] must be a date/);
    refused(
      { weekly: Array.from({ length: 71 }, () => ({ day: 'mon', opens: '09:00', closes: '10:00' })) },
      /more than 70/,
    );
  });
});
