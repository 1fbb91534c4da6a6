import { CurrencyMismatch, type Money, money, percentOf, sumMoney } from '../lib/money.ts';
import { InvalidWindow, NoMonthlyRate, NoRateForWindow } from './errors.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A listing's rates (products.md §1 `rates`): each a Money or null. */
export interface Rates {
  readonly hourly: Money | null;
  readonly dailyMax: Money | null;
  readonly monthly: Money | null;
}

/** One line of a quote or an order. */
export interface PriceLine {
  readonly label: string;
  readonly amount: Money;
}

/** The lines a renter pays and their sum. */
export interface Quote {
  readonly lines: readonly PriceLine[];
  readonly total: Money;
}

/** The labels of the lines, as orders and pages show them. */
export const PARKING_LINE = 'Parking';
export const SERVICE_FEE_LINE = 'Service fee';

/**
 * The parking line of a window `[startsAt, endsAt)` (epoch ms): products.md §1 "Price", the cheaper
 * of hourly × started hours and daily_max × started 24 h periods; a listing with only one of the two
 * rates uses it; neither → `NoRateForWindow`. Hours and periods are counted on the real time
 * elapsed between the two instants, not on the wall clock: a window across the spring-forward night
 * is an hour shorter, across the fall-back night an hour longer. An empty or reversed window →
 * `InvalidWindow`; two rates in different currencies → `CurrencyMismatch`.
 */
export function parkingPrice(rates: Rates, startsAt: number, endsAt: number): Money {
  const elapsed = endsAt - startsAt;
  if (!(elapsed > 0)) throw new InvalidWindow('the window must end after it starts');
  const { hourly, dailyMax } = rates;
  if (hourly && dailyMax && hourly.currency !== dailyMax.currency) {
    throw new CurrencyMismatch(hourly.currency, dailyMax.currency);
  }
  const byHour = hourly && money(hourly.amount * Math.ceil(elapsed / HOUR_MS), hourly.currency);
  const byDay = dailyMax && money(dailyMax.amount * Math.ceil(elapsed / DAY_MS), dailyMax.currency);
  if (byHour && byDay) return byDay.amount < byHour.amount ? byDay : byHour;
  const only = byHour ?? byDay;
  if (!only) throw new NoRateForWindow();
  return only;
}

/**
 * The quote of a window: the parking line (parkingPrice) and, unless `feePercent` is 0, a service
 * fee line of `feePercent` % of it rounded half up to the minor unit (products.md §1 "Price",
 * `PARQEX_SERVICE_FEE_PERCENT`; at most two decimals, see basisPointsOf). `total` is the sum of the
 * lines.
 */
export function quoteLines(input: {
  rates: Rates;
  startsAt: number;
  endsAt: number;
  feePercent: number;
}): Quote {
  const parking = parkingPrice(input.rates, input.startsAt, input.endsAt);
  return linesWithFee(parking, input.feePercent);
}

/** The price of one month of a monthly plan: the monthly rate (`NoMonthlyRate` without one). */
export function monthlyPrice(rates: Rates): Money {
  if (!rates.monthly) throw new NoMonthlyRate();
  return rates.monthly;
}

/** The quote of one month of a monthly plan: the monthly rate and the service fee on it. */
export function monthlyQuoteLines(rates: Rates, feePercent: number): Quote {
  return linesWithFee(monthlyPrice(rates), feePercent);
}

function linesWithFee(parking: Money, feePercent: number): Quote {
  const lines: PriceLine[] = [{ label: PARKING_LINE, amount: parking }];
  const fee = percentOf(parking, feePercent);
  // products.md §1: a fee of 0 % is no line at all (a fee that rounds to 0 of a positive percent is
  // still shown: the renter sees the platform's share, even when it is nothing).
  if (feePercent !== 0) lines.push({ label: SERVICE_FEE_LINE, amount: fee });
  return {
    lines,
    total: sumMoney(
      lines.map((l) => l.amount),
      parking.currency,
    ),
  };
}
