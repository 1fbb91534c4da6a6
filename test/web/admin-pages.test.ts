import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { doorCard, doorIdByName, eventsOf, mainText } from '../helpers/account-pages.ts';
import { type Browser, formField } from '../helpers/http.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const INSTANT = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };

/** A form with a repeated field (checkboxes): the test browser's form goes through URLSearchParams, which takes pairs. */
function postPairs(browser: Browser, path: string, pairs: [string, string][]) {
  return browser.request(path, { method: 'POST', form: pairs as unknown as Record<string, string> });
}

/** The markup of one element by its id, up to the end of its list item. */
function item(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `no element ${id} on the page`);
  return page.slice(start, page.indexOf('</li>', start));
}

describe('the Admin pages', () => {
  let app: TestApp;
  let john: Browser;
  let owner: Browser;
  let production: Browser;
  before(async () => {
    app = await startTestApp({ env: INSTANT });
    john = app.browser();
    await app.signIn(john, JOHN);
    owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
    production = app.browser();
    await app.signIn(production, PRODUCTION_OWNER);
  });
  after(() => app.close());

  const token = async (browser: Browser, path = '/doors') =>
    formField((await browser.get(path)).text_, 'csrf');

  async function deviceIdOf(doorName: string): Promise<string> {
    const row = await app.ctx.db
      .selectFrom('doors')
      .select('device_id')
      .where('name', '=', doorName)
      .executeTakeFirstOrThrow();
    return row.device_id;
  }

  async function door(name: string) {
    return app.ctx.db.selectFrom('doors').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  }

  test('a visitor is sent to the login page; a User gets 403 on every Admin page and form', async () => {
    const visitor = await app.browser().get('/admin');
    assert.equal(visitor.status, 303);
    assert.equal(visitor.headers.get('location'), '/login?return_to=%2Fadmin');
    for (const path of ['/admin', '/admin/sharing']) {
      const page = await john.get(path);
      assert.equal(page.status, 403, path);
      assert.match(page.text_, /Only the Admin of your account can use this page\./);
    }
    const garage = await doorIdByName(app, 'Garage');
    const csrf = await token(john);
    for (const [path, form] of [
      ['/admin/doors/api', { door_id: garage, enabled: '0' }],
      ['/admin/simulator', { door_id: garage, sensor: '0' }],
      ['/admin/simulator', { device_id: await deviceIdOf('Garage'), online: '0' }],
      ['/admin/sharing/invite', { email: 'friend@example.com', door_id: garage }],
      ['/admin/sharing/remove', { email: JOHN.email }],
    ] as const) {
      const refused = await john.post(path, { csrf, ...form });
      assert.equal(refused.status, 403, path);
    }
    const row = await door('Garage');
    assert.equal(row.is_api_enabled, 1);
    assert.equal(row.has_sensor, 1);
    assert.equal(
      await app.ctx.db.selectFrom('invitations').select('id').executeTakeFirst(),
      undefined,
      'no invitation was made',
    );
  });

  test('devices and doors: every controller of the account with its doors and simulator state', async () => {
    const page = await owner.get('/admin');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.match(page.text_, /<a href="\/admin" aria-current="page">Admin<\/a>/);
    assert.match(page.text_, /<main class="wide">/);
    const main = item(page.text_, `device-${await deviceIdOf('Garage')}`);
    assert.match(mainText(main), /Controller 30000c2a691dd625 Online Simulated controller · 3 doors/);
    const back = item(page.text_, `device-${await deviceIdOf('Back Gate')}`);
    assert.match(mainText(back), /Controller 40000c2a69aa0001 Offline/);
    assert.match(back, />Bring online</);
    const elevator = item(page.text_, `door-${await doorIdByName(app, 'Elevator')}`);
    assert.match(
      mainText(elevator),
      /Elevator door 3 · Closed Applications: on No door sensor Opens and closes/,
    );
    assert.doesNotMatch(page.text_, /Main Gate|20000c2a6908848d/);
  });

  test('the applications switch: a door turned off vanishes from the API, yet still opens from the page', async () => {
    const garage = await doorIdByName(app, 'Garage');
    const { access_token } = await app.tokensFor({ user: JOHN });
    const syncedDoors = async () => {
      const sync = await app.api('/oauth/v1/endpoints/sync', access_token);
      assert.equal(sync.status, 200);
      return sync.body.devices.flatMap((d: { doors: { id: string }[] }) => d.doors.map((x) => x.id));
    };
    assert.ok((await syncedDoors()).includes(garage));

    const off = await owner.post('/admin/doors/api', {
      csrf: await token(owner),
      door_id: garage,
      enabled: '0',
    });
    assert.equal(off.status, 303);
    const device = await deviceIdOf('Garage');
    assert.equal(off.headers.get('location'), `/admin?device=${device}&saved=api_off#door-${garage}`);
    const page = await owner.get(off.headers.get('location')!);
    assert.match(item(page.text_, `device-${device}`), /Applications no longer see this door/);
    assert.match(mainText(item(page.text_, `door-${garage}`)), /Applications: off/);
    assert.equal((await door('Garage')).is_api_enabled, 0);

    assert.ok(!(await syncedDoors()).includes(garage));
    const viaApi = await app.api('/oauth/v1/endpoint/toggle', access_token, {
      body: { door_id: garage, door_state: 'OPEN' },
    });
    assert.equal(viaApi.status, 404);
    // ParqEx's own pages are not an application: John still opens it there.
    const pressed = await john.post('/doors/toggle', {
      csrf: await token(john),
      door_id: garage,
      state: 'OPEN',
    });
    assert.match(
      (await john.get(pressed.headers.get('location')!)).text_,
      /Done: Garage was asked to open\./,
    );

    await owner.post('/admin/doors/api', { csrf: await token(owner), door_id: garage, enabled: '1' });
    assert.ok((await syncedDoors()).includes(garage));
    await john.post('/doors/toggle', { csrf: await token(john), door_id: garage, state: 'CLOSED' });
  });

  test('the simulator: online/offline, sensor, refused actions and the door’s state take effect at once', async () => {
    const csrf = await token(owner);
    const backGate = await doorIdByName(app, 'Back Gate');
    const backDevice = await deviceIdOf('Back Gate');
    const online = await owner.post('/admin/simulator', { csrf, device_id: backDevice, online: '1' });
    assert.equal(
      online.headers.get('location'),
      `/admin?device=${backDevice}&saved=online#device-${backDevice}`,
    );
    const pressBackGate = await owner.post('/doors/toggle', { csrf, door_id: backGate, state: 'OPEN' });
    assert.match(
      (await owner.get(pressBackGate.headers.get('location')!)).text_,
      /Done: Back Gate was asked to open\./,
    );
    await owner.post('/admin/simulator', { csrf, device_id: backDevice, online: '0' });
    const offline = await owner.get(
      (await owner.post('/doors/toggle', { csrf, door_id: backGate, state: 'CLOSED' })).headers.get(
        'location',
      )!,
    );
    assert.match(
      doorCard(offline.text_, backGate)!,
      /Back Gate could not be reached: its controller is offline\./,
    );

    const elevator = await doorIdByName(app, 'Elevator');
    await owner.post('/admin/simulator', { csrf, door_id: elevator, sensor: '1' });
    assert.equal((await door('Elevator')).has_sensor, 1);
    const paired = await owner.post('/doors/toggle', { csrf, door_id: elevator, state: 'OPEN' });
    assert.match(
      (await owner.get(paired.headers.get('location')!)).text_,
      /Done: Elevator was asked to open\./,
    );
    await owner.post('/admin/simulator', { csrf, door_id: elevator, sensor: '0' });
    assert.equal((await door('Elevator')).has_sensor, 0);

    const lobby = await doorIdByName(app, 'Lobby Door');
    const refused = await owner.post('/admin/simulator', { csrf, door_id: lobby, unsupported: 'open' });
    assert.equal(
      refused.headers.get('location'),
      `/admin?device=${await deviceIdOf('Lobby Door')}&saved=unsupported#door-${lobby}`,
    );
    const notImplemented = await owner.get(
      (await owner.post('/doors/toggle', { csrf, door_id: lobby, state: 'OPEN' })).headers.get('location')!,
    );
    assert.match(
      doorCard(notImplemented.text_, lobby)!,
      /Lobby Door cannot be asked to open: its controller does not support that\./,
    );
    const adminPage = await owner.get('/admin');
    assert.match(mainText(item(adminPage.text_, `door-${lobby}`)), /Cannot open/);
    assert.match(item(adminPage.text_, `door-${lobby}`), /<option value="open" selected>Open<\/option>/);
    await owner.post('/admin/simulator', { csrf, door_id: lobby, unsupported: 'none' });
    const lobbyRow = await door('Lobby Door');
    assert.deepEqual([lobbyRow.can_open, lobbyRow.can_close], [1, 1]);

    // Moved by hand: the state changes and the sensor reports it to the history.
    const before = (await eventsOf(app, lobby)).length;
    await owner.post('/admin/simulator', { csrf, door_id: lobby, state: 'OPEN' });
    assert.equal((await door('Lobby Door')).state, 'OPEN');
    const reported = (await eventsOf(app, lobby)).slice(before);
    assert.deepEqual(
      reported.map((e) => [e.channel, e.door_state, e.outcome, e.user_id]),
      [['Door Sensor', 'OPEN', 'sensor', null]],
    );
    await owner.post('/admin/simulator', { csrf, door_id: lobby, state: 'CLOSED' });
  });

  test('another account’s controller or door is not found, and nothing changes', async () => {
    const csrf = await token(production);
    const garage = await doorIdByName(app, 'Garage');
    const device = await deviceIdOf('Garage');
    for (const [path, form] of [
      ['/admin/doors/api', { door_id: garage, enabled: '0' }],
      ['/admin/simulator', { door_id: garage, sensor: '0' }],
      ['/admin/simulator', { door_id: garage, state: 'OPEN' }],
      ['/admin/simulator', { device_id: device, online: '0' }],
      ['/admin/sharing/invite', { email: 'friend@example.com', door_id: garage }],
      ['/admin/sharing/remove', { user_id: '00000000-0000-0000-0000-000000000000' }],
    ] as const) {
      const refused = await production.post(path, { csrf, ...form });
      assert.equal(refused.status, 404, `${path} ${JSON.stringify(form)}`);
    }
    // John has access to Garage, but the production owner cannot take it away.
    const johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
    const theirs = await production.post('/admin/sharing/remove', { csrf, user_id: johnId, door_id: garage });
    assert.equal(theirs.status, 404);
    const row = await door('Garage');
    assert.deepEqual([row.is_api_enabled, row.has_sensor, row.state], [1, 1, 'CLOSED']);
    const garageDevice = await app.ctx.db
      .selectFrom('devices')
      .select('is_online')
      .where('id', '=', device)
      .executeTakeFirstOrThrow();
    assert.equal(garageDevice.is_online, 1);
    assert.ok(
      await app.ctx.db
        .selectFrom('access_grants')
        .select('user_id')
        .where('door_id', '=', garage)
        .where('user_id', '=', johnId)
        .where('ends_at', 'is', null)
        .executeTakeFirst(),
    );
  });

  test('without the CSRF token nothing changes', async () => {
    const garage = await doorIdByName(app, 'Garage');
    for (const [path, form] of [
      ['/admin/doors/api', { door_id: garage, enabled: '0' }],
      ['/admin/simulator', { door_id: garage, sensor: '0' }],
      ['/admin/sharing/invite', { email: 'friend@example.com', door_id: garage }],
      ['/admin/sharing/remove', { email: JOHN.email }],
    ] as const) {
      assert.equal((await owner.post(path, { ...form })).status, 403, path);
    }
    const row = await door('Garage');
    assert.deepEqual([row.is_api_enabled, row.has_sensor], [1, 1]);
  });

  test('sharing: John’s doors are listed; a person with an account gets access at once, and it can be removed', async () => {
    const page = await owner.get('/admin/sharing');
    assert.equal(page.status, 200);
    assert.match(page.text_, /<a href="\/admin\/sharing" aria-current="page">Sharing<\/a>/);
    assert.match(mainText(page.text_), /People with access John Doe john\.doe@parqex\.com Garage since/);
    assert.match(mainText(page.text_), /No invitation is waiting\./);

    const lobby = await doorIdByName(app, 'Lobby Door');
    const elevator = await doorIdByName(app, 'Elevator');
    const shared = await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: ' Production@ParqEx.com ',
      door_id: lobby,
    });
    assert.equal(shared.status, 303);
    assert.equal(shared.headers.get('location'), '/admin/sharing?done=granted#people');
    const sharedPage = await owner.get(shared.headers.get('location')!);
    assert.match(sharedPage.text_, /Shared: they can use these doors now, and were told by email\./);
    assert.match(mainText(sharedPage.text_), /ParqEx Production production@parqex\.com Lobby Door since/);
    const theirDoors = await production.get('/doors');
    assert.match(mainText(doorCard(theirDoors.text_, lobby)!), /Lobby Door Has Access/);

    const productionId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', PRODUCTION_OWNER.email)
        .executeTakeFirstOrThrow()
    ).id;
    const removed = await owner.post('/admin/sharing/remove', {
      csrf: await token(owner),
      user_id: productionId.replace(/-/g, '').toUpperCase(),
      door_id: lobby,
    });
    assert.equal(removed.headers.get('location'), '/admin/sharing?done=removed#people');
    assert.equal(doorCard((await production.get('/doors')).text_, lobby), undefined);
    assert.equal(
      (
        await production.post('/doors/toggle', {
          csrf: await token(production),
          door_id: lobby,
          state: 'OPEN',
        })
      ).status,
      404,
    );

    // Twice: nothing left to remove.
    const again = await owner.post('/admin/sharing/remove', {
      csrf: await token(owner),
      user_id: productionId,
      door_id: lobby,
    });
    assert.equal(again.status, 404);

    // Two doors, then every door at once.
    await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: PRODUCTION_OWNER.email,
      door_id: lobby,
    });
    const twoDoors = await postPairs(owner, '/admin/sharing/invite', [
      ['csrf', await token(owner)],
      ['email', PRODUCTION_OWNER.email],
      ['door_id', lobby],
      ['door_id', elevator],
    ]);
    assert.equal(twoDoors.status, 303);
    const listed = await owner.get('/admin/sharing');
    assert.match(listed.text_, /aria-label="Remove production@parqex\.com from every door"/);
    await owner.post('/admin/sharing/remove', { csrf: await token(owner), user_id: productionId });
    const none = await app.ctx.db
      .selectFrom('access_grants')
      .select('door_id')
      .where('user_id', '=', productionId)
      .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', Date.now())]))
      .execute();
    assert.deepEqual(none, []);
  });

  test('sharing with someone new: a pending invitation with its doors, a sign-up email, withdrawable', async () => {
    const garage = await doorIdByName(app, 'Garage');
    const lobby = await doorIdByName(app, 'Lobby Door');
    const response = await postPairs(owner, '/admin/sharing/invite', [
      ['csrf', await token(owner)],
      ['email', 'New.Person@example.com'],
      ['door_id', garage],
      ['door_id', lobby],
    ]);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/sharing?done=invited#invitations');

    const page = await owner.get('/admin/sharing?done=invited');
    assert.match(page.text_, /Invitation sent: access starts when they sign up\./);
    assert.match(
      mainText(page.text_),
      /Pending invitations new\.person@example\.com Garage, Lobby Door · sent/,
    );
    const mail = await app.ctx.db
      .selectFrom('dev_mailbox')
      .selectAll()
      .where('to_address', '=', 'new.person@example.com')
      .execute();
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.body_text, /\/signup\?invitation=/);

    const withdrawn = await owner.post('/admin/sharing/remove', {
      csrf: await token(owner),
      email: 'new.person@example.com',
    });
    assert.equal(withdrawn.status, 303);
    assert.match(mainText((await owner.get('/admin/sharing')).text_), /No invitation is waiting\./);
  });

  test('an invitation without a valid email or a door is refused, with what was typed kept as text', async () => {
    const garage = await doorIdByName(app, 'Garage');
    const evil = '<script>alert(1)</script>@example.com';
    const badEmail = await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: evil,
      door_id: garage,
    });
    assert.equal(badEmail.status, 400);
    assert.match(badEmail.text_, /<p class="error" role="alert">Enter an email address\.<\/p>/);
    assert.doesNotMatch(badEmail.text_, /<script/);
    assert.ok(badEmail.text_.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;@example.com"'));
    assert.match(badEmail.text_, new RegExp(`name="door_id" value="${garage}" checked`));

    const noDoor = await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: 'friend@example.com',
    });
    assert.equal(noDoor.status, 400);
    assert.match(noDoor.text_, /Choose at least one door to share\./);

    const yourself = await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: TEST_OWNER.email,
      door_id: garage,
    });
    assert.equal(yourself.status, 400);
    assert.match(yourself.text_, /You already have every door of your account\./);

    const mainGate = await doorIdByName(app, 'Main Gate');
    const notOurs = await owner.post('/admin/sharing/invite', {
      csrf: await token(owner),
      email: 'friend@example.com',
      door_id: mainGate,
    });
    assert.equal(notOurs.status, 404);
    assert.equal(
      await app.ctx.db
        .selectFrom('invitations')
        .select('id')
        .where('email', '=', 'friend@example.com')
        .executeTakeFirst(),
      undefined,
    );
  });
});
