import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getSettings } from '../../src/accounts/settings.ts';
import { mainText } from '../helpers/account-pages.ts';
import { type Browser, formField } from '../helpers/http.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

describe('the settings page', () => {
  let app: TestApp;
  let john: Browser;
  let johnId: string;
  before(async () => {
    app = await startTestApp();
    john = app.browser();
    await app.signIn(john, JOHN);
    johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
  });
  after(() => app.close());

  async function csrf(browser = john) {
    return formField((await browser.get('/settings')).text_, 'csrf');
  }

  test('a visitor is sent to the login page, coming back to the settings', async () => {
    const page = await app.browser().get('/settings');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login?return_to=%2Fsettings');
  });

  test('shows the time zone, alerts and vehicles; the API reads what the page saved', async () => {
    const page = await john.get('/settings');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(page.text_, /<option value="America\/New_York" selected>America\/New_York<\/option>/);
    assert.match(page.text_, /name="door_open_alert" value="on" checked/);
    assert.match(mainText(page.text_), /ABC1234 NY · Blue Toyota Prius/);
    assert.match(mainText(page.text_), /No PIN set\./);

    const saved = await john.post('/settings', {
      csrf: await csrf(),
      time_zone: 'Europe/Paris',
      door_open_alert_tone: 'chime',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), '/settings?saved=settings#preferences');
    const after = await john.get(saved.headers.get('location')!);
    assert.match(after.text_, /<p class="notice" role="status">Settings saved\.<\/p>/);
    assert.match(after.text_, /<option value="Europe\/Paris" selected>/);
    assert.match(after.text_, /<option value="chime" selected>Chime<\/option>/);
    assert.doesNotMatch(after.text_, /name="door_open_alert" value="on" checked/);

    const { access_token } = await app.tokensFor({ user: JOHN });
    const settings = await app.api('/oauth/v1/endpoints/user-info', access_token, { method: 'POST' });
    assert.equal(settings.body.data.time_zone, 'Europe/Paris');
    assert.equal(settings.body.data.door_open_alert_notification_enabled, false);
    assert.equal(settings.body.data.door_open_alert_notification_tone, 'chime');

    // Back to the default zone for the other tests.
    await john.post('/settings', {
      csrf: await csrf(),
      time_zone: 'America/New_York',
      door_open_alert: 'on',
      door_open_alert_tone: 'door_open',
    });
  });

  test('an unknown time zone or tone is refused and nothing is saved', async () => {
    for (const form of [
      { time_zone: 'Mars/Olympus_Mons', door_open_alert_tone: 'door_open' },
      { time_zone: 'Europe/Paris', door_open_alert_tone: '<b>siren</b>' },
    ]) {
      const refused = await john.post('/settings', { csrf: await csrf(), ...form });
      assert.equal(refused.status, 400);
      assert.match(
        refused.text_,
        /<p class="error" role="alert">Choose (a time zone|one of the alert tones)/,
      );
      assert.doesNotMatch(refused.text_, /<b>siren/);
    }
    const settings = await getSettings(app.ctx.db, johnId, app.ctx.pinBox);
    assert.equal(settings.timeZone, 'America/New_York');
    assert.equal(settings.doorOpenAlertTone, 'door_open');
  });

  test('the PIN: 4 to 8 digits, sealed at rest, never shown, removable', async () => {
    for (const bad of ['123', '123456789', '12a4', '']) {
      const refused = await john.post('/settings/pin', { csrf: await csrf(), pin_code: bad });
      assert.equal(refused.status, 400, bad);
      assert.match(refused.text_, /The PIN is 4 to 8 digits\./);
    }
    const saved = await john.post('/settings/pin', { csrf: await csrf(), pin_code: '482916' });
    assert.equal(saved.headers.get('location'), '/settings?saved=pin#pin');
    const page = await john.get('/settings?saved=pin');
    assert.match(page.text_, /PIN saved\./);
    assert.doesNotMatch(page.text_, /482916/);
    assert.match(page.text_, /Your PIN: <span aria-label="6 digits, hidden">••••••<\/span>/);
    const row = await app.ctx.db
      .selectFrom('user_settings')
      .select('pin_code_sealed')
      .where('user_id', '=', johnId)
      .executeTakeFirstOrThrow();
    assert.ok(row.pin_code_sealed && !row.pin_code_sealed.includes('482916'));
    assert.equal((await getSettings(app.ctx.db, johnId, app.ctx.pinBox)).pinCode, '482916');
    assert.ok(!app.logs.join('').includes('482916'), 'the PIN is not logged');

    const removed = await john.post('/settings/pin/remove', { csrf: await csrf() });
    assert.equal(removed.headers.get('location'), '/settings?saved=pin_removed#pin');
    assert.equal((await getSettings(app.ctx.db, johnId, app.ctx.pinBox)).pinCode, null);
  });

  test('vehicles: add one (its plate is text, never markup), remove it', async () => {
    const plate = '"><svg/onload=1>';
    const added = await john.post('/settings/vehicles', {
      csrf: await csrf(),
      plate,
      region: 'CA',
      make: 'Tesla',
      model: 'Model 3',
      color: '"Red"',
    });
    assert.equal(added.status, 303);
    assert.equal(added.headers.get('location'), '/settings?saved=vehicle_added#vehicles');
    const page = await john.get('/settings');
    assert.doesNotMatch(page.text_, /<svg/);
    assert.ok(page.text_.includes('<strong>&quot;&gt;&lt;svg/onload=1&gt;</strong>'));
    assert.ok(page.text_.includes('aria-label="Remove &quot;&gt;&lt;svg/onload=1&gt;"'));
    assert.match(mainText(page.text_), /CA · "Red" Tesla Model 3/);

    // The profile of the API lists it.
    const { access_token } = await app.tokensFor({ user: JOHN });
    const info = await app.api('/oauth/v1/endpoints/user-info', access_token);
    assert.deepEqual(
      info.body.data.vehicles.map((v: { plate: string }) => v.plate),
      ['ABC1234', plate],
    );

    const vehicle = await app.ctx.db
      .selectFrom('vehicles')
      .select('id')
      .where('plate', '=', plate)
      .executeTakeFirstOrThrow();
    const removed = await john.post('/settings/vehicles/remove', {
      csrf: await csrf(),
      vehicle_id: vehicle.id,
    });
    assert.equal(removed.headers.get('location'), '/settings?saved=vehicle_removed#vehicles');
    assert.equal(
      await app.ctx.db.selectFrom('vehicles').select('id').where('id', '=', vehicle.id).executeTakeFirst(),
      undefined,
    );
  });

  test('a vehicle without a plate, or with one too long, is refused with what was typed kept', async () => {
    const before = await app.ctx.db
      .selectFrom('vehicles')
      .select('id')
      .where('user_id', '=', johnId)
      .execute();
    const empty = await john.post('/settings/vehicles', { csrf: await csrf(), plate: '   ', make: 'Ford' });
    assert.equal(empty.status, 400);
    assert.match(empty.text_, /The licence plate is required\./);
    assert.match(empty.text_, /id="make" name="make" type="text" maxlength="40" value="Ford"/);
    const long = await john.post('/settings/vehicles', { csrf: await csrf(), plate: 'X'.repeat(17) });
    assert.equal(long.status, 400);
    assert.match(long.text_, /The licence plate is at most 16 characters\./);
    const after = await app.ctx.db
      .selectFrom('vehicles')
      .select('id')
      .where('user_id', '=', johnId)
      .execute();
    assert.equal(after.length, before.length);
  });

  test('another person’s vehicle is not found, and stays', async () => {
    const owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
    const johns = await app.ctx.db
      .selectFrom('vehicles')
      .select('id')
      .where('user_id', '=', johnId)
      .executeTakeFirstOrThrow();
    const refused = await owner.post('/settings/vehicles/remove', {
      csrf: await csrf(owner),
      vehicle_id: johns.id,
    });
    assert.equal(refused.status, 404);
    assert.match(refused.text_, /Vehicle not found/);
    assert.ok(
      await app.ctx.db.selectFrom('vehicles').select('id').where('id', '=', johns.id).executeTakeFirst(),
    );
  });

  test('without the CSRF token nothing changes', async () => {
    const johns = await app.ctx.db
      .selectFrom('vehicles')
      .select('id')
      .where('user_id', '=', johnId)
      .executeTakeFirstOrThrow();
    for (const [path, form] of [
      ['/settings', { time_zone: 'Asia/Tokyo', door_open_alert_tone: 'door_open' }],
      ['/settings/pin', { pin_code: '1234' }],
      ['/settings/pin/remove', {}],
      ['/settings/vehicles', { plate: 'CSRF1' }],
      ['/settings/vehicles/remove', { vehicle_id: johns.id }],
    ] as const) {
      const refused = await john.post(path, { ...form });
      assert.equal(refused.status, 403, path);
    }
    const settings = await getSettings(app.ctx.db, johnId, app.ctx.pinBox);
    assert.equal(settings.timeZone, 'America/New_York');
    assert.equal(settings.pinCode, null);
    assert.ok(
      await app.ctx.db.selectFrom('vehicles').select('id').where('id', '=', johns.id).executeTakeFirst(),
    );
    assert.equal(
      await app.ctx.db.selectFrom('vehicles').select('id').where('plate', '=', 'CSRF1').executeTakeFirst(),
      undefined,
    );
  });
});
