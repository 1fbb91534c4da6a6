import { hexId } from '../../src/lib/crypto.ts';
import type { MarketplaceDeps } from '../../src/marketplace/deps.ts';
import { SimulatedProcessor } from '../../src/marketplace/payments/simulated-processor.ts';
import { quoteKey } from '../../src/marketplace/quote-tokens.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import type { Db, DbOrTrx } from '../../src/storage/schema.ts';

/**
 * Marketplace rows for service-level tests, inserted directly (the owner's services are another
 * branch's; switch to them once merged). Money in minor units; times epoch ms.
 */

export async function actorOf(db: DbOrTrx, email: string): Promise<Actor> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'account_id', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { userId: user.id, accountId: user.account_id, role: user.role };
}

/** The doors of an account (the seed gives the Test account Garage, Lobby Door, Elevator, Back Gate). */
export async function accountDoorIds(db: DbOrTrx, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select('d.id')
    .where('v.account_id', '=', accountId)
    .orderBy('d.id')
    .execute();
  return rows.map((r) => r.id);
}

export interface PropertyFixture {
  accountId: string;
  name?: string;
  latitude?: number;
  longitude?: number;
  timeZone?: string;
  doorIds?: string[];
}

export async function insertProperty(db: DbOrTrx, input: PropertyFixture, now = Date.now()): Promise<string> {
  const id = hexId();
  await db
    .insertInto('properties')
    .values({
      id,
      account_id: input.accountId,
      name: input.name ?? 'Elm Street Garage',
      address: JSON.stringify({
        line1: '12 Elm Street',
        line2: null,
        city: 'New York',
        region: 'NY',
        postal_code: '10001',
        country: 'US',
      }),
      latitude: input.latitude ?? 40.7506,
      longitude: input.longitude ?? -73.9935,
      time_zone: input.timeZone ?? 'America/New_York',
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const doorId of input.doorIds ?? []) {
    await db.insertInto('property_doors').values({ property_id: id, door_id: doorId }).execute();
  }
  return id;
}

export interface ListingFixture {
  propertyId: string;
  accountId: string;
  kind?: 'space' | 'pool';
  capacity?: number;
  currency?: string;
  hourly?: number | null;
  dailyMax?: number | null;
  monthly?: number | null;
  minMinutes?: number | null;
  maxMinutes?: number | null;
  /** The wire `availability`, or null (always open). */
  availability?: object | null;
  freeCancelMinutes?: number;
  status?: 'draft' | 'published' | 'unpublished';
}

export async function insertListing(db: DbOrTrx, input: ListingFixture, now = Date.now()): Promise<string> {
  const id = hexId();
  const kind = input.kind ?? 'space';
  await db
    .insertInto('listings')
    .values({
      id,
      property_id: input.propertyId,
      account_id: input.accountId,
      title: kind === 'space' ? 'Covered space 12' : 'Level 2',
      description: '',
      kind,
      capacity: input.capacity ?? 1,
      vehicle_size_max: 'standard',
      currency: input.currency ?? 'USD',
      hourly_rate: input.hourly === undefined ? 400 : input.hourly,
      daily_max_rate: input.dailyMax === undefined ? 2500 : input.dailyMax,
      monthly_rate: input.monthly === undefined ? 30000 : input.monthly,
      min_minutes: input.minMinutes ?? null,
      max_minutes: input.maxMinutes ?? null,
      availability: input.availability ? JSON.stringify(input.availability) : null,
      free_cancel_minutes: input.freeCancelMinutes ?? 60,
      status: input.status ?? 'published',
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Services' dependencies over `db` with a fresh simulated processor (its replays are per instance). */
export function marketplaceDeps(db: Db, overrides: Partial<MarketplaceDeps> = {}): MarketplaceDeps {
  return {
    db,
    clock: { now: () => Date.now() },
    payments: new SimulatedProcessor(),
    serviceFeePercent: 10,
    quoteKey: quoteKey("the marketplace tests' server key"),
    bookingGraceMs: 15 * 60_000,
    ...overrides,
  };
}

/** How many rows each marketplace table holds (for "nothing written"). */
export async function marketplaceCounts(db: DbOrTrx): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'bookings',
    'orders',
    'order_lines',
    'payments',
    'access_grants',
    'webhook_deliveries',
  ] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** An app (its client) the person authorized, with an endpoint subscribed to `marketplace`. */
export async function subscribeToMarketplace(
  db: DbOrTrx,
  clientId: string,
  userIds: string[],
  now: number,
): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({
      id: hexId(),
      client_id: clientId,
      url: 'https://hooks.example.com/parqex',
      event_families: 'marketplace',
      api_key_sealed: 'x',
      signing_secret_sealed: 'x',
      created_at: now,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      last_success_at: null,
    })
    .execute();
  for (const userId of userIds) {
    await db
      .insertInto('consents')
      .values({ user_id: userId, client_id: clientId, scopes: 'BOOKINGS', granted_at: now, revoked_at: null })
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
      .execute();
  }
}
