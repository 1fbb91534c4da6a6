import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dashed, testingDoors } from '../api/access-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const API = '/oauth/v1/endpoints';

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The path and body naming the other account's door, device or person. */
  request: (ids: Ids) => { path: string; body?: unknown };
  /** The error code the 404 carries. */
  code: string;
}

interface Ids {
  lobby: string;
  garage: string;
  testDevice: string;
  johnId: string;
  /** The Test account's Admin, who holds nothing of the Production account's. */
  testOwnerId: string;
}

const DAY = 'start_date=TODAY&end_date=TODAY';

/** Every documented endpoint that names a door, a device or a person by id (spec §5.4–§5.6). */
const ROUTES: Route[] = [
  {
    name: 'toggle another account’s door',
    method: 'POST',
    request: (ids) => ({
      path: '/oauth/v1/endpoint/toggle',
      body: { door_id: ids.lobby, door_state: 'OPEN' },
    }),
    code: 'door_not_found',
  },
  {
    name: 'toggle another account’s door (dashed id, CLOSED)',
    method: 'POST',
    request: (ids) => ({
      path: `${API}/toggle`,
      body: { door_id: dashed(ids.garage), door_state: 'CLOSED' },
    }),
    code: 'door_not_found',
  },
  {
    name: 'history of another account’s door',
    method: 'GET',
    request: (ids) => ({ path: `${API}/toggle-history?${DAY}&history_type=door&door_id=${ids.lobby}` }),
    code: 'door_not_found',
  },
  {
    name: 'history of another account’s device',
    method: 'GET',
    request: (ids) => ({
      path: `${API}/toggle-history?${DAY}&history_type=device&device_id=${ids.testDevice}`,
    }),
    code: 'device_not_found',
  },
  {
    name: 'share another account’s door',
    method: 'POST',
    request: (ids) => ({
      path: `${API}/invite`,
      body: { email: 'new.person@example.com', door_ids: [ids.lobby] },
    }),
    code: 'door_not_found',
  },
  {
    name: 'share another account’s door with a person who has an account',
    method: 'POST',
    request: (ids) => ({ path: `${API}/invite`, body: { email: JOHN.email, door_ids: [ids.garage] } }),
    code: 'door_not_found',
  },
  {
    name: 'remove a person’s access to another account’s door, by id',
    method: 'DELETE',
    request: (ids) => ({ path: `${API}/invite`, body: { user_id: ids.johnId, door_ids: [ids.garage] } }),
    code: 'door_not_found',
  },
  {
    name: 'remove a person’s access to another account’s door, by email',
    method: 'DELETE',
    request: (ids) => ({ path: `${API}/invite`, body: { email: JOHN.email, door_ids: [ids.garage] } }),
    code: 'door_not_found',
  },
  {
    name: 'remove a person of another account from every door of mine',
    method: 'DELETE',
    request: (ids) => ({ path: `${API}/invite`, body: { user_id: ids.testOwnerId } }),
    code: 'not_found',
  },
];

/**
 * "Another account's anything → 404, nothing written" (products.md §0; spec §5.4–§5.6): the Admin of
 * the Production account, through a first-party app (so every endpoint is open to them), names the
 * Test account's doors, controller and people. Each call is answered 404 and leaves every table an
 * attempt could touch exactly as it was.
 */
describe("another account's ids on every documented endpoint", () => {
  let app: TestApp;
  let token: string;
  let ids: Ids;
  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
    const internal = await app.registerClient({
      name: 'ParqEx Web',
      isInternal: true,
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    token = (await app.tokensFor({ client: internal, user: PRODUCTION_OWNER, scope: 'opendoor,closedoor' }))
      .access_token;
    const doors = await testingDoors(app);
    const idOf = async (email: string) =>
      (await app.ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow())
        .id;
    ids = {
      lobby: doors.lobby.id,
      garage: doors.garage.id,
      testDevice: doors.garage.device_id,
      johnId: await idOf(JOHN.email),
      testOwnerId: await idOf(TEST_OWNER.email),
    };
  });
  after(() => app.close());

  /** Everything a refused call could have written. */
  const written = async () => {
    const db = app.ctx.db;
    return {
      history: await db.selectFrom('access_events').selectAll().orderBy('id').execute(),
      doors: await db
        .selectFrom('doors')
        .select(['id', 'state', 'moving_to', 'last_toggled', 'cooldown_until'])
        .orderBy('id')
        .execute(),
      grants: await db.selectFrom('access_grants').selectAll().orderBy('id').execute(),
      invitations: await db.selectFrom('invitations').selectAll().orderBy('id').execute(),
      mail: await db.selectFrom('dev_mailbox').select('id').orderBy('id').execute(),
      deliveries: await db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute(),
    };
  };

  for (const route of ROUTES) {
    test(`${route.method} ${route.name} → 404, nothing written`, async () => {
      const before = await written();
      const { path, body } = route.request(ids);
      const response = await app.api(path, token, {
        method: route.method,
        ...(body === undefined ? {} : { body }),
      });
      assert.equal(response.status, 404, JSON.stringify(response.body));
      assert.equal(response.body.errors[0].code, route.code);
      assert.deepEqual(await written(), before);
    });
  }

  test("sync lists none of another account's doors", async () => {
    const sync = await app.api(`${API}/sync`, token);
    assert.equal(sync.status, 200);
    const seen = sync.body.devices.flatMap((d: any) => d.doors.map((door: any) => door.id));
    assert.ok(seen.length > 0, 'the owner sees their own doors');
    assert.ok(!seen.includes(ids.lobby) && !seen.includes(ids.garage));
    assert.ok(!sync.body.devices.some((d: any) => d.id === ids.testDevice));
  });
});
