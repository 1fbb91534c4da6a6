import type { Money } from '../../lib/money.ts';

// How the Marketplace's pages write money, times and distances for people (the API keeps the wire
// forms). Money stays integer minor units until the last step: the amount is written as a decimal
// string, which Intl formats exactly.

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  return f;
}

/** How many decimals a currency's minor unit has (USD 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The amount as a plain decimal (`1250` USD → `12.50`): what a form's money field shows. */
export function decimalOf(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const units = String(Math.abs(amount)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/** `$12.50`, `¥1,200`, `€3.00`. */
export function formatMoney(m: Money): string {
  // Intl reads a decimal string exactly (no floating point on the way).
  return moneyFormat(m.currency).format(decimalOf(m.amount, m.currency) as unknown as number);
}

/**
 * A price typed into a form (`12`, `12.5`, `12.50`, `1,200`) → minor units of `currency`; `null` for
 * an empty field; `undefined` when it is not an amount (negative, too many decimals, not a number).
 */
export function parseMoneyInput(text: string, currency: string): number | null | undefined {
  const clean = text.trim().replace(/[,\s]/g, '');
  if (clean === '') return null;
  const digits = minorDigits(currency);
  const match = /^(\d{1,12})(?:\.(\d*))?$/.exec(clean);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${timeZone} ${withDate}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      ...(withDate ? { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(key, f);
  }
  return f;
}

/** `Sat, Dec 5, 2026, 09:00` in `timeZone`. */
export function formatLocalTime(at: number, timeZone: string): string {
  return dateTimeFormat(timeZone, true).format(at);
}

/** A window in the property's zone: `Sat, Dec 5, 2026, 09:00 – 11:00`, the end's date only when it differs. */
export function formatWindow(startsAt: number, endsAt: number, timeZone: string): string {
  const day = (at: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      at,
    );
  const sameDay = day(startsAt) === day(endsAt - 1) && endsAt - startsAt < 24 * 3_600_000;
  const end = sameDay ? dateTimeFormat(timeZone, false).format(endsAt) : formatLocalTime(endsAt, timeZone);
  return `${formatLocalTime(startsAt, timeZone)} – ${end}`;
}

/** `350 m`, `1.2 km`. */
export function formatDistance(meters: number): string {
  if (meters < 1000) return `${Math.round(meters / 10) * 10} m`;
  return `${(meters / 1000).toFixed(meters < 10_000 ? 1 : 0)} km`;
}

/** `45 min`, `2 h`, `1 h 30 min`, `3 days`. */
export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0 && minutes >= 1440) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The `YYYY-MM-DDTHH:MM` a `datetime-local` field holds, for an instant in `timeZone`. */
export function localInputValue(at: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of dateTimeFormat(timeZone, true).formatToParts(at)) parts[p.type] = p.value;
  const ymd = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
  return `${ymd}T${parts.hour}:${parts.minute}`;
}
