import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testingDoors } from '../api/access-fixtures.ts';
import { startTestApp, TEST_OWNER } from '../helpers/test-app.ts';

test('sharing a door and taking it back are management events for the app the Admin authorized', async () => {
  const app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
  try {
    const { lobby } = await testingDoors(app);
    const client = await app.registerClient({
      isInternal: true,
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    await app.ctx.webhooks.create(
      { clientId: client.id, url: 'http://127.0.0.1:9/hook', families: ['management'] },
      Date.now(),
    );
    const owner = (await app.tokensFor({ client, user: TEST_OWNER })).access_token;
    const invite = await app.api('/oauth/v1/endpoints/invite', owner, {
      body: { email: 'john.doe@parqex.com', door_ids: [lobby.id] },
    });
    assert.equal(invite.status, 200, JSON.stringify(invite.body));
    const removal = await app.api('/oauth/v1/endpoints/invite', owner, {
      method: 'DELETE',
      body: { email: 'john.doe@parqex.com', door_ids: [lobby.id] },
    });
    assert.equal(removal.status, 200, JSON.stringify(removal.body));

    const deliveries = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'event_type', 'payload'])
      .orderBy('created_at')
      .orderBy('event_type')
      .execute();
    assert.deepEqual(
      deliveries.map((d) => d.event_type),
      ['access_list_user_added', 'access_list_user_removed'],
    );
    for (const d of deliveries) {
      const payload = JSON.parse(d.payload);
      assert.equal(payload.id, d.id);
      assert.match(payload.id, /^[0-9A-F]{32}$/);
      assert.equal(payload.doorID, lobby.id);
      assert.equal(payload.deviceID, lobby.device_id);
      assert.deepEqual(payload.user, {
        firstName: 'John',
        lastName: 'Doe',
        emailAddress: 'john.doe@parqex.com',
      });
      assert.equal(
        payload.eventOccurredUTC,
        new Date(payload.eventOccurred * 1000).toISOString().replace('.000Z', 'Z'),
      );
    }
  } finally {
    await app.close();
  }
});

test("a vehicle added to or removed from a profile is a management event for that person's apps only", async () => {
  const app = await startTestApp();
  try {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    await app.ctx.webhooks.create(
      { clientId: client.id, url: 'http://127.0.0.1:9/hook', families: ['management'] },
      Date.now(),
    );
    await app.tokensFor({ client }); // John authorizes the app; the owner does not
    const john = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'john.doe@parqex.com')
      .executeTakeFirstOrThrow();
    const owner = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'test@parqex.com')
      .executeTakeFirstOrThrow();
    const { addVehicle, removeVehicle } = await import('../../src/accounts/vehicles.ts');
    const vehicle = { plate: 'XYZ 987', region: 'NJ', make: 'Ford', model: 'Focus', color: 'Red' };
    const id = await addVehicle(app.ctx.db, john.id, vehicle, Date.now());
    await addVehicle(app.ctx.db, owner.id, { ...vehicle, plate: 'OWNER 1' }, Date.now());
    assert.equal(await removeVehicle(app.ctx.db, john.id, id, Date.now()), true);

    const deliveries = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['event_type', 'user_id', 'payload'])
      .orderBy('created_at')
      .orderBy('event_type')
      .execute();
    assert.deepEqual(
      deliveries.map((d) => [d.event_type, d.user_id]),
      [
        ['access_list_vehicle_added', john.id],
        ['access_list_vehicle_removed', john.id],
      ],
    );
    const added = JSON.parse(deliveries[0]!.payload);
    assert.deepEqual(added.vehicle, {
      id,
      plate: 'XYZ 987',
      region: 'NJ',
      make: 'Ford',
      model: 'Focus',
      color: 'Red',
    });
    assert.equal(added.user.emailAddress, 'john.doe@parqex.com');
  } finally {
    await app.close();
  }
});
