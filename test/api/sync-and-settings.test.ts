import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { updateSettings } from '../../src/accounts/settings.ts';
import { isTimeZone } from '../../src/lib/time.ts';
import { PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { testingDoors } from './access-fixtures.ts';

const DEVICE_FIELDS = [
  'active',
  'blackbox_code',
  'bluetooth_mac_address',
  'bluetooth_onboard',
  'doors',
  'id',
  'last_contact',
  'number_of_entities_controlled',
  'online',
  'owner_first_name',
  'owner_last_name',
  'registered',
  'software_version',
  'time_before_door_open_alert',
];
const DOOR_FIELDS = [
  'active',
  'bluetooth_sensor',
  'bluetooth_sensor_battery_level',
  'bluetooth_sensor_mac_address',
  'door_auto_close_delay',
  'door_auto_close_enabled',
  'door_sensor_paired',
  'entity_number',
  'id',
  'image',
  'last_toggled',
  'light',
  'name',
  'sensor',
  'state',
  'user_relationship',
];

describe('Get User Devices — sync (spec §5.3)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('John sees "Kitty" (Has Access) on the Production controller and "Garage" on the Test one, nothing else', async () => {
    const token = (await app.tokensFor()).access_token;
    const response = await app.api('/oauth/v1/endpoints/sync', token);
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.equal(typeof response.body.timestamp, 'number');
    const devices = response.body.devices;
    assert.deepEqual(
      devices.map((d: any) => [
        d.blackbox_code,
        d.doors.map((door: any) => [door.name, door.user_relationship]),
      ]),
      [
        ['20000c2a6908848d', [['Kitty', 'Has Access']]],
        ['30000c2a691dd625', [['Garage', 'Has Access']]],
      ],
    );
    const [production, test] = devices;
    assert.deepEqual(Object.keys(production).sort(), DEVICE_FIELDS);
    assert.deepEqual(Object.keys(production.doors[0]).sort(), DOOR_FIELDS);
    assert.match(production.id, /^[0-9a-f]{32}$/);
    assert.match(production.doors[0].id, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      {
        active: production.active,
        registered: production.registered,
        owner: `${production.owner_first_name} ${production.owner_last_name}`,
        count: production.number_of_entities_controlled,
        online: production.online,
      },
      { active: true, registered: true, owner: 'ParqEx Production', count: 1, online: true },
    );
    assert.equal(test.number_of_entities_controlled, 3, 'the real count, not only the doors John sees');
    assert.match(production.last_contact, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const door = production.doors[0];
    assert.deepEqual(
      {
        entity_number: door.entity_number,
        state: door.state,
        sensor: door.sensor,
        light: door.light,
        image: door.image,
        bluetooth_sensor_mac_address: door.bluetooth_sensor_mac_address,
      },
      {
        entity_number: 1,
        state: 'CLOSED',
        sensor: false,
        light: false,
        image: '',
        bluetooth_sensor_mac_address: '000000000000',
      },
    );
    // The promised sections beside the documented `devices`.
    assert.equal(response.body.profile.email, 'john.doe@parqex.com');
    assert.deepEqual(response.body.marketplace, { bookings: [], listings: [] }, 'a User: no listings');
    assert.equal(response.body.access.doors.length, 2);
  });

  test('the owner sees every door of the account as Owner, the offline controller as such', async () => {
    const token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    const response = await app.api('/oauth/v1/endpoints/sync', token);
    assert.deepEqual(
      response.body.devices.map((d: any) => [
        d.blackbox_code,
        d.online,
        d.doors.map((x: any) => `${x.name}:${x.user_relationship}`),
      ]),
      [
        ['30000c2a691dd625', true, ['Garage:Owner', 'Lobby Door:Owner', 'Elevator:Owner']],
        ['40000c2a69aa0001', false, ['Back Gate:Owner']],
      ],
    );
    const elevator = response.body.devices[0].doors[2];
    assert.equal(elevator.door_sensor_paired, false);
  });

  test('names are per person: the Production owner calls John\'s "Kitty" "Main Gate"', async () => {
    const token = (await app.tokensFor({ user: PRODUCTION_OWNER })).access_token;
    const response = await app.api('/oauth/v1/endpoints/sync', token);
    assert.deepEqual(
      response.body.devices.flatMap((d: any) => d.doors.map((x: any) => `${x.name}:${x.user_relationship}`)),
      ['Main Gate:Owner'],
    );
  });

  test('every spelling, GET and POST (the documented headers include a JSON content type)', async () => {
    const token = (await app.tokensFor()).access_token;
    for (const path of [
      '/oauth/v1/endpoints/sync',
      '/api/oauth/v1/endpoints/sync/',
      '/oauth/v1/endpoint/sync',
    ]) {
      for (const method of ['GET', 'POST']) {
        const response = await app.api(path, token, { method });
        assert.equal(response.status, 200, `${method} ${path}`);
        assert.equal(response.body.devices.length, 2);
      }
    }
  });

  test("times are shown in the person's time zone", async () => {
    const token = (await app.tokensFor()).access_token;
    const { garage } = await testingDoors(app);
    const at = Date.UTC(2026, 6, 1, 12, 0, 0); // 12:00 UTC on 1 July
    await app.ctx.db.updateTable('doors').set({ last_toggled: at }).where('id', '=', garage.id).execute();
    const lastToggled = async () =>
      (await app.api('/oauth/v1/endpoints/sync', token)).body.devices[1].doors[0].last_toggled;
    assert.equal(await lastToggled(), '2026-07-01 08:00:00', 'America/New_York by default (EDT)');
    const john = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'john.doe@parqex.com')
      .executeTakeFirstOrThrow();
    await updateSettings(app.ctx.db, john.id, { timeZone: 'Asia/Tokyo' }, app.ctx.pinBox, isTimeZone);
    assert.equal(await lastToggled(), '2026-07-01 21:00:00');
  });
});

describe('Get User Settings — POST user-info (spec §5.2)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  const PIN = '73915502';

  test('the documented fields with their defaults', async () => {
    const token = (await app.tokensFor()).access_token;
    const response = await app.api('/oauth/v1/endpoints/user-info', token, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.equal(response.body.success, true);
    assert.deepEqual(response.body.data, {
      door_open_alert_notification_enabled: true,
      door_open_alert_notification_tone: 'door_open',
      time_zone: 'America/New_York',
      pin_code: null,
    });
  });

  test('the PIN comes back to its owner only, and is stored encrypted', async () => {
    app.remember(PIN);
    const john = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'john.doe@parqex.com')
      .executeTakeFirstOrThrow();
    await updateSettings(
      app.ctx.db,
      john.id,
      { pinCode: PIN, doorOpenAlertEnabled: false, doorOpenAlertTone: 'chime' },
      app.ctx.pinBox,
      isTimeZone,
    );
    const johns = await app.api('/api/oauth/v1/endpoints/user-info/', (await app.tokensFor()).access_token, {
      method: 'POST',
    });
    assert.deepEqual(johns.body.data, {
      door_open_alert_notification_enabled: false,
      door_open_alert_notification_tone: 'chime',
      time_zone: 'America/New_York',
      pin_code: PIN,
    });
    const owners = await app.api(
      '/oauth/v1/endpoints/user-info',
      (await app.tokensFor({ user: TEST_OWNER })).access_token,
      {
        method: 'POST',
      },
    );
    assert.equal(owners.body.data.pin_code, null);
    const stored = JSON.stringify(await app.ctx.db.selectFrom('user_settings').selectAll().execute());
    assert.ok(!stored.includes(PIN), 'the PIN is sealed at rest');
  });

  test('settings refuse a bad time zone or PIN', async () => {
    const john = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'john.doe@parqex.com')
      .executeTakeFirstOrThrow();
    await assert.rejects(
      updateSettings(app.ctx.db, john.id, { timeZone: 'Mars/Olympus' }, app.ctx.pinBox, isTimeZone),
      /not an IANA time zone/,
    );
    await assert.rejects(
      updateSettings(app.ctx.db, john.id, { pinCode: '12' }, app.ctx.pinBox, isTimeZone),
      /4 to 8 digits/,
    );
  });

  test('without a token: 401 in the error envelope', async () => {
    const response = await app.api('/oauth/v1/endpoints/user-info', undefined, { method: 'POST' });
    assert.equal(response.status, 401);
    assert.equal(response.body.errors[0].code, 'invalid_token');
  });
});
