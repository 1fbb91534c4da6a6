import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { dashed, historyOf, testingDoors } from './access-fixtures.ts';

const MALFORMED = 'Error communicating with ParqEx Controller. Malformed Request. (400)';

describe('Toggle Access Point (spec §5.4)', () => {
  let app: TestApp;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let john: string;
  let owner: string;
  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
    doors = await testingDoors(app);
    john = (await app.tokensFor()).access_token;
    owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
  });
  after(() => app.close());

  const toggle = (token: string, body: unknown, path = '/oauth/v1/endpoint/toggle') =>
    app.api(path, token, { body });

  test('done: 200 with the documented body; the attempt and the sensor report are in the history', async () => {
    const response = await toggle(john, { door_id: doors.garage.id, door_state: 'OPEN' });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body).sort(), ['message', 'success', 'timestamp']);
    assert.equal(response.body.success, true);
    assert.equal(response.body.message, '200');
    const events = await historyOf(app, doors.garage.id);
    const [attempt, sensor] = events.slice(-2);
    assert.equal(attempt!.channel, 'ParqEx Demo App');
    assert.equal(attempt!.was_success, 1);
    assert.equal(attempt!.door_state, 'OPEN');
    assert.equal(sensor!.channel, 'Door Sensor');
    assert.equal(sensor!.user_id, null);
    const sync = await app.api('/oauth/v1/endpoints/sync', john);
    const garage = sync.body.devices.flatMap((d: any) => d.doors).find((d: any) => d.id === doors.garage.id);
    assert.equal(garage.state, 'OPEN');
    assert.match(garage.last_toggled, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  test('asking an open door to open is accepted and changes nothing', async () => {
    await toggle(john, { door_id: doors.garage.id, door_state: 'OPEN' });
    const before = (await historyOf(app, doors.garage.id)).length;
    const again = await toggle(john, { door_id: doors.garage.id, door_state: 'OPEN' });
    assert.equal(again.status, 200);
    const added = (await historyOf(app, doors.garage.id)).slice(before);
    assert.deepEqual(
      added.map((e) => e.channel),
      ['ParqEx Demo App'],
      'no sensor report: the door did not move',
    );
  });

  test('every documented spelling of the path, and both id forms', async () => {
    for (const path of [
      '/oauth/v1/endpoint/toggle',
      '/oauth/v1/endpoints/toggle',
      '/api/oauth/v1/endpoint/toggle',
      '/api/oauth/v1/endpoints/toggle/',
    ]) {
      const response = await toggle(john, { door_id: dashed(doors.garage.id), door_state: 'CLOSED' }, path);
      assert.equal(response.status, 200, path);
    }
  });

  test('the controller outcomes, each recorded with was_success false', async () => {
    const cases: [string, number, RegExp][] = [
      [
        doors.backGate.id,
        503,
        /^Sorry, your ParqEx Controller can't be found\. Please unplug the ParqEx Controller/,
      ],
      [
        doors.elevator.id,
        428,
        /requires pairing a door sensor before the request can be processed\. \(428\)$/,
      ],
    ];
    for (const [doorId, status, message] of cases) {
      const response = await toggle(owner, { door_id: doorId, door_state: 'OPEN' });
      assert.equal(response.status, status);
      assert.equal(response.body.success, false);
      assert.match(response.body.message, message);
      assert.equal(typeof response.body.errors[0].code, 'string');
      const [last] = (await historyOf(app, doorId)).slice(-1);
      assert.equal(last!.was_success, 0);
    }
    await app.ctx.db.updateTable('doors').set({ can_close: 0 }).where('id', '=', doors.lobby.id).execute();
    const unsupported = await toggle(owner, { door_id: doors.lobby.id, door_state: 'CLOSED' });
    assert.equal(unsupported.status, 501);
    assert.equal(
      unsupported.body.message,
      'Error communicating with ParqEx Controller. Not Implemented error. (501)',
    );
    assert.equal((await historyOf(app, doors.lobby.id)).at(-1)!.outcome, 'unsupported');
  });

  test('bad input: 400 with the documented message and a clear error; nothing recorded', async () => {
    const before = (await app.ctx.db.selectFrom('access_events').select('id').execute()).length;
    const bodies: [unknown, RegExp][] = [
      ['{"door_id": ', /JSON/i],
      [{ door_state: 'OPEN' }, /door_id is required/],
      [{ door_id: doors.garage.id, door_state: 'open' }, /door_state must be "OPEN" or "CLOSED"/],
      [{ door_id: doors.garage.id }, /door_state must be/],
      [{ door_id: 42, door_state: 'OPEN' }, /door_id must be a door id/],
      [{ door_id: 'not-an-id', door_state: 'OPEN' }, /door_id must be a door id/],
      [[doors.garage.id, 'OPEN'], /JSON object/],
    ];
    for (const [body, detail] of bodies) {
      const response = await toggle(john, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(response.body.success, false);
      assert.equal(response.body.message, MALFORMED);
      assert.equal(response.body.errors[0].code, 'invalid_request');
      assert.match(response.body.errors[0].message, detail);
    }
    assert.equal((await app.ctx.db.selectFrom('access_events').select('id').execute()).length, before);
  });

  test("isolation: doors not shared with you, another account's doors, unknown ids — all 404", async () => {
    const production = (await app.tokensFor({ user: PRODUCTION_OWNER })).access_token;
    for (const [token, doorId] of [
      [john, doors.lobby.id],
      [john, doors.backGate.id],
      [production, doors.garage.id],
      [owner, doors.mainGate.id],
      [john, '0123456789abcdef0123456789abcdef'],
    ] as const) {
      const before = (await historyOf(app, doorId)).length;
      const response = await toggle(token, { door_id: doorId, door_state: 'OPEN' });
      assert.equal(response.status, 404);
      assert.equal(response.body.errors[0].code, 'door_not_found');
      assert.equal((await historyOf(app, doorId)).length, before, 'nothing written to their history');
    }
  });

  test('a door its owner did not open to applications is not found for them', async () => {
    await app.ctx.db
      .updateTable('doors')
      .set({ is_api_enabled: 0 })
      .where('id', '=', doors.mainGate.id)
      .execute();
    try {
      const response = await toggle(john, { door_id: doors.mainGate.id, door_state: 'OPEN' });
      assert.equal(response.status, 404);
      const sync = await app.api('/oauth/v1/endpoints/sync', john);
      assert.ok(!JSON.stringify(sync.body.devices).includes(doors.mainGate.id));
    } finally {
      await app.ctx.db
        .updateTable('doors')
        .set({ is_api_enabled: 1 })
        .where('id', '=', doors.mainGate.id)
        .execute();
    }
  });

  test('without a valid token: 401', async () => {
    const response = await toggle('nope', { door_id: doors.garage.id, door_state: 'OPEN' });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
  });
});

describe('toggle scopes', () => {
  let app: TestApp;
  let garage: string;
  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
    garage = (await testingDoors(app)).garage.id;
  });
  after(() => app.close());

  test('a token with only OPENDOOR can open but not close (403 insufficient_scope, recorded)', async () => {
    const token = (await app.tokensFor({ scope: 'opendoor' })).access_token;
    assert.equal(
      (await app.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: garage, door_state: 'OPEN' } }))
        .status,
      200,
    );
    const close = await app.api('/oauth/v1/endpoint/toggle', token, {
      body: { door_id: garage, door_state: 'CLOSED' },
    });
    assert.equal(close.status, 403);
    assert.match(
      close.headers.get('www-authenticate') ?? '',
      /error="insufficient_scope".*scope="CLOSEDOOR"/,
    );
    assert.equal(close.body.errors[0].code, 'insufficient_scope');
    const last = (await historyOf(app, garage)).at(-1)!;
    assert.equal(last.outcome, 'insufficient_scope');
    assert.equal(last.was_success, 0);
  });

  test('a token with neither scope can read but not toggle', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const token = (await app.tokensFor({ client, scope: '' })).access_token;
    assert.equal((await app.api('/oauth/v1/endpoints/sync', token)).status, 200);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', token)).status, 200);
    for (const door_state of ['OPEN', 'CLOSED']) {
      const response = await app.api('/oauth/v1/endpoint/toggle', token, {
        body: { door_id: garage, door_state },
      });
      assert.equal(response.status, 403);
    }
  });
});

describe('the per-door cooldown', () => {
  test('fifty simultaneous toggles of one door: one accepted, the rest 429 with Retry-After; history agrees', async () => {
    const app = await startTestApp({
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '20' },
    });
    try {
      const { garage } = await testingDoors(app);
      const token = (await app.tokensFor()).access_token;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          app.api('/oauth/v1/endpoint/toggle', token, {
            body: { door_id: garage.id, door_state: i % 2 ? 'OPEN' : 'CLOSED' },
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      const refused = results.filter((r) => r.status === 429);
      assert.equal(refused.length, 49);
      for (const r of refused) {
        const wait = Number(r.headers.get('retry-after'));
        assert.ok(wait >= 1 && wait <= 20, `Retry-After ${wait}`);
        assert.equal(r.body.errors[0].code, 'door_cooldown');
      }
      const attempts = (await historyOf(app, garage.id)).filter((e) => e.channel !== 'Door Sensor');
      assert.equal(attempts.length, 50);
      assert.equal(attempts.filter((e) => e.was_success === 1).length, 1);
      assert.equal(attempts.filter((e) => e.outcome === 'cooldown').length, 49);
    } finally {
      await app.close();
    }
  });

  test('after the cooldown the door can be toggled again; a failed command does not hold it', async () => {
    const clock = new ManualClock();
    const app = await startTestApp({
      clock,
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '20' },
    });
    try {
      const { garage, backGate } = await testingDoors(app);
      const john = (await app.tokensFor()).access_token;
      const owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
      const open = (token: string, id: string) =>
        app.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: id, door_state: 'OPEN' } });
      assert.equal((await open(john, garage.id)).status, 200);
      clock.advance(19_000);
      const early = await open(john, garage.id);
      assert.equal(early.status, 429);
      assert.equal(early.headers.get('retry-after'), '1');
      clock.advance(1_000);
      assert.equal((await open(john, garage.id)).status, 200);
      // The offline controller never moved the door, so its cooldown is released.
      assert.equal((await open(owner, backGate.id)).status, 503);
      assert.equal((await open(owner, backGate.id)).status, 503);
    } finally {
      await app.close();
    }
  });
});

describe('the simulated door travels before its sensor reports', () => {
  test('the state changes only when the door arrives, then a Door Sensor event is recorded once', async () => {
    const clock = new ManualClock();
    const app = await startTestApp({
      clock,
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '3000', PARQEX_TOGGLE_COOLDOWN_S: '0' },
    });
    try {
      const { garage } = await testingDoors(app);
      const token = (await app.tokensFor()).access_token;
      const state = async () =>
        (
          await app.ctx.db
            .selectFrom('doors')
            .select('state')
            .where('id', '=', garage.id)
            .executeTakeFirstOrThrow()
        ).state;
      assert.equal(
        (
          await app.api('/oauth/v1/endpoint/toggle', token, {
            body: { door_id: garage.id, door_state: 'OPEN' },
          })
        ).status,
        200,
      );
      assert.equal(await state(), 'CLOSED');
      clock.advance(2_999);
      assert.deepEqual(await app.ctx.simulator.deliverArrivals(clock.now()), []);
      assert.equal(await state(), 'CLOSED');
      clock.advance(1);
      const [moved] = await Promise.all([
        app.ctx.simulator.deliverArrivals(clock.now()),
        app.ctx.simulator.deliverArrivals(clock.now()),
      ]);
      assert.equal(await state(), 'OPEN');
      const sensorEvents = (await historyOf(app, garage.id)).filter((e) => e.channel === 'Door Sensor');
      assert.equal(sensorEvents.length, 1, 'reported once, however many deliverers ran');
      assert.ok(moved.length <= 1);
    } finally {
      await app.close();
    }
  });
});
