import { type Money, money } from '../../lib/money.ts';
import type { ListingInput } from '../../marketplace/listings.ts';
import type { Listing } from '../../marketplace/records.ts';
import { decimalOf, parseMoneyInput } from './format.ts';
import { type ListingDraft, WEEK } from './pages/owner-pages.ts';

/** The listing form's fields, read as typed (kept when refused). */
export function listingDraftOf(form: URLSearchParams, kind?: 'space' | 'pool'): ListingDraft {
  const get = (name: string) => form.get(name) ?? '';
  return {
    title: get('title'),
    description: get('description'),
    kind: kind ?? (get('kind') === 'pool' ? 'pool' : 'space'),
    capacity: get('capacity'),
    vehicle_size_max: get('vehicle_size_max') || 'standard',
    currency: get('currency').trim().toUpperCase(),
    hourly: get('hourly'),
    daily_max: get('daily_max'),
    monthly: get('monthly'),
    min_minutes: get('min_minutes'),
    max_minutes: get('max_minutes'),
    free_cancel_minutes: get('free_cancel_minutes'),
    always_open: form.get('always_open') === 'on',
    hours: Object.fromEntries(WEEK.map(([day]) => [day, get(`hours_${day}`)])),
    closed_dates: get('closed_dates'),
  };
}

/** A new listing's form. */
export function emptyListingDraft(): ListingDraft {
  return {
    title: '',
    description: '',
    kind: 'space',
    capacity: '1',
    vehicle_size_max: 'standard',
    currency: 'USD',
    hourly: '',
    daily_max: '',
    monthly: '',
    min_minutes: '',
    max_minutes: '',
    free_cancel_minutes: '60',
    always_open: true,
    hours: {},
    closed_dates: '',
  };
}

/** An existing listing in its form. */
export function listingDraftFrom(listing: Listing): ListingDraft {
  const amount = (m: Money | null) => (m ? decimalOf(m.amount, m.currency) : '');
  const weekly = listing.availability?.weekly ?? [];
  return {
    title: listing.title,
    description: listing.description,
    kind: listing.kind,
    capacity: String(listing.capacity),
    vehicle_size_max: listing.vehicleSizeMax,
    currency: listing.currency,
    hourly: amount(listing.rates.hourly),
    daily_max: amount(listing.rates.dailyMax),
    monthly: amount(listing.rates.monthly),
    min_minutes: listing.minMinutes === null ? '' : String(listing.minMinutes),
    max_minutes: listing.maxMinutes === null ? '' : String(listing.maxMinutes),
    free_cancel_minutes: String(listing.freeCancelMinutes),
    always_open: weekly.length === 0,
    hours: Object.fromEntries(
      WEEK.map(([day]) => [
        day,
        weekly
          .filter((e) => e.day === day)
          .map((e) => `${e.opens}-${e.closes}`)
          .join(', '),
      ]),
    ),
    closed_dates: (listing.availability?.closedDates ?? []).join(' '),
  };
}

/** A form field that is not what it should be; its message is for the person. */
export class ListingFormError extends Error {}

function minutes(text: string, label: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^\d{1,7}$/.test(t)) throw new ListingFormError(`${label} is a whole number of minutes.`);
  return Number(t);
}

/** The form as the service's input (the service checks the rest and says what is wrong). */
export function listingInputOf(draft: ListingDraft): Omit<ListingInput, 'propertyId'> {
  const currency = draft.currency || 'USD';
  if (!/^[A-Z]{3}$/.test(currency))
    throw new ListingFormError('The currency is a 3-letter code, such as USD.');
  const rate = (text: string, label: string): Money | null => {
    const amount = parseMoneyInput(text, currency);
    if (amount === undefined)
      throw new ListingFormError(`${label} is not an amount of ${currency} (like 4.50).`);
    return amount === null ? null : money(amount, currency);
  };
  const weekly: Array<{ day: string; opens: string; closes: string }> = [];
  if (!draft.always_open) {
    for (const [day, name] of WEEK) {
      const text = (draft.hours[day] ?? '').trim();
      if (text === '') continue;
      for (const part of text.split(/[,;]/)) {
        const m = /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/.exec(part.trim());
        if (!m)
          throw new ListingFormError(
            `${name}: write the hours like 08:00-18:00 (several separated by commas).`,
          );
        weekly.push({ day, opens: m[1]!.padStart(5, '0'), closes: m[2]!.padStart(5, '0') });
      }
    }
    if (weekly.length === 0)
      throw new ListingFormError('Give the opening hours of at least one day, or tick “Open at all times”.');
  }
  const closedDates = draft.closed_dates.split(/[\s,;]+/).filter(Boolean);
  const capacity = draft.kind === 'space' ? 1 : Number(draft.capacity.trim());
  if (draft.kind === 'pool' && !(Number.isInteger(capacity) && capacity >= 1))
    throw new ListingFormError('A pool has a whole number of spaces (1 or more).');
  return {
    title: draft.title,
    description: draft.description,
    kind: draft.kind,
    capacity,
    vehicleSizeMax: draft.vehicle_size_max as ListingInput['vehicleSizeMax'],
    rates: {
      hourly: rate(draft.hourly, 'The hourly rate'),
      dailyMax: rate(draft.daily_max, 'The day maximum'),
      monthly: rate(draft.monthly, 'The monthly rate'),
    },
    minMinutes: minutes(draft.min_minutes, 'The shortest stay'),
    maxMinutes: minutes(draft.max_minutes, 'The longest stay'),
    freeCancelMinutes: minutes(draft.free_cancel_minutes, 'The free cancellation time') ?? 0,
    availability:
      weekly.length === 0 && closedDates.length === 0 ? null : { weekly, closed_dates: closedDates },
  };
}
