import { DomainError } from './domain-error.ts';

// products.md §0 "Money": integers in minor units + an ISO 4217 currency, never floating point.

/** An amount of money: an integer count of the currency's minor units (cents for USD, yen for JPY). */
export interface Money {
  readonly amount: number;
  /** ISO 4217 code, upper case (`USD`). */
  readonly currency: string;
}

/** An amount or currency that is not money: a fraction, an unsafe integer, an unknown currency code. */
export class InvalidMoney extends DomainError {
  constructor(message: string) {
    super('invalid_money', 'invalid_input', message);
  }
}

/** Two amounts in different currencies were to be added together. */
export class CurrencyMismatch extends DomainError {
  constructor(expected: string, found: string) {
    super('currency_mismatch', 'invalid_input', `cannot add ${found} to ${expected}`);
  }
}

let knownCurrencies: ReadonlySet<string> | undefined;

/** Whether `code` is an ISO 4217 currency code (three upper-case letters the runtime's ICU knows). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code);
}

/**
 * A Money value, checked: `amount` a safe integer (minor units, may be negative, e.g. a refund) and
 * `currency` a known ISO 4217 code written in upper case. Otherwise throws `InvalidMoney`.
 */
export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new InvalidMoney(`amount must be a safe integer of minor units, got ${String(amount)}`);
  }
  if (typeof currency !== 'string' || !isCurrencyCode(currency)) {
    throw new InvalidMoney(`currency must be an upper-case ISO 4217 code, got ${JSON.stringify(currency)}`);
  }
  // -0 is 0: equality and JSON must not tell them apart.
  return Object.freeze({ amount: amount === 0 ? 0 : amount, currency });
}

/** Nothing, in `currency`. */
export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

/** a + b; both in the same currency (`CurrencyMismatch` otherwise), the sum a safe integer (`InvalidMoney`). */
export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatch(a.currency, b.currency);
  return money(a.amount + b.amount, a.currency);
}

/**
 * The sum of `list`, every item in `currency` (`CurrencyMismatch` otherwise); the empty list sums to
 * zero. Exact: every partial sum is checked to be a safe integer (`InvalidMoney` otherwise).
 */
export function sumMoney(list: readonly Money[], currency: string): Money {
  let total = zeroMoney(currency);
  for (const item of list) {
    if (item.currency !== currency) throw new CurrencyMismatch(currency, item.currency);
    total = addMoney(total, item);
  }
  return total;
}

/** Whether two amounts are the same amount of the same currency. */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/**
 * A percentage as an exact count of basis points (1 % = 100 bp): `12.5` → 1250. Percentages are
 * kept in basis points so that percentOf is integer arithmetic from end to end; a percentage is
 * read from its shortest decimal spelling (what `String(n)` gives), so `0.07` is exactly 7 bp and
 * never 7.000000000000001. Refuses (`InvalidMoney`) negative numbers, non-finite numbers and more
 * than two decimals (`12.345`).
 */
export function basisPointsOf(percent: number): number {
  const match = Number.isFinite(percent) ? /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(percent)) : null;
  if (!match) {
    throw new InvalidMoney(
      `a percentage must be a non-negative number with at most two decimals, got ${String(percent)}`,
    );
  }
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(bp)) throw new InvalidMoney(`percentage too large: ${String(percent)}`);
  return bp;
}

const BP_PER_WHOLE = 10_000n;

/**
 * `percent` % of `m`, rounded half up to the minor unit: a result exactly halfway between two minor
 * units goes to the one farther from zero (so 10 % of 5 cents is 1 cent, and of −5 cents is −1 cent:
 * percentOf(−x) = −percentOf(x), as Java's HALF_UP). `percent` is read as basis points
 * (basisPointsOf: at most two decimals, not negative). Integer arithmetic only (BigInt, so
 * `amount × basis points` never loses digits); the result must be a safe integer (`InvalidMoney`).
 */
export function percentOf(m: Money, percent: number): Money {
  const bp = BigInt(basisPointsOf(percent));
  const magnitude = BigInt(Math.abs(m.amount));
  // round(x / D) half up for x ≥ 0 is floor((2x + D) / 2D).
  const rounded = (2n * magnitude * bp + BP_PER_WHOLE) / (2n * BP_PER_WHOLE);
  const amount = Number(rounded);
  if (!Number.isSafeInteger(amount))
    throw new InvalidMoney(`${String(percent)} % of ${m.amount} is too large`);
  return money(m.amount < 0 ? 0 - amount : amount, m.currency);
}
