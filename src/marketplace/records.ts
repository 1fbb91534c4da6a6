import type { Selectable } from 'kysely';
import { type Money, money } from '../lib/money.ts';
import type { Database, DbOrTrx } from '../storage/schema.ts';
import { type Availability, validateAvailability } from './opening-hours.ts';
import type { PriceLine, Rates } from './pricing.ts';

/**
 * The Marketplace's records as the rest of the room sees them (products.md §1), and the one mapping
 * from their rows. Times are epoch milliseconds (UTC); money is `Money` (integer minor units).
 */

/** A property's postal address (products.md §1 `address{…}`). */
export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

export interface Property {
  id: string;
  accountId: string;
  name: string;
  address: Address;
  latitude: number;
  longitude: number;
  /** IANA zone: naive times of its listings are read in it, `_local` outputs are written in it. */
  timeZone: string;
  /** The account's doors that are its gates, sorted. */
  doorIds: string[];
  createdAt: number;
  updatedAt: number;
}

export type ListingKind = 'space' | 'pool';
export type VehicleSize = 'compact' | 'standard' | 'oversize';
export type ListingStatus = 'draft' | 'published' | 'unpublished';
export const VEHICLE_SIZES: readonly VehicleSize[] = ['compact', 'standard', 'oversize'];
export const LISTING_STATUSES: readonly ListingStatus[] = ['draft', 'published', 'unpublished'];

export interface Listing {
  id: string;
  propertyId: string;
  accountId: string;
  title: string;
  description: string;
  kind: ListingKind;
  /** 1 for a space. */
  capacity: number;
  vehicleSizeMax: VehicleSize;
  currency: string;
  rates: Rates;
  minMinutes: number | null;
  maxMinutes: number | null;
  /** null: open at all times. */
  availability: Availability | null;
  freeCancelMinutes: number;
  status: ListingStatus;
  createdAt: number;
  updatedAt: number;
}

export type BookingStatus = 'confirmed' | 'cancelled' | 'completed';
export type BookingPlan = 'hourly' | 'monthly';

/** A booking as its renter and its owner see it (a `pending` row is never shown). */
export interface Booking {
  id: string;
  status: BookingStatus;
  plan: BookingPlan;
  listingId: string;
  propertyId: string;
  /** The owner's account. */
  accountId: string;
  /** The renter. */
  userId: string;
  startsAt: number;
  endsAt: number;
  /** The property's zone, for the `_local` fields. */
  timeZone: string;
  plate: string;
  vehicleId: string | null;
  passCode: string;
  order: { id: string; total: Money; status: 'paid' | 'refunded' };
  /** Monthly: when the next month is charged; null when it will not renew. */
  renewsAt: number | null;
  createdAt: number;
  cancelledAt: number | null;
}

/** A quote as search and the listing page give it (products.md §1: valid 10 minutes). */
export interface QuoteView {
  id: string;
  listingId: string;
  plan: BookingPlan;
  startsAt: number;
  endsAt: number;
  lines: PriceLine[];
  total: Money;
  expiresAt: number;
}

export const QUOTE_TTL_MS = 10 * 60_000;

/** An order with what it costs (lines) and what moved (payments). total = the sum of its lines. */
export interface Order {
  id: string;
  bookingId: string;
  userId: string;
  status: 'paid' | 'refunded';
  total: Money;
  lines: Array<{
    kind: 'parking' | 'service_fee';
    label: string;
    amount: Money;
    periodStartsAt: number;
    periodEndsAt: number;
  }>;
  payments: Array<{
    id: string;
    kind: 'charge' | 'refund';
    amount: Money;
    processor: string;
    createdAt: number;
  }>;
  createdAt: number;
}

/** Who acts: the bearer's or the session's person. */
export interface Actor {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
}

/** A keyset page (products.md §0: `limit` default 50, max 200; `next_cursor` null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface PageRequest {
  limit: number;
  cursor: string | null;
}

export function propertyOf(row: Selectable<Database['properties']>, doorIds: readonly string[]): Property {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    address: JSON.parse(row.address) as Address,
    latitude: Number(row.latitude),
    longitude: Number(row.longitude),
    timeZone: row.time_zone,
    doorIds: [...doorIds].sort(),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The gates of each property, by property id (one query). */
export async function propertyDoorIds(
  db: DbOrTrx,
  propertyIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(propertyIds.map((id) => [id, []]));
  if (propertyIds.length === 0) return result;
  const rows = await db
    .selectFrom('property_doors')
    .select(['property_id', 'door_id'])
    .where('property_id', 'in', [...new Set(propertyIds)])
    .execute();
  for (const row of rows) result.get(row.property_id)?.push(row.door_id);
  return result;
}

function rate(amount: number | null, currency: string): Money | null {
  return amount === null ? null : money(Number(amount), currency);
}

export function listingOf(row: Selectable<Database['listings']>): Listing {
  return {
    id: row.id,
    propertyId: row.property_id,
    accountId: row.account_id,
    title: row.title,
    description: row.description,
    kind: row.kind,
    capacity: Number(row.capacity),
    vehicleSizeMax: row.vehicle_size_max,
    currency: row.currency,
    rates: {
      hourly: rate(row.hourly_rate, row.currency),
      dailyMax: rate(row.daily_max_rate, row.currency),
      monthly: rate(row.monthly_rate, row.currency),
    },
    minMinutes: row.min_minutes === null ? null : Number(row.min_minutes),
    maxMinutes: row.max_minutes === null ? null : Number(row.max_minutes),
    // Stored as its wire form (availabilityToWire), checked when written.
    availability: row.availability === null ? null : validateAvailability(JSON.parse(row.availability)),
    freeCancelMinutes: Number(row.free_cancel_minutes),
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
