import { createDevice } from '../access/devices.ts';
import { grantInvitationAccess } from '../access/grants.ts';
import { createUser } from '../accounts/users.ts';
import { publicHost } from '../config.ts';
import { hexId } from '../lib/crypto.ts';
import { createListing, publishListing } from '../marketplace/listings.ts';
import { createProperty } from '../marketplace/properties.ts';
import type { ClientRegistry } from '../oauth/client-registry.ts';
import { SqlOAuthStore } from '../oauth/sql-oauth-store.ts';
import type { Db } from '../storage/schema.ts';

/**
 * The testing accounts of running.md and the demo application. Created on an empty development
 * database and by `parqex demo`; never in production.
 */
export const TESTING_ACCOUNTS = [
  {
    email: 'production@parqex.com',
    password: 'parqex-production',
    firstName: 'ParqEx',
    lastName: 'Production',
    accountName: 'ParqEx Production',
  },
  {
    email: 'test@parqex.com',
    password: 'parqex-test',
    firstName: 'ParqEx',
    lastName: 'Test',
    accountName: 'ParqEx Test',
  },
] as const;

export const JOHN = {
  email: 'john.doe@parqex.com',
  password: 'parqex-john',
  firstName: 'John',
  lastName: 'Doe',
  phone: '+1 555 0100',
  address: { line1: '1 Main Street', city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
  vehicle: { plate: 'ABC1234', region: 'NY', make: 'Toyota', model: 'Prius', color: 'Blue' },
} as const;

/** running.md, testing accounts: the simulated controllers and their doors. */
export const TESTING_CONTROLLERS = [
  { owner: 'production@parqex.com', blackboxCode: '20000c2a6908848d', doors: ['Main Gate'], online: true },
  {
    owner: 'test@parqex.com',
    blackboxCode: '30000c2a691dd625',
    doors: ['Garage', 'Lobby Door', 'Elevator'],
    online: true,
  },
  { owner: 'test@parqex.com', blackboxCode: '40000c2a69aa0001', doors: ['Back Gate'], online: false },
] as const;

/**
 * running.md, testing accounts: "ParqEx Test" owns a property in Midtown Manhattan whose gate is its
 * "Garage" door, with two published listings, so search and booking work on a fresh start.
 */
export const DEMO_PROPERTY = {
  owner: 'test@parqex.com',
  name: 'ParqEx Test Garage',
  address: {
    line1: '14 West 33rd Street',
    city: 'New York',
    region: 'NY',
    postal_code: '10001',
    country: 'US',
  },
  latitude: 40.7482,
  longitude: -73.9865,
  timeZone: 'America/New_York',
  /** The gate: this door of the owner's controller. */
  gate: { blackboxCode: '30000c2a691dd625', door: 'Garage' },
} as const;

/** The demo property's listings, both published, open at all hours. */
export const DEMO_LISTINGS = [
  {
    title: 'Garage — any of 10 spaces',
    description:
      'Indoor garage on West 33rd Street, one block from the Empire State Building. Enter through the Garage gate.',
    kind: 'pool',
    capacity: 10,
    rates: {
      hourly: { amount: 600, currency: 'USD' },
      dailyMax: { amount: 3800, currency: 'USD' },
      monthly: { amount: 45000, currency: 'USD' },
    },
    freeCancelMinutes: 60,
  },
  {
    title: 'Driveway space',
    description: 'One private driveway space behind the Garage gate; compact and standard cars.',
    kind: 'space',
    capacity: 1,
    rates: {
      hourly: { amount: 400, currency: 'USD' },
      dailyMax: { amount: 2500, currency: 'USD' },
      monthly: null,
    },
    freeCancelMinutes: 60,
  },
] as const;

/** The demo application: a development client with a documented secret, for trying the flow locally. */
export const DEMO_CLIENT = {
  /** The docs' own example id, with our host. */
  idDigits: '555555555555555555',
  secret: 'parqex-demo-secret',
  name: 'ParqEx Demo App',
  callbackPath: '/demo/callback',
};

export function demoClientId(publicUrl: string): string {
  return `${DEMO_CLIENT.idDigits}.${publicHost({ publicUrl })}`;
}

export function demoRedirectUri(publicUrl: string): string {
  return `${publicUrl}${DEMO_CLIENT.callbackPath}`;
}

async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

const FIRST_SEED = 'first_seed_claimed';

/**
 * `serve` on an empty development database: seeds it, once, however many processes and hosts start
 * together. The first to insert the claim row seeds; the others see the claim (or a user) and skip.
 * A failed seed withdraws its claim so the next start tries again. True when this call seeded.
 */
export async function seedIfEmpty(
  db: Db,
  clients: ClientRegistry,
  publicUrl: string,
  now: number,
): Promise<boolean> {
  if (!(await isDatabaseEmpty(db))) return false;
  const claim = await db
    .insertInto('app_settings')
    .values({ key: FIRST_SEED, value: String(now) })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  if (claim.numInsertedOrUpdatedRows !== 1n) return false;
  try {
    await seedDemo(db, clients, publicUrl, now);
  } catch (error) {
    await db.deleteFrom('app_settings').where('key', '=', FIRST_SEED).execute();
    throw error;
  }
  return true;
}

/**
 * (Re)creates the testing accounts and the demo application: existing ones (matched by email and
 * client id) are removed first, with everything they own — the demo application's webhook
 * endpoints too, with their deliveries. Returns the ids of the webhook endpoints it deleted.
 */
export async function seedDemo(
  db: Db,
  clients: ClientRegistry,
  publicUrl: string,
  now: number,
): Promise<{ deletedWebhookEndpoints: string[] }> {
  const emails = [...TESTING_ACCOUNTS.map((a) => a.email), JOHN.email];
  const clientId = demoClientId(publicUrl);
  let deletedWebhookEndpoints: string[] = [];
  await db.transaction().execute(async (trx) => {
    // The testing accounts go whole: everyone in them, with what they authorized.
    const found = await trx.selectFrom('users').select('account_id').where('email', 'in', emails).execute();
    const accountIds = [...new Set(found.map((u) => u.account_id))];
    const userIds =
      accountIds.length === 0
        ? []
        : (await trx.selectFrom('users').select('id').where('account_id', 'in', accountIds).execute()).map(
            (u) => u.id,
          );
    const grantIds = (
      await trx
        .selectFrom('grants')
        .select('id')
        .where((eb) =>
          eb.or([eb('client_id', '=', clientId), ...(userIds.length ? [eb('user_id', 'in', userIds)] : [])]),
        )
        .execute()
    ).map((g) => g.id);
    if (grantIds.length > 0) {
      for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes'] as const) {
        await trx.deleteFrom(table).where('grant_id', 'in', grantIds).execute();
      }
      await trx.deleteFrom('grants').where('id', 'in', grantIds).execute();
    }
    await trx.deleteFrom('consents').where('client_id', '=', clientId).execute();
    await trx.deleteFrom('authorization_requests').where('client_id', '=', clientId).execute();
    if (accountIds.length > 0) {
      await trx.deleteFrom('access_events').where('account_id', 'in', accountIds).execute();
    }
    // Controllers of the testing accounts, also if they were re-registered elsewhere meanwhile.
    await trx
      .deleteFrom('devices')
      .where(
        'blackbox_code',
        'in',
        TESTING_CONTROLLERS.map((c) => c.blackboxCode),
      )
      .execute();
    if (userIds.length > 0) {
      await trx.deleteFrom('consents').where('user_id', 'in', userIds).execute();
      await trx.deleteFrom('users').where('id', 'in', userIds).execute();
      await trx.deleteFrom('accounts').where('id', 'in', accountIds).execute();
    }
    // The demo application's webhook endpoints go with it (their deliveries and attempts cascade):
    // a reset leaves no receiver of the old accounts' events. `parqex demo` says how many.
    const webhookEndpoints = await trx
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('client_id', '=', clientId)
      .orderBy('id')
      .execute();
    await trx.deleteFrom('webhook_endpoints').where('client_id', '=', clientId).execute();
    deletedWebhookEndpoints = webhookEndpoints.map((e) => e.id);
    await trx.deleteFrom('clients').where('id', '=', clientId).execute();

    const accounts = new Map<string, string>();
    const admins = new Map<string, string>();
    for (const account of TESTING_ACCOUNTS) {
      const { accountId, userId } = await createUser(trx, { ...account }, now);
      accounts.set(account.email, accountId);
      admins.set(account.email, userId);
    }
    const { userId } = await createUser(
      trx,
      {
        email: JOHN.email,
        password: JOHN.password,
        firstName: JOHN.firstName,
        lastName: JOHN.lastName,
        phone: JOHN.phone,
        address: JOHN.address,
        accountId: accounts.get('test@parqex.com')!,
      },
      now,
    );
    await trx
      .insertInto('vehicles')
      .values({ id: hexId(), user_id: userId, ...JOHN.vehicle, created_at: now })
      .execute();
    const doorsByCode = new Map<string, string[]>();
    for (const controller of TESTING_CONTROLLERS) {
      const { doorIds } = await createDevice(
        trx,
        {
          accountId: accounts.get(controller.owner)!,
          doorCount: controller.doors.length,
          blackboxCode: controller.blackboxCode,
          doorNames: [...controller.doors],
          isOnline: controller.online,
        },
        now,
      );
      doorsByCode.set(controller.blackboxCode, doorIds);
    }
    // Test account, door 3 ("Elevator") has no paired sensor: a toggle gets 428.
    await trx
      .updateTable('doors')
      .set({ has_sensor: 0 })
      .where('id', '=', doorsByCode.get('30000c2a691dd625')![2]!)
      .execute();
    // John has access to Production door 1 (he calls it "Kitty") and Test door 1 ("Garage").
    const kitty = doorsByCode.get('20000c2a6908848d')![0]!;
    const garage = doorsByCode.get('30000c2a691dd625')![0]!;
    for (const doorId of [kitty, garage]) {
      await grantInvitationAccess(trx, { doorId, userId, grantedBy: null }, now);
    }
    await trx.insertInto('door_names').values({ door_id: kitty, user_id: userId, name: 'Kitty' }).execute();
    // The Marketplace: made by the owner's Admin through the owners' own services. The accounts are
    // new (the old ones went above with their properties, listings and bookings), so a re-run
    // makes them once.
    const owner = {
      userId: admins.get(DEMO_PROPERTY.owner)!,
      accountId: accounts.get(DEMO_PROPERTY.owner)!,
      role: 'admin' as const,
    };
    const gateIndex = TESTING_CONTROLLERS.find(
      (c) => c.blackboxCode === DEMO_PROPERTY.gate.blackboxCode,
    )!.doors.indexOf(DEMO_PROPERTY.gate.door);
    const property = await createProperty(
      trx,
      owner,
      {
        name: DEMO_PROPERTY.name,
        address: DEMO_PROPERTY.address,
        latitude: DEMO_PROPERTY.latitude,
        longitude: DEMO_PROPERTY.longitude,
        timeZone: DEMO_PROPERTY.timeZone,
        doorIds: [doorsByCode.get(DEMO_PROPERTY.gate.blackboxCode)![gateIndex]!],
      },
      now,
    );
    for (const listing of DEMO_LISTINGS) {
      const created = await createListing(
        trx,
        owner,
        { ...listing, propertyId: property.id, rates: { ...listing.rates } },
        now,
      );
      await publishListing(trx, owner, created.id, now);
    }
    await clients.create(
      {
        id: clientId,
        secret: DEMO_CLIENT.secret,
        name: DEMO_CLIENT.name,
        environment: 'development',
        redirectUris: [demoRedirectUri(publicUrl), 'http://127.0.0.1/callback'],
        website: publicUrl,
        description: 'The demo application of a development server, for trying the OAuth flow.',
        contactName: 'ParqEx Support',
        contactEmail: 'support@parqex.com',
      },
      now,
      // The callback is this server's own page, whatever the scheme of PARQEX_PUBLIC_URL.
      { store: new SqlOAuthStore(trx), ownRedirectUris: true },
    );
  });
  return { deletedWebhookEndpoints };
}
