import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { statusOfKind } from '../lib/domain-error.ts';
import { formatLocal } from '../lib/time.ts';
import { bookingWindow, formatUtcInstant, parseWindowTime, windowTimes } from './booking-window.ts';
import {
  DurationOutOfRange,
  InvalidTime,
  InvalidWindow,
  NonexistentLocalTime,
  WindowInPast,
} from './errors.ts';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('parseWindowTime', () => {
  test('RFC 3339 with an offset names one instant whatever the zone', () => {
    assert.equal(parseWindowTime('2026-06-01T09:30:00-04:00', LONDON), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T13:30:00Z', NY), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01t13:30:00z', NY), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T19:00:00+05:30', NY), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T13:30:00-00:00', NY), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T13:30:00.123456Z', NY), at('2026-06-01T13:30:00.123Z'));
    assert.equal(parseWindowTime('2026-06-01T13:30Z', NY), at('2026-06-01T13:30:00Z'));
  });

  test('a naive local time is read in the property zone', () => {
    assert.equal(parseWindowTime('2026-06-01T09:30', NY), at('2026-06-01T13:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T09:30:15', NY), at('2026-06-01T13:30:15Z'));
    assert.equal(parseWindowTime('2026-01-15T09:30', NY), at('2026-01-15T14:30:00Z'));
    assert.equal(parseWindowTime('2026-06-01T09:30', LONDON), at('2026-06-01T08:30:00Z'));
  });

  test('a naive time in the spring-forward gap is refused (New York and London)', () => {
    for (const [input, zone] of [
      ['2026-03-08T02:30', NY],
      ['2026-03-08T02:00', NY],
      ['2026-03-08T02:59:59', NY],
      ['2026-03-29T01:15', LONDON],
    ] as const) {
      assert.throws(
        () => parseWindowTime(input, zone, 'starts'),
        (e) =>
          e instanceof NonexistentLocalTime &&
          e.code === 'nonexistent_local_time' &&
          /starts/.test(e.message),
        input,
      );
    }
    assert.equal(parseWindowTime('2026-03-08T01:59:59', NY), at('2026-03-08T06:59:59Z'));
    assert.equal(parseWindowTime('2026-03-08T03:00', NY), at('2026-03-08T07:00:00Z'));
  });

  test('a naive time shown twice (fall back) is the earlier instant; an offset picks the later', () => {
    assert.equal(parseWindowTime('2026-11-01T01:30', NY), at('2026-11-01T05:30:00Z'));
    assert.equal(parseWindowTime('2026-11-01T01:30-05:00', NY), at('2026-11-01T06:30:00Z'));
    assert.equal(parseWindowTime('2026-10-25T01:30', LONDON), at('2026-10-25T00:30:00Z'));
    assert.equal(parseWindowTime('2026-11-01T02:00', NY), at('2026-11-01T07:00:00Z'));
  });

  test('refuses what is neither form, or names no real date or time', () => {
    for (const bad of [
      '',
      '2026-06-01',
      '2026-06-01 09:30',
      '2026-06-01T9:30',
      '2026-02-30T09:30',
      '2026-06-01T24:00',
      '2026-06-01T09:60',
      '2026-06-01T09:30:60Z',
      '2026-06-01T09:30:00+24:00',
      '2026-06-01T09:30:00+0400',
      '2026-06-01T09:30:00.5',
      '0000-01-01T00:00Z',
      '2026-06-01T09:30:00Z ',
    ]) {
      assert.throws(
        () => parseWindowTime(bad, NY, 'ends'),
        (e) => e instanceof InvalidTime && e.code === 'invalid_time',
        bad,
      );
    }
  });

  test('property: a naive time that exists reads back as itself; the earliest reading is taken', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(NY, LONDON, 'America/Havana', 'Australia/Lord_Howe', 'Asia/Kolkata'),
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') }),
        (zone, t) => {
          const instant = Math.floor(t / 1000) * 1000;
          const local = formatLocal(instant, zone);
          const read = parseWindowTime(local.replace(' ', 'T'), zone);
          assert.equal(formatLocal(read, zone), local);
          assert.ok(read <= instant);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('bookingWindow', () => {
  const now = at('2026-06-01T12:00:00Z');
  const base = { timeZone: NY, minMinutes: 60, maxMinutes: 24 * 60, now };

  test('a good window', () => {
    const w = bookingWindow({ ...base, starts: '2026-06-01T09:00', ends: '2026-06-01T11:00' });
    assert.deepEqual(w, { startsAt: at('2026-06-01T13:00:00Z'), endsAt: at('2026-06-01T15:00:00Z') });
    assert.deepEqual(windowTimes(w, NY), {
      startsAt: '2026-06-01T13:00:00Z',
      startsAtLocal: '2026-06-01 09:00:00',
      endsAt: '2026-06-01T15:00:00Z',
      endsAtLocal: '2026-06-01 11:00:00',
    });
  });

  test('ends must be after starts (400)', () => {
    for (const ends of ['2026-06-01T09:00', '2026-06-01T08:00']) {
      assert.throws(
        () => bookingWindow({ ...base, starts: '2026-06-01T09:00', ends }),
        (e) => e instanceof InvalidWindow && statusOfKind(e.kind) === 400,
      );
    }
  });

  test('duration within [min_minutes, max_minutes], bounds included (422 duration_out_of_range)', () => {
    const out = (e: unknown) =>
      e instanceof DurationOutOfRange && e.code === 'duration_out_of_range' && statusOfKind(e.kind) === 422;
    assert.ok(bookingWindow({ ...base, starts: '2026-06-01T09:00', ends: '2026-06-01T10:00' }));
    assert.throws(
      () => bookingWindow({ ...base, starts: '2026-06-01T09:00', ends: '2026-06-01T09:59:59' }),
      out,
    );
    assert.ok(bookingWindow({ ...base, starts: '2026-06-01T09:00', ends: '2026-06-02T09:00' }));
    assert.throws(
      () => bookingWindow({ ...base, starts: '2026-06-01T09:00', ends: '2026-06-02T09:01' }),
      out,
    );
    const open = { ...base, minMinutes: null, maxMinutes: null };
    assert.ok(bookingWindow({ ...open, starts: '2026-06-01T09:00', ends: '2026-06-01T09:01' }));
    assert.ok(bookingWindow({ ...open, starts: '2026-06-01T09:00', ends: '2026-07-01T09:00' }));
  });

  test('the duration is real time: 01:00–04:00 on the spring-forward night lasts 2 hours', () => {
    const spring = { ...base, now: at('2026-03-01T00:00:00Z'), minMinutes: 150, maxMinutes: null };
    assert.throws(
      () => bookingWindow({ ...spring, starts: '2026-03-08T01:00', ends: '2026-03-08T04:00' }),
      DurationOutOfRange,
    );
    const fall = { ...base, now: at('2026-10-01T00:00:00Z'), minMinutes: null, maxMinutes: 180 };
    // 00:00–03:00 on the fall-back night lasts 4 hours
    assert.throws(
      () => bookingWindow({ ...fall, starts: '2026-11-01T00:00', ends: '2026-11-01T03:00' }),
      DurationOutOfRange,
    );
  });

  test('a start more than 5 minutes before now is window_in_past (422); 5 minutes exactly is not', () => {
    const past = (e: unknown) =>
      e instanceof WindowInPast && e.code === 'window_in_past' && statusOfKind(e.kind) === 422;
    const nowAt = { ...base, now: at('2026-06-01T13:05:00Z') };
    assert.ok(bookingWindow({ ...nowAt, starts: '2026-06-01T09:00', ends: '2026-06-01T11:00' }));
    assert.throws(
      () => bookingWindow({ ...nowAt, starts: '2026-06-01T08:59:59', ends: '2026-06-01T11:00' }),
      past,
    );
    assert.throws(
      () =>
        bookingWindow({ ...nowAt, now: nowAt.now + 1, starts: '2026-06-01T09:00', ends: '2026-06-01T11:00' }),
      past,
    );
  });

  test('a naive start in the gap is refused before anything else is checked', () => {
    assert.throws(
      () =>
        bookingWindow({
          ...base,
          now: at('2026-03-01T00:00:00Z'),
          starts: '2026-03-08T02:30',
          ends: '2026-03-08T05:00',
        }),
      NonexistentLocalTime,
    );
  });
});

describe('formatUtcInstant', () => {
  test('RFC 3339 UTC with Z, milliseconds only when there are some', () => {
    assert.equal(formatUtcInstant(at('2026-03-08T07:00:00Z')), '2026-03-08T07:00:00Z');
    assert.equal(formatUtcInstant(at('2026-03-08T07:00:00.250Z')), '2026-03-08T07:00:00.250Z');
    assert.equal(formatUtcInstant(MIN), '1970-01-01T00:01:00Z');
  });
});
