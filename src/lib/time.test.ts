import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, formatLocal, isCalendarDate, localDate, startOfLocalDay } from './time.ts';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe('startOfLocalDay', () => {
  test('an ordinary day in New York begins at 05:00 UTC in winter and 04:00 UTC in summer', () => {
    assert.equal(startOfLocalDay('2026-01-15', 'America/New_York'), utc('2026-01-15T05:00:00Z'));
    assert.equal(startOfLocalDay('2026-07-15', 'America/New_York'), utc('2026-07-15T04:00:00Z'));
  });

  test('the spring-forward day in New York (2026-03-08) is 23 hours long', () => {
    const start = startOfLocalDay('2026-03-08', 'America/New_York');
    const next = startOfLocalDay('2026-03-09', 'America/New_York');
    assert.equal(start, utc('2026-03-08T05:00:00Z'));
    assert.equal(next, utc('2026-03-09T04:00:00Z'));
    assert.equal(next - start, 23 * HOUR);
  });

  test('the fall-back day in New York (2026-11-01) is 25 hours long', () => {
    const start = startOfLocalDay('2026-11-01', 'America/New_York');
    const next = startOfLocalDay('2026-11-02', 'America/New_York');
    assert.equal(start, utc('2026-11-01T04:00:00Z'));
    assert.equal(next, utc('2026-11-02T05:00:00Z'));
    assert.equal(next - start, 25 * HOUR);
  });

  test('where clocks skip midnight (Havana, 2026-03-08) the day begins at 01:00', () => {
    const start = startOfLocalDay('2026-03-08', 'America/Havana');
    assert.equal(start, utc('2026-03-08T05:00:00Z'));
    assert.equal(formatLocal(start, 'America/Havana'), '2026-03-08 01:00:00');
    assert.equal(formatLocal(start - 1000, 'America/Havana'), '2026-03-07 23:59:59');
  });

  test('where clocks skip midnight (Santiago, 2026-09-06) the day begins at 01:00', () => {
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    assert.equal(formatLocal(start, 'America/Santiago'), '2026-09-06 01:00:00');
    assert.equal(formatLocal(start - 1000, 'America/Santiago'), '2026-09-05 23:59:59');
  });

  test('where midnight happens twice (Havana, 2026-11-01) the day begins at the first one', () => {
    assert.equal(startOfLocalDay('2026-11-01', 'America/Havana'), utc('2026-11-01T04:00:00Z'));
    assert.equal(startOfLocalDay('2026-11-02', 'America/Havana'), utc('2026-11-02T05:00:00Z'));
  });

  test('zones far east and west, and half-hour changes', () => {
    assert.equal(startOfLocalDay('2026-06-01', 'Pacific/Kiritimati'), utc('2026-05-31T10:00:00Z'));
    assert.equal(startOfLocalDay('2026-06-01', 'Pacific/Pago_Pago'), utc('2026-06-01T11:00:00Z'));
    // Lord Howe Island moves its clocks by 30 minutes.
    assert.equal(startOfLocalDay('2026-10-04', 'Australia/Lord_Howe'), utc('2026-10-03T13:30:00Z'));
    assert.equal(startOfLocalDay('2026-10-05', 'Australia/Lord_Howe'), utc('2026-10-04T13:00:00Z'));
  });

  test('a day the zone skipped is empty: it begins where the next day does', () => {
    // Samoa crossed the date line: 2011-12-29 was followed by 2011-12-31.
    assert.equal(
      startOfLocalDay('2011-12-30', 'Pacific/Apia'),
      startOfLocalDay('2011-12-31', 'Pacific/Apia'),
    );
  });

  test("property: any day of years 1–9999 (dense around today's DST rules) begins at an instant of that date whose previous second is an earlier date, before the next day", () => {
    const zones = [
      'America/New_York',
      'America/Havana',
      'America/Santiago',
      'America/St_Johns',
      'Asia/Beirut',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Europe/London',
      'Pacific/Auckland',
      'Pacific/Chatham',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Pacific/Apia',
      'Etc/GMT-14',
      'Etc/GMT+12',
      'UTC',
    ];
    const between = (min: string, max: string) =>
      fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true });
    fc.assert(
      fc.property(
        fc.oneof(between('2000-01-01', '2037-12-31'), between('0001-01-01', '9999-12-31')),
        fc.constantFrom(...zones),
        (day, zone) => {
          const date = day.toISOString().slice(0, 10);
          const start = startOfLocalDay(date, zone);
          assert.equal(localDate(start, zone), date);
          assert.ok(localDate(start - 1000, zone) < date);
          const next = startOfLocalDay(addDays(date, 1), zone);
          assert.ok(next > start);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('calendar dates', () => {
  test('isCalendarDate accepts real YYYY-MM-DD dates only', () => {
    for (const good of ['2026-03-08', '2024-02-29', '1000-01-01', '0099-01-01', '9999-12-31'])
      assert.ok(isCalendarDate(good), good);
    for (const bad of [
      '2026-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-3-8',
      '0000-01-01',
      'TODAY',
      '',
    ])
      assert.equal(isCalendarDate(bad), false, bad);
  });

  test('addDays crosses months, years and leap days', () => {
    assert.equal(addDays('2026-03-08', 1), '2026-03-09');
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  });
});

describe('formatLocal through the per-hour offset cache', () => {
  /** The reference: Intl's own formatting, part by part. */
  function intl(epochMs: number, timeZone: string): string {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(new Date(epochMs))
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  }
  const zones = [
    'UTC',
    'America/New_York',
    'America/St_Johns',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Apia',
    'Europe/Amsterdam',
    'Africa/Monrovia',
    'America/Havana',
    'Pacific/Chatham',
  ];

  test('agrees with Intl at any instant, including around DST changes and old odd offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...zones),
        (epochMs, zone) => {
          assert.equal(formatLocal(epochMs, zone), intl(epochMs, zone));
          // Twice: the second answer comes from the cache.
          assert.equal(formatLocal(epochMs, zone), intl(epochMs, zone));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('every second around a change agrees, on the hour (New York) and within an hour (Lord Howe)', () => {
    const changes: [string, number][] = [
      ['America/New_York', Date.UTC(2026, 2, 8, 7)],
      ['America/New_York', Date.UTC(2026, 10, 1, 6)],
      // +10:30 → +11 at 02:00 local: 15:30 UTC, in the middle of a UTC hour.
      ['Australia/Lord_Howe', Date.UTC(2026, 9, 3, 15, 30)],
    ];
    for (const [zone, change] of changes) {
      for (let t = change - 7_200_000; t <= change + 7_200_000; t += 1000) {
        const expected = intl(t, zone);
        if (formatLocal(t, zone) !== expected)
          assert.fail(`${zone} ${new Date(t).toISOString()}: expected ${expected}`);
      }
    }
  });
});

describe('the extreme dates a query may name (issue 9 §4.1)', () => {
  test('isCalendarDate accepts years 0001 to 9999 and nothing beyond', () => {
    for (const good of ['0001-01-01', '0004-02-29', '0099-12-31', '0999-12-31', '9999-12-31'])
      assert.ok(isCalendarDate(good), good);
    for (const bad of ['0000-01-01', '0099-02-29', '10000-01-01', '+010000-01-01', '-0001-01-01'])
      assert.equal(isCalendarDate(bad), false, bad);
  });

  test('addDays never writes an expanded ISO year, and reads years 0–99 as themselves', () => {
    assert.equal(addDays('9999-12-31', 1), '10000-01-01');
    assert.equal(addDays('10000-01-01', -1), '9999-12-31');
    assert.equal(addDays('0001-01-01', -1), '0000-12-31');
    assert.equal(addDays('0099-03-01', -1), '0099-02-28');
    assert.equal(addDays('0004-02-28', 1), '0004-02-29');
  });

  test('the first and the last day begin where the zone says, at both ends of the offsets', () => {
    const lastEnd = Date.parse('+010000-01-01T00:00:00Z');
    assert.equal(startOfLocalDay('10000-01-01', 'UTC'), lastEnd);
    assert.equal(startOfLocalDay('10000-01-01', 'Etc/GMT-14'), lastEnd - 14 * HOUR);
    assert.equal(startOfLocalDay('10000-01-01', 'Etc/GMT+12'), lastEnd + 12 * HOUR);
    assert.equal(startOfLocalDay('10000-01-01', 'Pacific/Kiritimati'), lastEnd - 14 * HOUR);
    assert.equal(startOfLocalDay('0001-01-01', 'UTC'), utc('0001-01-01T00:00:00Z'));
    assert.equal(startOfLocalDay('0001-01-01', 'Etc/GMT-14'), utc('0000-12-31T10:00:00Z'));
    assert.equal(startOfLocalDay('0001-01-01', 'Etc/GMT+12'), utc('0001-01-01T12:00:00Z'));
    // New York kept its local mean time then, 4:56:02 behind Greenwich.
    assert.equal(startOfLocalDay('0001-01-01', 'America/New_York'), utc('0001-01-01T04:56:02Z'));
  });

  test('formatLocal writes four-digit years at the edges, never +010000', () => {
    assert.equal(formatLocal(utc('0001-01-01T00:00:00Z'), 'UTC'), '0001-01-01 00:00:00');
    assert.equal(formatLocal(utc('0001-01-01T00:00:00Z'), 'Etc/GMT-14'), '0001-01-01 14:00:00');
    assert.equal(formatLocal(utc('0999-06-01T12:00:00Z'), 'Asia/Kathmandu'), '0999-06-01 17:41:16');
    assert.equal(formatLocal(utc('9999-12-31T23:59:59Z'), 'Etc/GMT+12'), '9999-12-31 11:59:59');
    assert.equal(formatLocal(utc('9999-12-31T23:59:59Z'), 'Etc/GMT-14'), '10000-01-01 13:59:59');
    assert.equal(localDate(utc('9999-12-31T23:59:59Z'), 'Pacific/Kiritimati'), '10000-01-01');
    assert.equal(localDate(utc('0000-12-31T12:00:00Z'), 'Etc/GMT+12'), '0000-12-31');
  });
});
