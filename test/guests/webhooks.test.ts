import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setPermissions } from '../../src/accounts/permissions.ts';
import { createPass, endDuePasses, revokePass } from '../../src/guests/passes.ts';
import { PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

const compact = (id: string) => id.replace(/-/g, '').toLowerCase();
const utc = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('guest pass webhooks, field by field', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  let endpoints: { all: string; doorOnly: string; production: string; openDoorOnly: string };

  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    now = Math.floor(app.ctx.clock.now() / 1000) * 1000 + 500; // half a second: eventOccurred floors it
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const other = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const openDoorApp = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const made = async (clientId: string, families: ('guests' | 'management' | 'door')[]) =>
      (await app.ctx.webhooks.create({ clientId, url: 'http://127.0.0.1:9/hook', families }, now)).endpoint
        .id;
    endpoints = {
      all: await made(client.id, ['guests', 'management']),
      doorOnly: await made(client.id, ['door']),
      production: await made(other.id, ['guests', 'management']),
      openDoorOnly: await made(openDoorApp.id, ['guests']),
    };
    // John also authorizes a third app, with OPENDOOR only: it hears no guest pass.
    await app.tokensFor({ client: openDoorApp, scope: 'opendoor' });
    // John and the Test account's Admin authorize the first app; the Production Admin the other.
    await app.tokensFor({ client, scope: 'opendoor,guests' });
    await app.tokensFor({ client, user: TEST_OWNER, scope: 'opendoor,guests' });
    await app.tokensFor({ client: other, user: PRODUCTION_OWNER, scope: 'guests' });
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
  });
  after(() => app.close());

  const deliveries = (eventType: string) =>
    app.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'endpoint_id', 'user_id', 'event_type', 'payload', 'event_at'])
      .where('event_type', '=', eventType)
      .orderBy('user_id')
      .execute();

  test('guest_pass_created and guest_pass_revoked go to the apps of the host and of the Admin, once each', async () => {
    const starts = now + HOUR;
    const ends = now + 3 * HOUR;
    const { pass } = await createPass(
      app.ctx,
      w.john,
      {
        guest: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
        plate: 'GH 1906',
        starts: iso(starts),
        ends: iso(ends),
        doorIds: [w.doors.garage.id],
      },
      now,
    );
    const created = await deliveries('guest_pass_created');
    assert.deepEqual(
      created.map((d) => [d.endpoint_id, d.user_id]),
      [
        [endpoints.all, w.john.userId],
        [endpoints.all, w.owner.userId],
      ].sort((a, b) => a[1]!.localeCompare(b[1]!)),
      'the host’s and the Admin’s: not the door-only endpoint, not another account’s app, not an app without GUESTS',
    );
    for (const d of created) {
      assert.deepEqual(JSON.parse(d.payload), {
        id: d.id,
        eventType: 'guest_pass_created',
        guestPassID: pass.id,
        hostUserID: compact(w.john.userId),
        guest: { firstName: 'Grace', lastName: 'Hopper' },
        plate: 'GH 1906',
        doorIDs: [w.doors.garage.id],
        startsAtUTC: new Date(starts).toISOString(),
        endsAtUTC: new Date(ends).toISOString(),
        bookingID: null,
        eventOccurred: Math.floor(now / 1000),
        eventOccurredUTC: utc(now),
      });
      assert.match(d.id, /^[0-9A-F]{32}$/);
    }

    await revokePass(app.ctx, w.owner, pass.id, now + MINUTE);
    const revoked = await deliveries('guest_pass_revoked');
    assert.equal(revoked.length, 2);
    for (const d of revoked) {
      const body = JSON.parse(d.payload);
      assert.equal(body.eventType, 'guest_pass_revoked');
      assert.equal(body.guestPassID, pass.id);
      assert.equal(body.eventOccurred, Math.floor((now + MINUTE) / 1000));
      assert.equal(body.endsAtUTC, new Date(ends).toISOString(), 'the window as it was given');
    }
  });

  test('the pass’s door access list: user and vehicle added when made, removed when revoked', async () => {
    const [pass] = (await app.ctx.db.selectFrom('guest_passes').select('id').execute()).map((r) => r.id);
    for (const [eventType, at] of [
      ['access_list_user_added', now],
      ['access_list_vehicle_added', now],
      ['access_list_user_removed', now + MINUTE],
      ['access_list_vehicle_removed', now + MINUTE],
    ] as const) {
      const found = await deliveries(eventType);
      // The Garage's Admin and John (who holds the Garage himself) authorized the app.
      assert.deepEqual(
        found.map((d) => d.user_id),
        [w.john.userId, w.owner.userId].sort(),
        eventType,
      );
      for (const d of found) {
        const body = JSON.parse(d.payload);
        const expected = {
          id: d.id,
          eventType,
          doorID: w.doors.garage.id,
          deviceID: w.doors.garage.device_id,
          ...(eventType.includes('vehicle')
            ? { vehicle: { id: null, plate: 'GH 1906', region: null, make: null, model: null, color: null } }
            : {}),
          user: { firstName: 'Grace', lastName: 'Hopper', emailAddress: 'grace@example.com' },
          guestPassID: pass,
          eventOccurred: Math.floor(at / 1000),
          eventOccurredUTC: utc(at),
        };
        assert.deepEqual(body, expected, eventType);
      }
    }
  });

  test('a pass whose window closes tells `…_removed` once, at its end, whichever process sweeps first', async () => {
    const ends = now + 2 * HOUR;
    const { pass } = await createPass(
      app.ctx,
      w.owner,
      { guest: { firstName: 'Ada', lastName: 'Lovelace' }, ends: iso(ends), doorIds: [w.doors.lobby.id] },
      now,
    );
    const removed = async () =>
      (await deliveries('access_list_user_removed')).filter(
        (d) => JSON.parse(d.payload).guestPassID === pass.id,
      );
    assert.equal(await endDuePasses(app.ctx.db, ends - 1), 0, 'not yet');
    assert.equal((await removed()).length, 0);
    const [a, b] = await Promise.all([
      endDuePasses(app.ctx.db, ends + 5000),
      endDuePasses(app.ctx.db, ends + 6000),
    ]);
    assert.equal(a! + b!, 1, 'told once');
    const told = await removed();
    // The Lobby: only its Admin can see it; no plate, so no vehicle event.
    assert.deepEqual(
      told.map((d) => d.user_id),
      [w.owner.userId],
    );
    assert.equal(JSON.parse(told[0]!.payload).eventOccurred, Math.floor(ends / 1000), 'when it ended');
    assert.equal(
      (await deliveries('access_list_vehicle_removed')).filter(
        (d) => JSON.parse(d.payload).guestPassID === pass.id,
      ).length,
      0,
    );
    assert.equal(
      await endDuePasses(app.ctx.db, ends + 10 * HOUR),
      0,
      'revoked and told passes are not told again',
    );
    assert.equal((await deliveries('guest_pass_revoked')).length, 2, 'expiry is not a revocation');
  });
});
