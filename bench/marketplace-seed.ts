/**
 * The Marketplace rows' data: a city of 10,000 published listings (2,500 properties of 4 listings,
 * spread over 25 km × 25 km of New York, so a 1 km circle holds about 50 listings of a dozen
 * properties; spaces and pools of various rates, each property gated by one of its owner's doors),
 * the search points, and the signed quotes the `book` row books, each once.
 *
 * The owner and the gates go through the project's services (createUser, createDevice); properties
 * and listings are bulk inserts of the rows the services write. Quotes are what search gives: signed
 * with the key the server will use (`resolveSecretKey` keeps the development key in the database,
 * where the server finds it) and priced with `quoteLines` and the server's service fee.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevice } from '../src/access/devices.ts';
import { createUser } from '../src/accounts/users.ts';
import { loadConfig } from '../src/config.ts';
import { localDate } from '../src/lib/time.ts';
import { parseWindowTime } from '../src/marketplace/booking-window.ts';
import { quoteLines, type Rates } from '../src/marketplace/pricing.ts';
import { quoteKey, signQuote } from '../src/marketplace/quote-tokens.ts';
import type { Db } from '../src/storage/schema.ts';
import { resolveSecretKey } from '../src/storage/secret-key.ts';
import { insertGenerated } from './bulk-insert.ts';
import { RandomPool } from './random-pool.ts';
import type { BenchPerson } from './seed.ts';
import { serverEnvironment } from './server.ts';

export const CITY_LISTINGS = 10_000;
const LISTINGS_PER_PROPERTY = 4;
const CITY_PROPERTIES = CITY_LISTINGS / LISTINGS_PER_PROPERTY;
const GATE_DEVICES = 20;
const GATES_PER_DEVICE = 5;
/** Midtown Manhattan; the city is a square of CITY_SIDE_M around it. */
const CENTRE = { latitude: 40.7549, longitude: -73.984 };
const CITY_SIDE_M = 25_000;
const METRES_PER_DEGREE = 111_320;
const ZONE = 'America/New_York';
export const SEARCH_RADIUS_M = 1000;
const SEARCH_POINTS = 2000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Quotes live 10 minutes (products.md §1). */
export const QUOTE_TTL_MS = 10 * 60_000;
export const BOOK_PLATE = 'BENCH01';
export const BOOK_PAYMENT_METHOD = 'pm_card_visa';

const random = new RandomPool();

/** A deterministic generator (mulberry32): the same city every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A point `east`, `north` metres from the centre. */
function offset(east: number, north: number): { latitude: number; longitude: number } {
  const latitude = CENTRE.latitude + north / METRES_PER_DEGREE;
  const cos = Math.cos((CENTRE.latitude * Math.PI) / 180);
  return { latitude, longitude: CENTRE.longitude + east / (METRES_PER_DEGREE * cos) };
}

interface CityListing {
  id: string;
  kind: 'space' | 'pool';
  capacity: number;
  rates: Rates;
}

export interface City {
  listings: CityListing[];
  properties: number;
  gates: number;
}

/** The owner account, its gates, 2,500 properties and 10,000 published listings. */
export async function seedCity(db: Db, now: number): Promise<City> {
  const rnd = seeded(20261205);
  const { accountId } = await createUser(
    db,
    {
      email: 'owner@parqex.test',
      password: 'bench-password',
      firstName: 'City',
      lastName: 'Garages',
      phone: '+1 555 0198',
      address: { line1: '2 Garage Row', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
      accountName: 'City Garages',
    },
    now,
  );
  const gates: string[] = [];
  for (let d = 0; d < GATE_DEVICES; d++)
    gates.push(...(await createDevice(db, { accountId, doorCount: GATES_PER_DEVICE }, now)).doorIds);

  const propertyIds = Array.from({ length: CITY_PROPERTIES }, () => random.hexId());
  const listings: CityListing[] = [];
  await db.transaction().execute(async (trx) => {
    await insertGenerated(trx, 'properties', CITY_PROPERTIES, (i) => {
      const at = offset((rnd() - 0.5) * CITY_SIDE_M, (rnd() - 0.5) * CITY_SIDE_M);
      return {
        id: propertyIds[i]!,
        account_id: accountId,
        name: `Garage ${i + 1}`,
        address: JSON.stringify({
          line1: `${100 + i} Bench Street`,
          line2: null,
          city: 'New York',
          region: 'NY',
          postal_code: '10001',
          country: 'US',
        }),
        latitude: at.latitude,
        longitude: at.longitude,
        time_zone: ZONE,
        created_at: now,
        updated_at: now,
      };
    });
    await insertGenerated(trx, 'property_doors', CITY_PROPERTIES, (i) => ({
      property_id: propertyIds[i]!,
      door_id: gates[i % gates.length]!,
    }));
    await insertGenerated(trx, 'listings', CITY_LISTINGS, (i) => {
      // One pool in five (5 to 40 places), the rest single spaces; $2–$8 an hour, most with a daily
      // cap, half with a monthly rate.
      const pool = rnd() < 0.2;
      const hourly = 200 + 50 * Math.floor(rnd() * 13);
      const dailyMax = rnd() < 0.7 ? hourly * (6 + Math.floor(rnd() * 4)) : null;
      const monthly = rnd() < 0.5 ? hourly * 100 : null;
      const listing: CityListing = {
        id: random.hexId(),
        kind: pool ? 'pool' : 'space',
        capacity: pool ? 5 + Math.floor(rnd() * 36) : 1,
        rates: {
          hourly: { amount: hourly, currency: 'USD' },
          dailyMax: dailyMax === null ? null : { amount: dailyMax, currency: 'USD' },
          monthly: monthly === null ? null : { amount: monthly, currency: 'USD' },
        },
      };
      listings.push(listing);
      return {
        id: listing.id,
        property_id: propertyIds[Math.floor(i / LISTINGS_PER_PROPERTY)]!,
        account_id: accountId,
        title: pool ? `Level ${(i % 4) + 1}, ${listing.capacity} places` : `Space ${i + 1}`,
        description: '',
        kind: listing.kind,
        capacity: listing.capacity,
        vehicle_size_max: 'standard' as const,
        currency: 'USD',
        hourly_rate: hourly,
        daily_max_rate: dailyMax,
        monthly_rate: monthly,
        min_minutes: rnd() < 0.3 ? 60 : null,
        max_minutes: null,
        availability: null,
        free_cancel_minutes: 60,
        status: 'published' as const,
        created_at: now,
        updated_at: now,
      };
    });
  });
  return { listings, properties: CITY_PROPERTIES, gates: gates.length };
}

/**
 * The search row's query strings, one per line: points all over the city (their circles inside it),
 * radius 1 km, 10:00 to 13:00 tomorrow, naive local times as a renter's app sends them. Plus one
 * for the check, at the centre.
 */
export function writeSearchQueries(runDir: string, now: number): { file: string; check: string } {
  const rnd = seeded(7);
  const day = localDate(now + DAY_MS, ZONE);
  const query = (p: { latitude: number; longitude: number }) =>
    new URLSearchParams({
      latitude: p.latitude.toFixed(6),
      longitude: p.longitude.toFixed(6),
      radius_m: String(SEARCH_RADIUS_M),
      starts: `${day}T10:00`,
      ends: `${day}T13:00`,
    }).toString();
  const inner = CITY_SIDE_M - 2 * SEARCH_RADIUS_M;
  const lines = Array.from({ length: SEARCH_POINTS }, () =>
    query(offset((rnd() - 0.5) * inner, (rnd() - 0.5) * inner)),
  );
  const file = join(runDir, 'search-queries.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, check: query(CENTRE) };
}

/**
 * `count` booking bodies, each of its own quote for `renter`, and one more for the check: quote k is
 * listing k mod 10,000 for the hour k div 10,000 after 10:00 the day after tomorrow (local), so no
 * two windows of one listing meet; the body agrees to the quoted total, for a plate, paid by card.
 */
export async function writeBookingBodies(
  db: Db,
  databaseUrl: string,
  city: City,
  renter: BenchPerson,
  count: number,
  runDir: string,
  now: number,
): Promise<{ file: string; check: string; expiresAt: number }> {
  // The server's own settings and key (the development key is kept in the database).
  const config = loadConfig(serverEnvironment(databaseUrl));
  const key = quoteKey(await resolveSecretKey(config, db));
  const firstStart = parseWindowTime(`${localDate(now + 2 * DAY_MS, ZONE)}T10:00`, ZONE);
  const expiresAt = now + QUOTE_TTL_MS;
  const total = count + 1;
  const slots = Math.ceil(total / city.listings.length);
  if (slots > 24 * 20) throw new Error(`too many quotes for one city: ${total}`);
  const bodies: string[] = [];
  for (let k = 0; k < total; k++) {
    const listing = city.listings[k % city.listings.length]!;
    const startsAt = firstStart + Math.floor(k / city.listings.length) * HOUR_MS;
    const endsAt = startsAt + HOUR_MS;
    const price = quoteLines({
      rates: listing.rates,
      startsAt,
      endsAt,
      feePercent: config.serviceFeePercent,
    });
    const quoteId = signQuote(key, {
      listingId: listing.id,
      userId: renter.userId,
      plan: 'hourly',
      startsAt,
      endsAt,
      currency: price.total.currency,
      amounts: price.lines.map((l) => l.amount.amount),
      expiresAt,
    });
    bodies.push(
      JSON.stringify({
        quote_id: quoteId,
        final_price: { amount: price.total.amount, currency: price.total.currency },
        plate: BOOK_PLATE,
        payment_method: BOOK_PAYMENT_METHOD,
      }),
    );
  }
  const file = join(runDir, 'booking-bodies.txt');
  writeFileSync(file, `${bodies.slice(0, count).join('\n')}\n`);
  return { file, check: bodies[count]!, expiresAt };
}
