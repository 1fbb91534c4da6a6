import { normalizeHexId } from '../access/ids.ts';
import { hexId } from '../lib/crypto.ts';
import { type Money, money } from '../lib/money.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { InvalidListing, ListingNotFound, PropertyNotFound } from './errors.ts';
import { afterIdOf, pageOf } from './keyset.ts';
import { availabilityToWire, validateAvailability } from './opening-hours.ts';
import {
  CONTROL,
  findAccountProperty,
  findPropertyById,
  inTransaction,
  requireListingsAdmin,
} from './properties.ts';
import {
  type Actor,
  LISTING_STATUSES,
  type Listing,
  type ListingKind,
  type ListingStatus,
  listingOf,
  type Page,
  type PageRequest,
  type Property,
  VEHICLE_SIZES,
  type VehicleSize,
} from './records.ts';

// products.md §1 "Listing": what a property rents out — one `space` (capacity 1) or a `pool` of
// `capacity` interchangeable places — with its rates, durations, opening hours and cancellation
// rule. A listing starts as `draft`; only `published` ones are found or booked; unpublishing never
// touches existing bookings. Only the account's Admin manages them.
//
// Decisions:
// - At least one rate (hourly, daily_max or monthly); every rate a positive amount, all in one
//   currency. min_minutes ≤ max_minutes when both are given (each 1…527040, 366 days).
// - `kind` and `property_id` are fixed at creation (the bookings a listing holds were made under
//   them; to rent elsewhere or otherwise, make another listing). A pool's capacity may change:
//   bookings already made stay, later ones are checked against the new capacity.
// - PATCH semantics: a field left out keeps its value; in `rates`, a key left out keeps its rate and
//   a key given as null removes it; `availability: null` removes the opening hours (open at all
//   times). The result is checked as a whole.
// - `cancellation.free_until_minutes_before` (default 0: free cancellation until the start) is
//   0…525600 (a year).
// - publish of a published listing and unpublish of an unpublished one change nothing (200);
//   unpublish of a draft leaves it a draft (it was never found by anyone).

export const MAX_TITLE_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 5000;
export const MAX_POOL_CAPACITY = 10_000;
export const MAX_LISTING_MINUTES = 366 * 24 * 60;
export const MAX_FREE_CANCEL_MINUTES = 365 * 24 * 60;

export interface RatesInput {
  hourly?: Money | null;
  dailyMax?: Money | null;
  monthly?: Money | null;
}

export interface ListingInput {
  propertyId: string;
  title: string;
  description?: string;
  kind: ListingKind;
  /** Required for a pool; 1 (or left out) for a space. */
  capacity?: number;
  /** Default `standard`. */
  vehicleSizeMax?: VehicleSize;
  rates: RatesInput;
  minMinutes?: number | null;
  maxMinutes?: number | null;
  /** The wire `availability` (products.md §1), or null: open at all times. */
  availability?: unknown;
  /** Default 0: free cancellation until the start. */
  freeCancelMinutes?: number;
}

export type ListingPatch = Partial<Omit<ListingInput, 'propertyId' | 'kind'>>;

export interface ListingFilter {
  propertyId?: string;
  status?: ListingStatus;
}

interface CheckedListing {
  title: string;
  description: string;
  kind: ListingKind;
  capacity: number;
  vehicleSizeMax: VehicleSize;
  currency: string;
  hourly: number | null;
  dailyMax: number | null;
  monthly: number | null;
  minMinutes: number | null;
  maxMinutes: number | null;
  availability: string | null;
  freeCancelMinutes: number;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidListing(`${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function optionalWholeNumber(value: unknown, field: string, min: number, max: number): number | null {
  return value === undefined || value === null ? null : wholeNumber(value, field, min, max);
}

function rateOf(value: unknown, field: string): Money | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidListing(`rates.${field} must be {amount, currency} or null`);
  }
  const { amount, currency } = value as { amount?: unknown; currency?: unknown };
  const rate = money(
    amount as number,
    typeof currency === 'string' ? currency.toUpperCase() : (currency as string),
  );
  if (rate.amount <= 0) throw new InvalidListing(`rates.${field}.amount must be more than 0 minor units`);
  return rate;
}

/** A whole listing's fields, checked (the rules above); what a row stores. */
function checkListing(input: Omit<ListingInput, 'propertyId'>): CheckedListing {
  if (typeof input.title !== 'string' || input.title.trim() === '')
    throw new InvalidListing('title must not be empty');
  const title = input.title.trim();
  if (title.length > MAX_TITLE_LENGTH)
    throw new InvalidListing(`title must be at most ${MAX_TITLE_LENGTH} characters`);
  if (CONTROL.test(title)) throw new InvalidListing('title must not contain control characters');
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > MAX_DESCRIPTION_LENGTH) {
    throw new InvalidListing(`description must be text of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  // Line breaks and tabs are a description's own; other control characters are refused.
  if (CONTROL.test(description.replace(/[\n\r\t]/g, ''))) {
    throw new InvalidListing(
      'description must not contain control characters other than line breaks and tabs',
    );
  }
  if (input.kind !== 'space' && input.kind !== 'pool')
    throw new InvalidListing('kind must be "space" or "pool"');
  let capacity: number;
  if (input.kind === 'space') {
    if (input.capacity !== undefined && input.capacity !== 1) {
      throw new InvalidListing('a space has capacity 1 (a pool has several interchangeable places)');
    }
    capacity = 1;
  } else {
    if (input.capacity === undefined) throw new InvalidListing('a pool needs its capacity');
    capacity = wholeNumber(input.capacity, 'capacity', 1, MAX_POOL_CAPACITY);
  }
  const vehicleSizeMax = input.vehicleSizeMax ?? 'standard';
  if (!VEHICLE_SIZES.includes(vehicleSizeMax)) {
    throw new InvalidListing(`vehicle_size_max must be one of ${VEHICLE_SIZES.join(', ')}`);
  }
  const rates = input.rates;
  if (typeof rates !== 'object' || rates === null)
    throw new InvalidListing('rates must be {hourly, daily_max, monthly}');
  const hourly = rateOf(rates.hourly, 'hourly');
  const dailyMax = rateOf(rates.dailyMax, 'daily_max');
  const monthly = rateOf(rates.monthly, 'monthly');
  const given = [hourly, dailyMax, monthly].filter((r): r is Money => r !== null);
  if (given.length === 0)
    throw new InvalidListing('a listing needs at least one rate: hourly, daily_max or monthly');
  const currency = given[0]!.currency;
  if (given.some((r) => r.currency !== currency))
    throw new InvalidListing('every rate must be in the same currency');
  const minMinutes = optionalWholeNumber(input.minMinutes, 'min_minutes', 1, MAX_LISTING_MINUTES);
  const maxMinutes = optionalWholeNumber(input.maxMinutes, 'max_minutes', 1, MAX_LISTING_MINUTES);
  if (minMinutes !== null && maxMinutes !== null && minMinutes > maxMinutes) {
    throw new InvalidListing('min_minutes must not be more than max_minutes');
  }
  const availability = validateAvailability(input.availability);
  const freeCancelMinutes =
    input.freeCancelMinutes === undefined
      ? 0
      : wholeNumber(
          input.freeCancelMinutes,
          'cancellation.free_until_minutes_before',
          0,
          MAX_FREE_CANCEL_MINUTES,
        );
  return {
    title,
    description,
    kind: input.kind,
    capacity,
    vehicleSizeMax,
    currency,
    hourly: hourly?.amount ?? null,
    dailyMax: dailyMax?.amount ?? null,
    monthly: monthly?.amount ?? null,
    minMinutes,
    maxMinutes,
    availability: availability === null ? null : JSON.stringify(availabilityToWire(availability)),
    freeCancelMinutes,
  };
}

function columnsOf(checked: CheckedListing) {
  return {
    title: checked.title,
    description: checked.description,
    capacity: checked.capacity,
    vehicle_size_max: checked.vehicleSizeMax,
    currency: checked.currency,
    hourly_rate: checked.hourly,
    daily_max_rate: checked.dailyMax,
    monthly_rate: checked.monthly,
    min_minutes: checked.minMinutes,
    max_minutes: checked.maxMinutes,
    availability: checked.availability,
    free_cancel_minutes: checked.freeCancelMinutes,
  };
}

/** The account's listing with this id (any spelling), else `ListingNotFound`. Admin only. */
export async function getListing(db: DbOrTrx, actor: Actor, id: string): Promise<Listing> {
  requireListingsAdmin(actor);
  const normalized = normalizeHexId(id);
  const row =
    normalized === undefined
      ? undefined
      : await db
          .selectFrom('listings')
          .selectAll()
          .where('id', '=', normalized)
          .where('account_id', '=', actor.accountId)
          .executeTakeFirst();
  if (!row) throw new ListingNotFound(id);
  return listingOf(row);
}

/**
 * A listing and its property by the listing's id (any spelling), whatever its status and account:
 * for the booking side, which checks `published` itself. Undefined when there is none.
 */
export async function findBookableListing(
  db: DbOrTrx,
  listingId: string,
): Promise<{ listing: Listing; property: Property } | undefined> {
  const id = normalizeHexId(listingId);
  if (id === undefined) return undefined;
  const row = await db.selectFrom('listings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const property = await findPropertyById(db, row.property_id);
  if (!property) return undefined;
  return { listing: listingOf(row), property };
}

/** A new listing, `draft`, of one of the Admin's account's properties. */
export async function createListing(
  db: DbOrTrx,
  actor: Actor,
  input: ListingInput,
  now: number,
): Promise<Listing> {
  requireListingsAdmin(actor);
  const property = await findAccountProperty(db, actor.accountId, input.propertyId);
  if (!property) throw new PropertyNotFound(input.propertyId);
  const checked = checkListing(input);
  const id = hexId();
  await db
    .insertInto('listings')
    .values({
      id,
      property_id: property.id,
      account_id: actor.accountId,
      kind: checked.kind,
      ...columnsOf(checked),
      status: 'draft',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return getListing(db, actor, id);
}

/** Changes the fields given (PATCH semantics, see the decisions above); checks the result whole. */
export async function updateListing(
  db: DbOrTrx,
  actor: Actor,
  id: string,
  patch: ListingPatch,
  now: number,
): Promise<Listing> {
  requireListingsAdmin(actor);
  return inTransaction(db, async (trx) => {
    const current = await getListing(trx, actor, id);
    const rates = patch.rates ?? {};
    const merged: Omit<ListingInput, 'propertyId'> = {
      title: patch.title ?? current.title,
      description: patch.description ?? current.description,
      kind: current.kind,
      capacity: patch.capacity ?? current.capacity,
      vehicleSizeMax: patch.vehicleSizeMax ?? current.vehicleSizeMax,
      rates: {
        hourly: 'hourly' in rates ? rates.hourly : current.rates.hourly,
        dailyMax: 'dailyMax' in rates ? rates.dailyMax : current.rates.dailyMax,
        monthly: 'monthly' in rates ? rates.monthly : current.rates.monthly,
      },
      minMinutes: 'minMinutes' in patch ? patch.minMinutes : current.minMinutes,
      maxMinutes: 'maxMinutes' in patch ? patch.maxMinutes : current.maxMinutes,
      availability:
        'availability' in patch
          ? patch.availability
          : current.availability && availabilityToWire(current.availability),
      freeCancelMinutes: patch.freeCancelMinutes ?? current.freeCancelMinutes,
    };
    const checked = checkListing(merged);
    await trx
      .updateTable('listings')
      .set({ ...columnsOf(checked), updated_at: now })
      .where('id', '=', current.id)
      .where('account_id', '=', actor.accountId)
      .execute();
    return getListing(trx, actor, current.id);
  });
}

async function setStatus(
  db: DbOrTrx,
  actor: Actor,
  id: string,
  next: (current: ListingStatus) => ListingStatus,
  now: number,
): Promise<Listing> {
  return inTransaction(db, async (trx) => {
    const current = await getListing(trx, actor, id);
    const status = next(current.status);
    if (status === current.status) return current;
    await trx
      .updateTable('listings')
      .set({ status, updated_at: now })
      .where('id', '=', current.id)
      .where('account_id', '=', actor.accountId)
      .execute();
    return getListing(trx, actor, current.id);
  });
}

/** Found and bookable from now on. */
export function publishListing(db: DbOrTrx, actor: Actor, id: string, now: number): Promise<Listing> {
  return setStatus(db, actor, id, () => 'published', now);
}

/** No longer found nor bookable; existing bookings stay as they are. A draft stays a draft. */
export function unpublishListing(db: DbOrTrx, actor: Actor, id: string, now: number): Promise<Listing> {
  return setStatus(db, actor, id, (status) => (status === 'published' ? 'unpublished' : status), now);
}

/** The account's listings (optionally of one property, or of one status), a keyset page ordered by id. */
export async function listListings(
  db: DbOrTrx,
  actor: Actor,
  filter: ListingFilter,
  page: PageRequest,
): Promise<Page<Listing>> {
  requireListingsAdmin(actor);
  if (filter.status !== undefined && !LISTING_STATUSES.includes(filter.status)) {
    throw new InvalidListing(`status must be one of ${LISTING_STATUSES.join(', ')}`);
  }
  let query = db
    .selectFrom('listings')
    .selectAll()
    .where('account_id', '=', actor.accountId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (filter.propertyId !== undefined) {
    const property = await findAccountProperty(db, actor.accountId, filter.propertyId);
    if (!property) throw new PropertyNotFound(filter.propertyId);
    query = query.where('property_id', '=', property.id);
  }
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (page.cursor !== null) query = query.where('id', '>', afterIdOf(page.cursor));
  const result = pageOf(await query.execute(), page, (r) => r.id);
  return { items: result.items.map(listingOf), nextCursor: result.nextCursor };
}
