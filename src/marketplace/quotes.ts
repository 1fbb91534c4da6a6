import { isDomainError } from '../lib/domain-error.ts';
import { freeCapacityOf, holdsOverlapping } from './availability.ts';
import { bookingWindow, PAST_START_GRACE_MS, parseWindowTime } from './booking-window.ts';
import type { MarketplaceDeps } from './deps.ts';
import {
  BookableListingNotFound,
  InvalidSearch,
  InvalidWindow,
  MonthlyStartTooFar,
  OutsideOpeningHours,
  Unavailable,
  WindowInPast,
} from './errors.ts';
import { findBookableListing } from './listings.ts';
import { isOpenForWindow } from './opening-hours.ts';
import { monthlyQuoteLines, type Quote, quoteLines } from './pricing.ts';
import { signQuote } from './quote-tokens.ts';
import {
  type Actor,
  type Listing,
  listingOf,
  type Property,
  propertyDoorIds,
  propertyOf,
  QUOTE_TTL_MS,
  type QuoteView,
} from './records.ts';

/**
 * Search and quotes (products.md §1 "Search", "Price"). A quote is the price of one window of one
 * listing for one person, valid 10 minutes, its id the quote itself signed (quote-tokens.ts); booking it re-checks everything (bookings.ts).
 */

/** How far ahead a monthly plan may start. */
export const MAX_MONTHLY_LEAD_DAYS = 90;
export const DEFAULT_RADIUS_M = 1600;
export const MAX_RADIUS_M = 20_000;
export const MAX_SEARCH_RESULTS = 50;
/** A search box of at most this many listings is read in one query (search's phase 1). */
const ONE_QUERY_ROWS = 300;
const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEGREE = 111_320;

export interface SearchInput {
  latitude: number;
  longitude: number;
  /** Default 1600, at most 20000. */
  radiusM?: number;
  /** RFC 3339 with an offset, or naive local (read in each listing's property zone). */
  starts: string;
  ends: string;
}

export interface SearchResult {
  listing: Listing;
  property: Property;
  /** Great-circle distance from the search point, whole metres. */
  distanceM: number;
  quote: QuoteView;
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

function checkSearch(input: SearchInput): number {
  const { latitude, longitude } = input;
  const radius = input.radiusM ?? DEFAULT_RADIUS_M;
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90)
    throw new InvalidSearch('latitude must be a number from -90 to 90');
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180)
    throw new InvalidSearch('longitude must be a number from -180 to 180');
  if (!Number.isFinite(radius) || radius <= 0 || radius > MAX_RADIUS_M)
    throw new InvalidSearch(`radius_m must be more than 0 and at most ${MAX_RADIUS_M}`);
  return radius;
}

/**
 * Published listings open and with free capacity for the whole window, nearest first (at most 50),
 * each with a fresh quote for `actor` (one row per result, valid 10 minutes). Candidates come from
 * the `properties_location` index (a latitude/longitude box around the circle), then the exact
 * distance; hours, duration and price are checked in memory and capacity with one query per 500
 * candidates. Naive times are read in each property's zone; a listing whose zone skips the time,
 * whose duration bounds or hours refuse the window, or that cannot price it, is simply not found.
 * Malformed times or a window that ends before it starts are refused (`invalid_time`, `invalid_window`).
 */
export async function searchListings(
  deps: MarketplaceDeps,
  actor: Actor,
  input: SearchInput,
  now: number,
): Promise<SearchResult[]> {
  const radius = checkSearch(input);
  // Well-formed and ordered, whatever the zone (naive times read as UTC for this check only).
  const utcStart = parseWindowTime(input.starts, 'UTC', 'starts');
  const utcEnd = parseWindowTime(input.ends, 'UTC', 'ends');
  if (!(utcEnd > utcStart))
    throw new InvalidWindow(`ends (${input.ends}) must be after starts (${input.starts})`);
  // Past in every zone (a naive time is at the latest 12 h after its UTC reading): say so, rather
  // than find nothing.
  const naive = !/(?:[Zz]|[+-]\d{2}:\d{2})$/.test(input.starts);
  if (utcStart + (naive ? 12 * 3_600_000 : 0) < now - PAST_START_GRACE_MS) throw new WindowInPast();

  const { latitude: lat, longitude: lng } = input;
  const dLat = radius / METRES_PER_DEGREE;
  const cos = Math.cos((Math.min(89.9, Math.abs(lat) + dLat) * Math.PI) / 180);
  const dLng = radius / (METRES_PER_DEGREE * cos);
  // Phase 1: the listings in the box (the `properties_location` index), exact distance, nearest
  // first. A box of up to ONE_QUERY_ROWS listings (a city's 1–2 km: a few dozen) is read whole in
  // this one query; a bigger one (a 20 km radius over a city) is read again as ids and positions
  // only, its rows then fetched a slice at a time (phase 2), so memory stays bounded.
  const inBox = <Q extends { where: (...args: never[]) => unknown }>(query: Q): Q => {
    // biome-ignore lint/suspicious/noExplicitAny: the same filter on two select shapes
    let q = query as any;
    q = q
      .where('p.latitude', '>=', lat - dLat)
      .where('p.latitude', '<=', lat + dLat)
      .where('l.status', '=', 'published');
    const west = lng - dLng;
    const east = lng + dLng;
    if (dLng < 180) {
      if (west >= -180 && east <= 180) {
        q = q.where('p.longitude', '>=', west).where('p.longitude', '<=', east);
      } else {
        // The box crosses the antimeridian: two ranges.
        const [w, e] = west < -180 ? [west + 360, east] : [west, east - 360];
        // biome-ignore lint/suspicious/noExplicitAny: see above
        q = q.where((eb: any) => eb.or([eb('p.longitude', '>=', w), eb('p.longitude', '<=', e)]));
      }
    }
    return q as Q;
  };
  const fullRows = () =>
    deps.db
      .selectFrom('listings as l')
      .innerJoin('properties as p', 'p.id', 'l.property_id')
      .selectAll('l')
      .select([
        'p.id as p_id',
        'p.account_id as p_account_id',
        'p.name as p_name',
        'p.address as p_address',
        'p.latitude as p_latitude',
        'p.longitude as p_longitude',
        'p.time_zone as p_time_zone',
        'p.created_at as p_created_at',
        'p.updated_at as p_updated_at',
      ]);
  type Row = Awaited<ReturnType<ReturnType<typeof fullRows>['execute']>>[number];
  const whole = await inBox(fullRows())
    .limit(ONE_QUERY_ROWS + 1)
    .execute();
  const prefetched = whole.length <= ONE_QUERY_ROWS ? new Map(whole.map((r) => [r.id, r])) : undefined;
  const positions = prefetched
    ? whole.map((r) => ({ id: r.id, latitude: r.p_latitude, longitude: r.p_longitude }))
    : await inBox(
        deps.db
          .selectFrom('listings as l')
          .innerJoin('properties as p', 'p.id', 'l.property_id')
          .select(['l.id', 'p.latitude', 'p.longitude']),
      ).execute();
  const nearest = positions
    .map((row) => ({
      id: row.id,
      distance: distanceMetres(lat, lng, Number(row.latitude), Number(row.longitude)),
    }))
    .filter((c) => c.distance <= radius)
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));

  // The window in each zone, once per zone (undefined: this zone skips the time, or it is past).
  const windows = new Map<string, { startsAt: number; endsAt: number } | undefined>();
  // Why a zone skips the window: when every zone met refuses it, search says why (a local time
  // that does not exist there, say) instead of answering an unexplained empty list.
  const refusals = new Map<string, Error>();
  const windowIn = (zone: string) => {
    if (!windows.has(zone)) {
      try {
        windows.set(
          zone,
          bookingWindow({
            starts: input.starts,
            ends: input.ends,
            timeZone: zone,
            minMinutes: null,
            maxMinutes: null,
            now,
          }),
        );
      } catch (error) {
        if (!isDomainError(error)) throw error;
        windows.set(zone, undefined);
        refusals.set(zone, error);
      }
    }
    return windows.get(zone);
  };

  // Phase 2, nearest first, a slice at a time until 50 are found: the rows, then hours, duration and
  // price in memory, then capacity (one query per slice).
  type Found = Omit<SearchResult, 'quote'> & { startsAt: number; endsAt: number; price: Quote };
  const found: Found[] = [];
  for (let i = 0; i < nearest.length && found.length < MAX_SEARCH_RESULTS; i += 100) {
    const slice = nearest.slice(i, i + 100);
    const byId: Map<string, Row> =
      prefetched ??
      new Map(
        (
          await fullRows()
            .where(
              'l.id',
              'in',
              slice.map((c) => c.id),
            )
            .execute()
        ).map((r) => [r.id, r]),
      );
    const candidates: Found[] = [];
    for (const { id, distance } of slice) {
      const row = byId.get(id);
      if (row?.status !== 'published') continue;
      const zone = row.p_time_zone;
      const window = windowIn(zone);
      if (!window) continue;
      const minutes = (window.endsAt - window.startsAt) / 60_000;
      if (
        (row.min_minutes !== null && minutes < Number(row.min_minutes)) ||
        (row.max_minutes !== null && minutes > Number(row.max_minutes))
      )
        continue;
      let listing: Listing;
      let price: Quote;
      try {
        listing = listingOf(row);
        if (!isOpenForWindow(listing.availability, window.startsAt, window.endsAt, zone)) continue;
        price = quoteLines({ rates: listing.rates, ...window, feePercent: deps.serviceFeePercent });
      } catch (error) {
        if (isDomainError(error)) continue;
        throw error;
      }
      const property = propertyOf(
        {
          id: row.p_id,
          account_id: row.p_account_id,
          name: row.p_name,
          address: row.p_address,
          latitude: row.p_latitude,
          longitude: row.p_longitude,
          time_zone: zone,
          created_at: row.p_created_at,
          updated_at: row.p_updated_at,
        },
        [],
      );
      candidates.push({ listing, property, distanceM: Math.round(distance), ...window, price });
    }
    if (candidates.length === 0) continue;
    const holds = await holdsOverlapping(
      deps.db,
      candidates.map((c) => c.listing.id),
      Math.min(...candidates.map((c) => c.startsAt)),
      Math.max(...candidates.map((c) => c.endsAt)),
    );
    for (const c of candidates) {
      if (found.length >= MAX_SEARCH_RESULTS) break;
      if (freeCapacityOf(c.listing.capacity, holds.get(c.listing.id) ?? [], c.startsAt, c.endsAt) > 0)
        found.push(c);
    }
  }
  if (found.length === 0 && windows.size > 0 && refusals.size === windows.size) {
    throw refusals.values().next().value!;
  }
  const doors = await propertyDoorIds(
    deps.db,
    found.map((c) => c.property.id),
  );
  const quotes = signQuotes(
    deps,
    actor,
    found.map((c) => ({
      listing: c.listing,
      plan: 'hourly',
      startsAt: c.startsAt,
      endsAt: c.endsAt,
      price: c.price,
    })),
    now,
  );
  return found.map((c, i) => ({
    listing: c.listing,
    property: { ...c.property, doorIds: [...(doors.get(c.property.id) ?? [])].sort() },
    distanceM: c.distanceM,
    quote: quotes[i]!,
  }));
}

export type QuoteRequest = { starts: string; ends: string } | { plan: 'monthly'; starts: string };

/**
 * One listing's quote for `actor` (the listing page, checkout): hourly `{starts, ends}` or one month
 * of a monthly plan `{plan: 'monthly', starts}`. Refuses as booking would: an unpublished or unknown
 * listing → 404 `listing_not_found`; the window's own refusals (`invalid_time`, `duration_out_of_range`,
 * `window_in_past`, `outside_opening_hours`, `no_rate_for_window`, `no_monthly_rate`); no free capacity → 409
 * `unavailable`.
 */
export async function quoteListing(
  deps: MarketplaceDeps,
  actor: Actor,
  listingId: string,
  request: QuoteRequest,
  now: number,
): Promise<{ listing: Listing; property: Property; quote: QuoteView }> {
  const found = await findBookableListing(deps.db, listingId);
  if (found?.listing.status !== 'published') throw new BookableListingNotFound();
  const { listing, property } = found;
  const priced = priceWindow(listing, property, request, deps.serviceFeePercent, now);
  const holds = await holdsOverlapping(deps.db, [listing.id], priced.startsAt, priced.holdEnd);
  if (freeCapacityOf(listing.capacity, holds.get(listing.id) ?? [], priced.startsAt, priced.holdEnd) === 0)
    throw new Unavailable();
  const [quote] = signQuotes(deps, actor, [{ listing, ...priced }], now);
  return { listing, property, quote: quote! };
}

/** The window and price of a request (shared with booking): the checks in products.md's order. */
export function priceWindow(
  listing: Listing,
  property: Property,
  request: QuoteRequest,
  feePercent: number,
  now: number,
): { plan: 'hourly' | 'monthly'; startsAt: number; endsAt: number; holdEnd: number; price: Quote } {
  if ('plan' in request && request.plan === 'monthly') {
    const price = monthlyQuoteLines(listing.rates, feePercent);
    const startsAt = parseWindowTime(request.starts, property.timeZone, 'starts');
    // A renewing plan holds its place from the day it is booked: not years ahead of its start.
    if (startsAt > now + MAX_MONTHLY_LEAD_DAYS * 86_400_000)
      throw new MonthlyStartTooFar(MAX_MONTHLY_LEAD_DAYS);
    const endsAt = addLocalMonth(startsAt, property.timeZone);
    bookingWindow({
      starts: request.starts,
      ends: new Date(endsAt).toISOString(),
      timeZone: property.timeZone,
      minMinutes: null,
      maxMinutes: null,
      now,
    });
    // A monthly plan holds its place until it stops renewing.
    return { plan: 'monthly', startsAt, endsAt, holdEnd: Number.MAX_SAFE_INTEGER, price };
  }
  const { starts, ends } = request as { starts: string; ends: string };
  const window = bookingWindow({
    starts,
    ends,
    timeZone: property.timeZone,
    minMinutes: listing.minMinutes,
    maxMinutes: listing.maxMinutes,
    now,
  });
  if (!isOpenForWindow(listing.availability, window.startsAt, window.endsAt, property.timeZone))
    throw new OutsideOpeningHours();
  const price = quoteLines({ rates: listing.rates, ...window, feePercent });
  return { plan: 'hourly', ...window, holdEnd: window.endsAt, price };
}

/**
 * The same local wall-clock time one calendar month later in `timeZone` (Jan 31 → Feb 28/29); a
 * local time the clocks skip that day is moved an hour later.
 */
export function addLocalMonth(epochMs: number, timeZone: string): number {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const part = (type: string) => Number(local.find((p) => p.type === type)!.value);
  let year = part('year');
  let month = part('month') + 1;
  if (month === 13) {
    month = 1;
    year += 1;
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(part('day'), lastDay);
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = (hour: number) =>
    `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(part('minute'))}:${pad(part('second'))}`;
  try {
    return parseWindowTime(at(part('hour')), timeZone) + (epochMs % 1000);
  } catch {
    return parseWindowTime(at(part('hour') + 1), timeZone) + (epochMs % 1000);
  }
}

/**
 * Quotes for `actor`, as signed ids (quote-tokens.ts): nothing is written; the id carries the
 * quote, and booking checks its signature, its person and its expiry.
 */
function signQuotes(
  deps: MarketplaceDeps,
  actor: Actor,
  items: Array<{
    listing: Listing;
    plan: 'hourly' | 'monthly';
    startsAt: number;
    endsAt: number;
    price: Quote;
  }>,
  now: number,
): QuoteView[] {
  const expiresAt = now + QUOTE_TTL_MS;
  return items.map((item) => ({
    id: signQuote(deps.quoteKey, {
      listingId: item.listing.id,
      userId: actor.userId,
      plan: item.plan,
      startsAt: item.startsAt,
      endsAt: item.endsAt,
      currency: item.price.total.currency,
      amounts: item.price.lines.map((l) => l.amount.amount),
      expiresAt,
    }),
    listingId: item.listing.id,
    plan: item.plan,
    startsAt: item.startsAt,
    endsAt: item.endsAt,
    lines: [...item.price.lines],
    total: item.price.total,
    expiresAt,
  }));
}
