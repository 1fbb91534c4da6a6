import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CurrencyMismatch, type Money, money } from '../lib/money.ts';
import { formatLocal } from '../lib/time.ts';
import { InvalidWindow, NoMonthlyRate, NoRateForWindow } from './errors.ts';
import {
  monthlyPrice,
  monthlyQuoteLines,
  PARKING_LINE,
  parkingPrice,
  quoteLines,
  type Rates,
  SERVICE_FEE_LINE,
} from './pricing.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const usd = (n: number) => money(n, 'USD');
const at = (iso: string) => Date.parse(iso);
const rates = (hourly: number | null, dailyMax: number | null, monthly: number | null = null): Rates => ({
  hourly: hourly === null ? null : usd(hourly),
  dailyMax: dailyMax === null ? null : usd(dailyMax),
  monthly: monthly === null ? null : usd(monthly),
});

/** The instant a wall-clock time `YYYY-MM-DD HH:MM:SS` is shown in a zone (the earlier one), found by trying offsets. */
function instantOfWall(wall: string, timeZone: string): number | undefined {
  const asUtc = Date.parse(`${wall.replace(' ', 'T')}Z`);
  for (let offsetH = 14; offsetH >= -12; offsetH -= 0.5) {
    const t = asUtc - offsetH * HOUR;
    if (formatLocal(t, timeZone) === wall) return t;
  }
  return undefined;
}

/** Started periods counted one by one (the independent reading of "started hours"). */
function startedPeriods(startsAt: number, endsAt: number, period: number): number {
  let n = 0;
  for (let t = startsAt; t < endsAt; t += period) n++;
  return n;
}

describe('parkingPrice', () => {
  test('the cheaper of hourly × started hours and daily_max × started 24 h periods', () => {
    const start = at('2026-06-01T10:00:00Z');
    // 3 h at $4 = $12 < one day at $20
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + 3 * HOUR), usd(1200));
    // a started hour counts whole: 3 h 1 min = 4 h
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + 3 * HOUR + 60_000), usd(1600));
    // 6 h at $4 = $24 > one day at $20
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + 6 * HOUR), usd(2000));
    // exactly 24 h is one period; 24 h + 1 ms is two
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + DAY), usd(2000));
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + DAY + 1), usd(4000));
    // 25 h: min(25 × $4, 2 × $20)
    assert.deepEqual(parkingPrice(rates(400, 2000), start, start + 25 * HOUR), usd(4000));
  });

  test('a listing with only one of the two rates uses it; neither is refused', () => {
    const start = at('2026-06-01T10:00:00Z');
    assert.deepEqual(parkingPrice(rates(400, null), start, start + 30 * HOUR), usd(12_000));
    assert.deepEqual(parkingPrice(rates(null, 2000), start, start + 30 * HOUR), usd(4000));
    assert.throws(
      () => parkingPrice(rates(null, null, 30_000), start, start + HOUR),
      (e) => e instanceof NoRateForWindow && e.kind === 'unprocessable',
    );
  });

  test('an empty or reversed window, and rates in two currencies, are refused', () => {
    const start = at('2026-06-01T10:00:00Z');
    assert.throws(() => parkingPrice(rates(400, 2000), start, start), InvalidWindow);
    assert.throws(() => parkingPrice(rates(400, 2000), start, start - HOUR), InvalidWindow);
    const mixed: Rates = { hourly: usd(400), dailyMax: money(2000, 'EUR'), monthly: null };
    assert.throws(() => parkingPrice(mixed, start, start + HOUR), CurrencyMismatch);
  });

  test('the spring-forward night is one hour shorter (New York 2026-03-08, London 2026-03-29)', () => {
    const ny = 'America/New_York';
    const from = instantOfWall('2026-03-08 00:00:00', ny)!;
    const to = instantOfWall('2026-03-08 06:00:00', ny)!;
    assert.equal(to - from, 5 * HOUR);
    assert.deepEqual(parkingPrice(rates(400, null), from, to), usd(2000));
    const london = 'Europe/London';
    const lFrom = instantOfWall('2026-03-29 00:30:00', london)!;
    const lTo = instantOfWall('2026-03-29 03:00:00', london)!;
    assert.deepEqual(parkingPrice(rates(400, null), lFrom, lTo), usd(800)); // 1 h 30 min real → 2 h
  });

  test('the fall-back night is one hour longer (New York 2026-11-01, London 2026-10-25)', () => {
    const ny = 'America/New_York';
    const from = instantOfWall('2026-11-01 00:00:00', ny)!;
    const to = instantOfWall('2026-11-01 06:00:00', ny)!;
    assert.deepEqual(parkingPrice(rates(400, null), from, to), usd(2800));
    // midnight to midnight on the 25-hour day is two started 24 h periods
    const dayEnd = instantOfWall('2026-11-02 00:00:00', ny)!;
    assert.deepEqual(parkingPrice(rates(null, 2000), from, dayEnd), usd(4000));
    const london = 'Europe/London';
    const lFrom = instantOfWall('2026-10-25 00:00:00', london)!;
    const lTo = instantOfWall('2026-10-26 00:00:00', london)!;
    assert.deepEqual(parkingPrice(rates(100, 2000), lFrom, lTo), usd(2500));
  });
});

describe('quoteLines', () => {
  test('a parking line and a fee line rounded half up; the total is their sum', () => {
    const start = at('2026-06-01T10:00:00Z');
    assert.deepEqual(
      quoteLines({ rates: rates(125, null), startsAt: start, endsAt: start + HOUR, feePercent: 10 }),
      {
        lines: [
          { label: PARKING_LINE, amount: usd(125) },
          { label: SERVICE_FEE_LINE, amount: usd(13) }, // 12.5 → 13
        ],
        total: usd(138),
      },
    );
    const q = quoteLines({
      rates: rates(1000, null),
      startsAt: start,
      endsAt: start + HOUR,
      feePercent: 12.5,
    });
    assert.deepEqual(q.lines[1], { label: SERVICE_FEE_LINE, amount: usd(125) });
  });

  test('a 0 % fee is no line at all', () => {
    const start = at('2026-06-01T10:00:00Z');
    const q = quoteLines({ rates: rates(125, null), startsAt: start, endsAt: start + HOUR, feePercent: 0 });
    assert.deepEqual(q, { lines: [{ label: PARKING_LINE, amount: usd(125) }], total: usd(125) });
  });

  test('monthly is its own plan', () => {
    assert.deepEqual(monthlyPrice(rates(400, 2000, 25_000)), usd(25_000));
    assert.throws(() => monthlyPrice(rates(400, 2000)), NoMonthlyRate);
    assert.deepEqual(monthlyQuoteLines(rates(null, null, 25_000), 10).total, usd(27_500));
  });

  test('property: windows in New York and London around DST changes price as the independent reading', () => {
    const days = [
      '2026-03-07',
      '2026-03-08',
      '2026-03-28',
      '2026-03-29',
      '2026-10-25',
      '2026-10-31',
      '2026-11-01',
    ];
    const optionalRate = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null });
    fc.assert(
      fc.property(
        fc.constantFrom('America/New_York', 'Europe/London'),
        fc.constantFrom(...days),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.integer({ min: 1, max: 4 * 24 * 60 }),
        optionalRate,
        optionalRate,
        fc.integer({ min: 0, max: 3000 }),
        (zone, day, startMinute, minutes, hourly, daily, feeBp) => {
          const wall = `${day} ${String(Math.floor(startMinute / 60)).padStart(2, '0')}:${String(startMinute % 60).padStart(2, '0')}:00`;
          const startsAt = instantOfWall(wall, zone);
          fc.pre(startsAt !== undefined); // a wall time in the spring-forward gap
          const endsAt = startsAt! + minutes * 60_000;
          const r = rates(hourly, daily);
          const candidates: number[] = [];
          if (hourly !== null) candidates.push(hourly * startedPeriods(startsAt!, endsAt, HOUR));
          if (daily !== null) candidates.push(daily * startedPeriods(startsAt!, endsAt, DAY));
          if (candidates.length === 0) {
            assert.throws(() => parkingPrice(r, startsAt!, endsAt), NoRateForWindow);
            return;
          }
          const parking = Math.min(...candidates);
          const q = quoteLines({ rates: r, startsAt: startsAt!, endsAt, feePercent: feeBp / 100 });
          assert.deepEqual(q.lines[0], { label: PARKING_LINE, amount: usd(parking) });
          const feeTimes2 = (2n * BigInt(parking) * BigInt(feeBp)) / 10_000n; // 2 × the exact fee, floored
          const fee = Number((feeTimes2 + 1n) / 2n); // half up
          if (feeBp === 0) assert.equal(q.lines.length, 1);
          else assert.deepEqual(q.lines[1], { label: SERVICE_FEE_LINE, amount: usd(fee) });
          const sum = q.lines.reduce((s, l: { amount: Money }) => s + l.amount.amount, 0);
          assert.deepEqual(q.total, usd(sum));
        },
      ),
      { numRuns: 300 },
    );
  });
});
