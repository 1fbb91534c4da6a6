import { sql } from 'kysely';
import { type Money, money } from '../lib/money.ts';
import { isCalendarDate } from '../lib/time.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { InvalidEarningsQuery } from './errors.ts';
import { requireListingsAdmin } from './properties.ts';
import type { Actor } from './records.ts';

// products.md §1: the owner earns the parking line, the platform the service fee. What an owner's
// earnings report counts (`GET …/earnings`, the owner pages, the Admin only):
//
// - Bookings of the actor's account's listings whose order was paid (order status `paid` or
//   `refunded`; a `pending` order — a charge in flight — counts nothing yet).
// - `gross`: the parking lines; `platform_fee`: the service-fee lines (what renters paid the
//   platform on top: shown, never deducted from the owner); each line is counted in the period of
//   its `period_starts_at` (the start of the booking, or of the month a monthly plan paid for).
// - `refunds`: the owner's share of the money given back — each refund's amount times the order's
//   parking lines over its total (a full refund: exactly the parking lines), rounded half up —
//   counted in the period of the refund itself (when the money went back).
// - `net` = gross − refunds.
// - Periods are UTC calendar days or months (not the property's zone: one report may span
//   properties in several zones; say so on the pages). `from` (inclusive) and `to` (exclusive) are
//   UTC dates `YYYY-MM-DD`; defaults: `to` = tomorrow (today counted), `from` = 30 days before for
//   `day`, the first day of the month 11 months back for `month` (12 months). At most 366 days by
//   day, 10 years by month.
// - Money is summed per currency: a row per currency per period (a listing's rates have one
//   currency; listings may differ). Periods with nothing are left out.

export type EarningsPeriod = 'day' | 'month';

export interface EarningsQuery {
  from?: string;
  to?: string;
  period?: EarningsPeriod;
}

export interface EarningsRow {
  currency: string;
  gross: Money;
  platformFee: Money;
  refunds: Money;
  net: Money;
}

export interface EarningsReport {
  period: EarningsPeriod;
  from: string;
  to: string;
  items: Array<EarningsRow & { period: string }>;
  totals: EarningsRow[];
}

const DAY_MS = 86_400_000;
export const MAX_DAYS_BY_DAY = 366;
export const MAX_DAYS_BY_MONTH = 3660;

function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

function dateMs(date: string, field: string): number {
  if (!isCalendarDate(date)) throw new InvalidEarningsQuery(`${field} must be a date written YYYY-MM-DD`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** The range and period asked for, with the defaults above, checked. */
export function earningsRange(
  query: EarningsQuery,
  now: number,
): { period: EarningsPeriod; from: number; to: number } {
  const period = query.period ?? 'month';
  if (period !== 'day' && period !== 'month') throw new InvalidEarningsQuery('period must be day or month');
  const to = query.to === undefined ? Date.parse(`${dayOf(now)}T00:00:00Z`) + DAY_MS : dateMs(query.to, 'to');
  let from: number;
  if (query.from !== undefined) from = dateMs(query.from, 'from');
  else if (period === 'day') from = to - 30 * DAY_MS;
  else {
    const last = new Date(to - DAY_MS);
    from = Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 11, 1);
  }
  if (!(from < to)) throw new InvalidEarningsQuery('from must be before to');
  const maxDays = period === 'day' ? MAX_DAYS_BY_DAY : MAX_DAYS_BY_MONTH;
  if (to - from > maxDays * DAY_MS) {
    throw new InvalidEarningsQuery(`a report by ${period} covers at most ${maxDays} days`);
  }
  return { period, from, to };
}

interface Sums {
  gross: number;
  platformFee: number;
  refunds: number;
}

/** The parking share of a refund, rounded half up, in exact integer arithmetic. */
function parkingShare(refund: number, parking: number, total: number): number {
  if (total <= 0) return 0;
  const numerator = BigInt(refund) * BigInt(parking);
  const d = BigInt(total);
  return Number((numerator * 2n + d) / (2n * d));
}

/** The owner's earnings over a range, by UTC day or month (see the rules above). Admin only. */
export async function earnings(
  db: DbOrTrx,
  actor: Actor,
  query: EarningsQuery,
  now: number,
): Promise<EarningsReport> {
  requireListingsAdmin(actor);
  const { period, from, to } = earningsRange(query, now);
  const dayBucket = sql<number>`(ol.period_starts_at / ${sql.lit(DAY_MS)})`;
  const lines = await db
    .selectFrom('order_lines as ol')
    .innerJoin('orders as o', 'o.id', 'ol.order_id')
    .innerJoin('bookings as b', 'b.id', 'o.booking_id')
    .select((eb) => [
      'ol.kind',
      'o.currency',
      dayBucket.as('day'),
      eb.fn.sum<number>('ol.amount').as('amount'),
    ])
    .where('b.account_id', '=', actor.accountId)
    .where('o.status', 'in', ['paid', 'refunded'])
    .where('ol.period_starts_at', '>=', from)
    .where('ol.period_starts_at', '<', to)
    .groupBy(['ol.kind', 'o.currency', dayBucket])
    .execute();
  const refunds = await db
    .selectFrom('payments as p')
    .innerJoin('orders as o', 'o.id', 'p.order_id')
    .innerJoin('bookings as b', 'b.id', 'o.booking_id')
    .select(['p.order_id', 'p.amount', 'p.created_at', 'o.currency'])
    .where('b.account_id', '=', actor.accountId)
    .where('p.kind', '=', 'refund')
    .where('p.created_at', '>=', from)
    .where('p.created_at', '<', to)
    .execute();
  const orderIds = [...new Set(refunds.map((r) => r.order_id))];
  const shares = new Map<string, { parking: number; total: number }>();
  if (orderIds.length > 0) {
    const rows = await db
      .selectFrom('order_lines')
      .select((eb) => ['order_id', 'kind', eb.fn.sum<number>('amount').as('amount')])
      .where('order_id', 'in', orderIds)
      .groupBy(['order_id', 'kind'])
      .execute();
    for (const row of rows) {
      const share = shares.get(row.order_id) ?? { parking: 0, total: 0 };
      const amount = Number(row.amount);
      share.total += amount;
      if (row.kind === 'parking') share.parking += amount;
      shares.set(row.order_id, share);
    }
  }

  const label = (epochMs: number) => (period === 'day' ? dayOf(epochMs) : dayOf(epochMs).slice(0, 7));
  const buckets = new Map<string, Sums & { period: string; currency: string }>();
  const bucket = (epochMs: number, currency: string) => {
    const key = `${label(epochMs)} ${currency}`;
    let found = buckets.get(key);
    if (!found) {
      found = { period: label(epochMs), currency, gross: 0, platformFee: 0, refunds: 0 };
      buckets.set(key, found);
    }
    return found;
  };
  for (const line of lines) {
    const sums = bucket(Number(line.day) * DAY_MS, line.currency);
    if (line.kind === 'parking') sums.gross += Number(line.amount);
    else sums.platformFee += Number(line.amount);
  }
  for (const refund of refunds) {
    const share = shares.get(refund.order_id) ?? { parking: 0, total: 0 };
    bucket(Number(refund.created_at), refund.currency).refunds += parkingShare(
      Number(refund.amount),
      share.parking,
      share.total,
    );
  }

  const rowOf = (currency: string, sums: Sums): EarningsRow => ({
    currency,
    gross: money(sums.gross, currency),
    platformFee: money(sums.platformFee, currency),
    refunds: money(sums.refunds, currency),
    net: money(sums.gross - sums.refunds, currency),
  });
  const items = [...buckets.values()]
    .sort((a, b) =>
      a.period === b.period ? a.currency.localeCompare(b.currency) : a.period < b.period ? -1 : 1,
    )
    .map((b) => ({ period: b.period, ...rowOf(b.currency, b) }));
  const totals = new Map<string, Sums>();
  for (const b of buckets.values()) {
    const t = totals.get(b.currency) ?? { gross: 0, platformFee: 0, refunds: 0 };
    t.gross += b.gross;
    t.platformFee += b.platformFee;
    t.refunds += b.refunds;
    totals.set(b.currency, t);
  }
  return {
    period,
    from: dayOf(from),
    to: dayOf(to),
    items,
    totals: [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([c, t]) => rowOf(c, t)),
  };
}
