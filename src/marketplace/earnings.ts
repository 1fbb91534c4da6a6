import { type Money, money } from '../lib/money.ts';
import { isCalendarDate, localDate } from '../lib/time.ts';
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
//   platform on top: shown, never deducted from the owner), net of their refunds; each line is
//   counted in the period of its `period_starts_at` (the start of the booking, or of the month a
//   monthly plan paid for).
// - `refunds`: the owner's share of the money given back, counted with the lines it gives back
//   (not when it went back): a refunded order nets in the periods its lines fall in, so a fully
//   refunded booking adds gross − refunds = 0 (and a fee of 0) to its period. Per order, the
//   refunded total R (all its refund payments, whenever made) is split in proportion: the parking
//   part P = R × parking lines ÷ all lines, rounded half up; the fee part R − P (so the two add up
//   to R exactly). Within each part, a line gets its amount's share rounded down, and the
//   remainder (a few minor units at most) goes to the part's last line (latest `period_starts_at`).
// - `net` = gross − refunds; `platform_fee` = the fee lines − the fee part of the refunds.
// - Periods are the property's local calendar days or months (its `time_zone`): a line is counted
//   on the day or month its `period_starts_at` falls in where the parking is; when an account's
//   properties are in several zones, each line goes by its own property's zone. `from`
//   (inclusive) and `to` (exclusive) are dates `YYYY-MM-DD` read the same way (a line counts when
//   its local date is in [from, to)); defaults: `to` = tomorrow UTC (today counted), `from` = 30
//   days before for `day`, the first day of the month 11 months back for `month` (12 months). At
//   most 366 days by day, 10 years by month.
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

/**
 * `part` spread over `amounts` in proportion, each rounded down, the remainder on the last one;
 * the shares add up to `part` exactly.
 */
export function spread(part: number, amounts: number[]): number[] {
  const whole = amounts.reduce((a, b) => a + b, 0);
  if (amounts.length === 0) return [];
  if (whole <= 0) return amounts.map((_, i) => (i === amounts.length - 1 ? part : 0));
  const shares = amounts.map((a) => Number((BigInt(part) * BigInt(a)) / BigInt(whole)));
  const given = shares.reduce((a, b) => a + b, 0);
  shares[shares.length - 1] = (shares[shares.length - 1] ?? 0) + part - given;
  return shares;
}

/** The owner's earnings over a range, by the properties' local day or month (see the rules above). Admin only. */
export async function earnings(
  db: DbOrTrx,
  actor: Actor,
  query: EarningsQuery,
  now: number,
): Promise<EarningsReport> {
  requireListingsAdmin(actor);
  const { period, from, to } = earningsRange(query, now);
  const fromDate = dayOf(from);
  const toDate = dayOf(to);
  // Zones are within ±14 h of UTC: two days either side holds every local date of the range; the
  // local date decides below.
  const paidOrders = db
    .selectFrom('order_lines as wl')
    .innerJoin('orders as wo', 'wo.id', 'wl.order_id')
    .innerJoin('bookings as wb', 'wb.id', 'wo.booking_id')
    .select('wl.order_id')
    .where('wb.account_id', '=', actor.accountId)
    .where('wo.status', 'in', ['paid', 'refunded'])
    .where('wl.period_starts_at', '>=', from - 2 * DAY_MS)
    .where('wl.period_starts_at', '<', to + 2 * DAY_MS);
  const lines = await db
    .selectFrom('order_lines as ol')
    .innerJoin('orders as o', 'o.id', 'ol.order_id')
    .innerJoin('bookings as b', 'b.id', 'o.booking_id')
    .innerJoin('properties as p', 'p.id', 'b.property_id')
    .select(['ol.order_id', 'ol.kind', 'ol.amount', 'ol.period_starts_at', 'o.currency', 'p.time_zone'])
    .where('ol.order_id', 'in', paidOrders)
    .orderBy('ol.order_id')
    .orderBy('ol.period_starts_at')
    .orderBy('ol.id')
    .execute();
  const refundRows = await db
    .selectFrom('payments')
    .select((eb) => ['order_id', eb.fn.sum<number>('amount').as('amount')])
    .where('kind', '=', 'refund')
    .where('order_id', 'in', paidOrders)
    .groupBy('order_id')
    .execute();
  const refunded = new Map(refundRows.map((r) => [r.order_id, Number(r.amount)]));

  const byOrder = new Map<string, typeof lines>();
  for (const line of lines) {
    const list = byOrder.get(line.order_id) ?? [];
    list.push(line);
    byOrder.set(line.order_id, list);
  }

  const buckets = new Map<string, Sums & { period: string; currency: string }>();
  const bucket = (label: string, currency: string) => {
    const key = `${label} ${currency}`;
    let found = buckets.get(key);
    if (!found) {
      found = { period: label, currency, gross: 0, platformFee: 0, refunds: 0 };
      buckets.set(key, found);
    }
    return found;
  };
  for (const [orderId, orderLines] of byOrder) {
    const parkingLines = orderLines.filter((l) => l.kind === 'parking');
    const feeLines = orderLines.filter((l) => l.kind !== 'parking');
    const parking = parkingLines.reduce((a, l) => a + Number(l.amount), 0);
    const total = orderLines.reduce((a, l) => a + Number(l.amount), 0);
    const refund = refunded.get(orderId) ?? 0;
    const parkingPart = parkingShare(refund, parking, total);
    const parkingBack = spread(
      parkingPart,
      parkingLines.map((l) => Number(l.amount)),
    );
    const feeBack = spread(
      refund - parkingPart,
      feeLines.map((l) => Number(l.amount)),
    );
    const count = (line: (typeof lines)[number], back: number, isParking: boolean) => {
      const day = localDate(Number(line.period_starts_at), line.time_zone);
      if (day < fromDate || day >= toDate) return;
      const sums = bucket(period === 'day' ? day : day.slice(0, 7), line.currency);
      if (isParking) {
        sums.gross += Number(line.amount);
        sums.refunds += back;
      } else sums.platformFee += Number(line.amount) - back;
    };
    for (const [i, line] of parkingLines.entries()) count(line, parkingBack[i] ?? 0, true);
    for (const [i, line] of feeLines.entries()) count(line, feeBack[i] ?? 0, false);
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
