import type { Actor } from '../../src/access/actor.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** RFC 3339 UTC of an instant, as a client would send it. */
export const iso = (ms: number) => new Date(ms).toISOString();

async function actor(app: TestApp, email: string): Promise<Actor> {
  const row = await app.ctx.db
    .selectFrom('users')
    .select(['id', 'account_id', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { userId: row.id, accountId: row.account_id, role: row.role };
}

/**
 * The testing accounts as GuestParq sees them: the Test account's Admin (Garage, Lobby Door, Elevator,
 * Back Gate), John (a User of it, holding Garage and the Production account's Main Gate through
 * invitations), and the Production account's Admin (Main Gate).
 */
export async function guestWorld(app: TestApp) {
  return {
    owner: await actor(app, TEST_OWNER.email),
    john: await actor(app, JOHN.email),
    production: await actor(app, PRODUCTION_OWNER.email),
    doors: await testingDoors(app),
  };
}

/** Every row GuestParq and the grants keep, counted: "nothing written" is these numbers unchanged. */
export async function guestRowCounts(app: TestApp) {
  const count = async (table: 'guest_passes' | 'guest_pass_doors' | 'access_grants' | 'webhook_deliveries') =>
    Number(
      (
        await app.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    passes: await count('guest_passes'),
    passDoors: await count('guest_pass_doors'),
    grants: await count('access_grants'),
    deliveries: await count('webhook_deliveries'),
  };
}

export const GUEST = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
