import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordAccessEvent, WEB_CHANNEL } from '../../src/access/access-events.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { doorIdByName, mainText } from '../helpers/account-pages.ts';
import { type Browser, formField } from '../helpers/http.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

// 2025-06-10 14:00 UTC = 10:00 in New York (the default time zone).
const START = Date.UTC(2025, 5, 10, 14, 0, 0);

/** The history page's events, as the text of each row. */
function rows(page: string): string[] {
  const list = /<ul class="rows history">([\s\S]*?)<\/ul>/.exec(page)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => mainText(m[1]!));
}

async function press(browser: Browser, doorId: string, state: 'OPEN' | 'CLOSED') {
  const page = await browser.get('/doors');
  const answer = await browser.post('/doors/toggle', {
    csrf: formField(page.text_, 'csrf'),
    door_id: doorId,
    state,
  });
  assert.equal(answer.status, 303);
}

describe('the history page', () => {
  const clock = new ManualClock(START);
  let app: TestApp;
  let john: Browser;
  let owner: Browser;
  let garage: string;

  before(async () => {
    // Doors take 1 s to move; the test delivers the sensor reports itself (no background work).
    app = await startTestApp({
      clock,
      env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '1000' },
    });
    john = app.browser();
    await app.signIn(john, JOHN);
    owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
    garage = await doorIdByName(app, 'Garage');
    // 10:00 John opens Garage from the page; 10:00:01 its sensor reports it open;
    // 10:05 the owner closes it; 10:05:01 the sensor reports it closed.
    await press(john, garage, 'OPEN');
    clock.advance(1000);
    await app.ctx.simulator.deliverArrivals(clock.now());
    clock.advance(299_000);
    await press(owner, garage, 'CLOSED');
    clock.advance(1000);
    await app.ctx.simulator.deliverArrivals(clock.now());
    clock.advance(60_000);
  });
  after(() => app.close());

  test('a visitor is sent to the login page, coming back to the history', async () => {
    const page = await app.browser().get('/history?show=mine');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login?return_to=%2Fhistory');
  });

  test('by default: my own actions of the last seven days, newest first, in my time zone', async () => {
    const page = await john.get('/history');
    assert.equal(page.status, 200);
    assert.match(page.text_, /<a href="\/history" aria-current="page">History<\/a>/);
    assert.match(page.text_, /name="from" type="date" value="2025-06-04"/);
    assert.match(page.text_, /name="to" type="date" value="2025-06-10"/);
    assert.deepEqual(rows(page.text_), [
      `John Doe asked Garage to open 2025-06-10 10:00:00 · ${WEB_CHANNEL} Done`,
    ]);
    assert.match(mainText(page.text_), /times in America\/New_York/);
  });

  test('one door: the sensor’s reports and my actions — never another person’s on a shared door', async () => {
    const page = await john.get(`/history?from=2025-06-10&to=2025-06-10&show=door:${garage}`);
    assert.equal(page.status, 200);
    assert.match(page.text_, new RegExp(`<option value="door:${garage}" selected>Door: Garage</option>`));
    assert.deepEqual(rows(page.text_), [
      'Garage closed 2025-06-10 10:05:01 · Door Sensor Done',
      'Garage opened 2025-06-10 10:00:01 · Door Sensor Done',
      `John Doe asked Garage to open 2025-06-10 10:00:00 · ${WEB_CHANNEL} Done`,
    ]);
  });

  test('the Admin sees everyone’s events on the account’s doors, by controller too', async () => {
    const page = await owner.get(`/history?from=2025-06-10&to=2025-06-10&show=door:${garage}`);
    assert.deepEqual(rows(page.text_), [
      'Garage closed 2025-06-10 10:05:01 · Door Sensor Done',
      `ParqEx Test asked Garage to close 2025-06-10 10:05:00 · ${WEB_CHANNEL} Done`,
      'Garage opened 2025-06-10 10:00:01 · Door Sensor Done',
      `John Doe asked Garage to open 2025-06-10 10:00:00 · ${WEB_CHANNEL} Done`,
    ]);
    const device = await app.ctx.db
      .selectFrom('doors')
      .select('device_id')
      .where('id', '=', garage)
      .executeTakeFirstOrThrow();
    const byController = await owner.get(
      `/history?from=2025-06-10&to=2025-06-10&show=device:${device.device_id}`,
    );
    assert.equal(rows(byController.text_).length, 4);
    assert.match(byController.text_, /Controller 30000c2a691dd625 \(3 doors\)/);
  });

  test('the Admin first sees everything on every door of the account; a User, only their own', async () => {
    const page = await owner.get('/history');
    assert.match(page.text_, /<option value="all" selected>Everything I may see, every door<\/option>/);
    assert.deepEqual(rows(page.text_), [
      'Garage closed 2025-06-10 10:05:01 · Door Sensor Done',
      `ParqEx Test asked Garage to close 2025-06-10 10:05:00 · ${WEB_CHANNEL} Done`,
      'Garage opened 2025-06-10 10:00:01 · Door Sensor Done',
      `John Doe asked Garage to open 2025-06-10 10:00:00 · ${WEB_CHANNEL} Done`,
    ]);
    // John asking for everything still sees nobody else's actions on the shared Garage.
    const johns = await john.get('/history?show=all');
    assert.deepEqual(rows(johns.text_), [
      'Garage closed 2025-06-10 10:05:01 · Door Sensor Done',
      'Garage opened 2025-06-10 10:00:01 · Door Sensor Done',
      `John Doe asked Garage to open 2025-06-10 10:00:00 · ${WEB_CHANNEL} Done`,
    ]);
  });

  test('a failed attempt is listed as failed', async () => {
    const backGate = await doorIdByName(app, 'Back Gate');
    await press(owner, backGate, 'OPEN');
    const page = await owner.get(`/history?show=door:${backGate}`);
    assert.deepEqual(rows(page.text_), [
      `ParqEx Test asked Back Gate to open 2025-06-10 10:06:01 · ${WEB_CHANNEL} Failed`,
    ]);
  });

  test('days outside the range are left out; an end before the start is explained', async () => {
    const earlier = await john.get(`/history?from=2025-06-01&to=2025-06-09&show=door:${garage}`);
    assert.equal(earlier.status, 200);
    assert.deepEqual(rows(earlier.text_), []);
    assert.match(mainText(earlier.text_), /Nothing happened in these days\./);

    const backwards = await john.get('/history?from=2025-06-10&to=2025-06-01&show=mine');
    assert.equal(backwards.status, 400);
    assert.match(
      backwards.text_,
      /<p class="error" role="alert">The end date 2025-06-01 is before the start date 2025-06-10\.<\/p>/,
    );
    const nonsense = await john.get('/history?from=2025-02-30&to=2025-06-01&show=mine');
    assert.equal(nonsense.status, 400);
    const badShow = await john.get('/history?show=everything');
    assert.equal(badShow.status, 400);
    assert.match(badShow.text_, /Choose what to show from the list\./);
  });

  test('another account’s door or controller, or a door not shared with me, is not found', async () => {
    const lobby = await doorIdByName(app, 'Lobby Door');
    const notShared = await john.get(`/history?show=door:${lobby}`);
    assert.equal(notShared.status, 404);
    assert.doesNotMatch(notShared.text_, /Lobby Door/);
    const production = app.browser();
    await app.signIn(production, PRODUCTION_OWNER);
    assert.equal((await production.get(`/history?show=door:${garage}`)).status, 404);
    const device = await app.ctx.db
      .selectFrom('doors')
      .select('device_id')
      .where('id', '=', garage)
      .executeTakeFirstOrThrow();
    assert.equal((await production.get(`/history?show=device:${device.device_id}`)).status, 404);
  });

  test('pages of 25, older ones through the link, back to the newest', async () => {
    const kitty = await doorIdByName(app, 'Main Gate');
    const door = await app.ctx.db
      .selectFrom('doors as d')
      .innerJoin('devices as v', 'v.id', 'd.device_id')
      .select(['v.id as device_id', 'v.account_id'])
      .where('d.id', '=', kitty)
      .executeTakeFirstOrThrow();
    const johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
    // 30 attempts on 2025-06-09, a minute apart, from 08:00 New York time.
    for (let i = 0; i < 30; i++) {
      await recordAccessEvent(app.ctx.db, {
        accountId: door.account_id,
        deviceId: door.device_id,
        doorId: kitty,
        userId: johnId,
        clientId: null,
        channel: 'Some App',
        doorState: i % 2 === 0 ? 'OPEN' : 'CLOSED',
        outcome: 'done',
        occurredAt: Date.UTC(2025, 5, 9, 12, i),
      });
    }
    const first = await john.get(`/history?from=2025-06-09&to=2025-06-09&show=door:${kitty}`);
    const firstRows = rows(first.text_);
    assert.equal(firstRows.length, 25);
    assert.equal(firstRows[0], 'John Doe asked Kitty to close 2025-06-09 08:29:00 · Some App Done');
    assert.equal(firstRows[24], 'John Doe asked Kitty to close 2025-06-09 08:05:00 · Some App Done');
    assert.doesNotMatch(first.text_, />Newest</);
    const older = /<a href="([^"]+)" rel="next">Older events<\/a>/.exec(first.text_)?.[1];
    assert.ok(older, 'a link to older events');

    const second = await john.get(older.replace(/&amp;/g, '&'));
    assert.equal(second.status, 200);
    assert.deepEqual(rows(second.text_), [
      'John Doe asked Kitty to open 2025-06-09 08:04:00 · Some App Done',
      'John Doe asked Kitty to close 2025-06-09 08:03:00 · Some App Done',
      'John Doe asked Kitty to open 2025-06-09 08:02:00 · Some App Done',
      'John Doe asked Kitty to close 2025-06-09 08:01:00 · Some App Done',
      'John Doe asked Kitty to open 2025-06-09 08:00:00 · Some App Done',
    ]);
    assert.doesNotMatch(second.text_, /Older events/);
    assert.match(
      second.text_,
      new RegExp(
        `<a href="/history\\?from=2025-06-09&amp;to=2025-06-09&amp;show=door%3A${kitty}">Newest</a>`,
      ),
    );

    const forged = await john.get(`/history?show=mine&cursor=not-a-cursor`);
    assert.equal(forged.status, 400);
  });

  test('names and filters a person typed are text on the page, never markup', async () => {
    const page = await john.get('/doors');
    await john.post('/doors/rename', {
      csrf: formField(page.text_, 'csrf'),
      door_id: garage,
      name: '<script>alert(1)</script>',
    });
    const history = await john.get(`/history?from=2025-06-10&to=2025-06-10&show=door:${garage}`);
    assert.doesNotMatch(history.text_, /<script/);
    assert.ok(history.text_.includes('asked <strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong> to open'));
    const reflected = await john.get('/history?from=%22%3E%3Cscript%3E&to=2025-06-10&show=mine');
    assert.equal(reflected.status, 400);
    assert.doesNotMatch(reflected.text_, /<script/);
    assert.ok(reflected.text_.includes('value="&quot;&gt;&lt;script&gt;"'));
  });
});
