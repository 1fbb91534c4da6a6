import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WEB_CHANNEL } from '../../src/access/access-events.ts';
import { changeSimulatorSettings } from '../../src/access/simulator-settings.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { doorCard, doorIdByName, eventsOf, mainText } from '../helpers/account-pages.ts';
import type { Browser } from '../helpers/http.ts';
import { formField } from '../helpers/http.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const INSTANT = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };

/** Presses a door's Open or Close button on the doors page; returns the POST's answer. */
async function press(browser: Browser, doorId: string, state: 'OPEN' | 'CLOSED') {
  const page = await browser.get('/doors');
  assert.equal(page.status, 200);
  return browser.post('/doors/toggle', { csrf: formField(page.text_, 'csrf'), door_id: doorId, state });
}

/** Follows the 303 after a form to the page it names. */
async function follow(browser: Browser, response: Response) {
  assert.equal(response.status, 303);
  return browser.get(response.headers.get('location')!);
}

async function doorRow(app: TestApp, doorId: string) {
  return app.ctx.db.selectFrom('doors').selectAll().where('id', '=', doorId).executeTakeFirstOrThrow();
}

describe('the doors page', () => {
  let app: TestApp;
  let john: Browser;
  let owner: Browser;
  before(async () => {
    app = await startTestApp({ env: INSTANT });
    john = app.browser();
    await app.signIn(john, JOHN);
    owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
  });
  after(() => app.close());

  test('a visitor is sent to the login page, coming back to the doors', async () => {
    const page = await app.browser().get('/doors');
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/login?return_to=%2Fdoors');
  });

  test('John sees the doors shared with him, by his names, and no other door of the account', async () => {
    const page = await john.get('/doors');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const kitty = doorCard(page.text_, await doorIdByName(app, 'Main Gate'));
    assert.ok(kitty, 'Main Gate (his "Kitty") is on the page');
    assert.match(mainText(kitty), /^[^<]*Kitty Has Access/);
    const garage = doorCard(page.text_, await doorIdByName(app, 'Garage'));
    assert.ok(garage);
    assert.match(mainText(garage), /Garage Has Access Closed/);
    const text = mainText(page.text_);
    assert.doesNotMatch(text, /Lobby Door|Elevator|Back Gate/);
    // The navigation of a User: no Admin link.
    assert.match(page.text_, /<a href="\/doors" aria-current="page">Doors<\/a>/);
    assert.doesNotMatch(page.text_, /href="\/admin"/);
  });

  test('the Admin sees every door of the account as its Owner, and the Admin link', async () => {
    const page = await owner.get('/doors');
    const text = mainText(page.text_);
    for (const name of ['Garage', 'Lobby Door', 'Elevator', 'Back Gate']) {
      assert.match(text, new RegExp(`${name} Owner`), name);
    }
    assert.doesNotMatch(text, /Main Gate|Kitty/);
    assert.match(page.text_, /href="\/admin"/);
  });

  test('opening Garage from the page: a ParqEx Web history entry, the door open, a success notice', async () => {
    const garageId = await doorIdByName(app, 'Garage');
    const before = (await eventsOf(app, garageId)).length;
    const answer = await press(john, garageId, 'OPEN');
    assert.equal(answer.status, 303);
    // No outcome in the URL: a reload or a shared link never shows it again.
    assert.equal(answer.headers.get('location'), `/doors#door-${garageId}`);

    const events = (await eventsOf(app, garageId)).slice(before);
    const web = events.filter((e) => e.channel === WEB_CHANNEL);
    assert.equal(web.length, 1);
    const johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
    assert.equal(web[0]!.user_id, johnId);
    assert.equal(web[0]!.client_id, null);
    assert.equal(web[0]!.door_state, 'OPEN');
    assert.equal(web[0]!.was_success, 1);
    assert.equal(web[0]!.outcome, 'done');
    // The simulated door (zero travel time) arrived, reported by its sensor.
    assert.deepEqual(
      events.filter((e) => e.channel === 'Door Sensor').map((e) => [e.door_state, e.outcome]),
      [['OPEN', 'sensor']],
    );
    assert.equal((await doorRow(app, garageId)).state, 'OPEN');

    const page = await follow(john, answer);
    assert.equal(page.status, 200);
    const card = doorCard(page.text_, garageId)!;
    assert.match(card, /<div class="door-live" aria-live="polite">/);
    assert.match(card, /<p class="notice">Done: Garage was asked to open\.<\/p>/);
    assert.match(card, /<span class="state open">Open<\/span>/);
    // Shown once: the reload shows the door, not the notice.
    const reloaded = await john.get('/doors');
    assert.match(doorCard(reloaded.text_, garageId)!, /<span class="state open">Open<\/span>/);
    assert.doesNotMatch(reloaded.text_, /was asked to|class="notice"/);

    // And closing it again.
    const closed = await follow(john, await press(john, garageId, 'CLOSED'));
    assert.match(doorCard(closed.text_, garageId)!, /Done: Garage was asked to close\./);
    assert.equal((await doorRow(app, garageId)).state, 'CLOSED');
  });

  test('the controller’s refusals say why in plain words and are in the history: offline, no sensor', async () => {
    const backGate = await doorIdByName(app, 'Back Gate');
    const offline = await follow(owner, await press(owner, backGate, 'OPEN'));
    const card = doorCard(offline.text_, backGate)!;
    assert.match(
      card,
      /<p class="error">Back Gate could not be reached: its controller is offline\. Nothing was changed\./,
    );
    assert.match(card, /<span class="badge warn">Controller offline<\/span>/);
    const [attempt] = await eventsOf(app, backGate);
    assert.equal(attempt?.channel, WEB_CHANNEL);
    assert.equal(attempt?.outcome, 'offline');
    assert.equal(attempt?.was_success, 0);
    assert.equal((await doorRow(app, backGate)).state, 'CLOSED');

    const elevator = await doorIdByName(app, 'Elevator');
    const noSensor = await follow(owner, await press(owner, elevator, 'OPEN'));
    assert.match(doorCard(noSensor.text_, elevator)!, /Elevator has no door sensor paired/);
    assert.equal((await eventsOf(app, elevator))[0]?.outcome, 'no_sensor');
  });

  test('renaming is per person: John’s name for Main Gate is his alone; an empty name brings back the owner’s', async () => {
    const mainGate = await doorIdByName(app, 'Main Gate');
    const page = await john.get('/doors');
    const renamed = await john.post('/doors/rename', {
      csrf: formField(page.text_, 'csrf'),
      door_id: mainGate,
      name: '  Car   park ',
    });
    assert.equal(renamed.headers.get('location'), `/doors#door-${mainGate}`);
    const after = await follow(john, renamed);
    const card = doorCard(after.text_, mainGate)!;
    assert.match(mainText(card), /^[^<]*Car park Has Access/);
    assert.match(card, /Saved: this door is now called Car park\./);
    assert.match(card, /name="name" type="text" maxlength="60" value="Car park"/);

    const productionOwner = app.browser();
    await app.signIn(productionOwner, PRODUCTION_OWNER);
    const ownersPage = await productionOwner.get('/doors');
    assert.match(mainText(doorCard(ownersPage.text_, mainGate)!), /^[^<]*Main Gate Owner/);
    assert.doesNotMatch(ownersPage.text_, /Car park|Kitty/);

    await john.post('/doors/rename', { csrf: formField(page.text_, 'csrf'), door_id: mainGate, name: '' });
    const cleared = await john.get('/doors');
    assert.match(mainText(doorCard(cleared.text_, mainGate)!), /^[^<]*Main Gate Has Access/);
    // Give the seed's name back for the other tests.
    await john.post('/doors/rename', {
      csrf: formField(page.text_, 'csrf'),
      door_id: mainGate,
      name: 'Kitty',
    });
  });

  test('a name longer than 60 characters is refused on the page, with what was typed kept', async () => {
    const garageId = await doorIdByName(app, 'Garage');
    const page = await john.get('/doors');
    const long = 'G'.repeat(61);
    const refused = await john.post('/doors/rename', {
      csrf: formField(page.text_, 'csrf'),
      door_id: garageId,
      name: long,
    });
    assert.equal(refused.status, 400);
    const card = doorCard(refused.text_, garageId)!;
    assert.match(card, /A door name is at most 60 characters\./);
    assert.ok(card.includes(`value="${long}"`));
    assert.equal(
      await app.ctx.db
        .selectFrom('door_names')
        .select('name')
        .where('door_id', '=', garageId)
        .executeTakeFirst(),
      undefined,
    );
  });

  test('a door name is text, never markup', async () => {
    const garageId = await doorIdByName(app, 'Garage');
    const page = await john.get('/doors');
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await john.post('/doors/rename', { csrf: formField(page.text_, 'csrf'), door_id: garageId, name: evil });
    const after = await john.get('/doors');
    const main = /<main>[\s\S]*<\/main>/.exec(after.text_)![0];
    assert.doesNotMatch(main, /<script|<img/);
    assert.ok(
      main.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'),
    );
    await john.post('/doors/rename', { csrf: formField(page.text_, 'csrf'), door_id: garageId, name: '' });
  });

  test('without the CSRF token (or with another session’s) nothing is toggled or renamed', async () => {
    const garageId = await doorIdByName(app, 'Garage');
    const before = (await eventsOf(app, garageId)).length;
    const ownersToken = formField((await owner.get('/doors')).text_, 'csrf');
    for (const form of [
      { door_id: garageId, state: 'OPEN' } as Record<string, string>,
      { door_id: garageId, state: 'OPEN', csrf: '' },
      { door_id: garageId, state: 'OPEN', csrf: ownersToken },
    ]) {
      const refused = await john.post('/doors/toggle', form);
      assert.equal(refused.status, 403);
      assert.match(refused.text_, /This form has expired/);
    }
    const rename = await john.post('/doors/rename', { door_id: garageId, name: 'Mine' });
    assert.equal(rename.status, 403);
    // A form posted from another site (Fetch Metadata) is refused even with the right token.
    const token = formField((await john.get('/doors')).text_, 'csrf');
    const crossSite = await john.post(
      '/doors/toggle',
      { csrf: token, door_id: garageId, state: 'OPEN' },
      { 'sec-fetch-site': 'cross-site' },
    );
    assert.equal(crossSite.status, 403);
    assert.equal((await eventsOf(app, garageId)).length, before);
    assert.equal((await doorRow(app, garageId)).state, 'CLOSED');
    assert.equal(
      await app.ctx.db
        .selectFrom('door_names')
        .select('name')
        .where('door_id', '=', garageId)
        .executeTakeFirst(),
      undefined,
    );
  });

  test('another account’s door (or one not shared with John) is not found, and nothing changes', async () => {
    const token = formField((await john.get('/doors')).text_, 'csrf');
    for (const name of ['Lobby Door', 'Back Gate']) {
      const doorId = await doorIdByName(app, name);
      const before = (await eventsOf(app, doorId)).length;
      const toggle = await john.post('/doors/toggle', { csrf: token, door_id: doorId, state: 'OPEN' });
      assert.equal(toggle.status, 404, name);
      assert.match(toggle.text_, /Door not found/);
      const rename = await john.post('/doors/rename', { csrf: token, door_id: doorId, name: 'Mine now' });
      assert.equal(rename.status, 404, name);
      assert.equal((await eventsOf(app, doorId)).length, before, name);
      assert.equal(
        await app.ctx.db
          .selectFrom('door_names')
          .select('name')
          .where('door_id', '=', doorId)
          .executeTakeFirst(),
        undefined,
      );
    }
    // The production owner has no door of the Test account.
    const production = app.browser();
    await app.signIn(production, PRODUCTION_OWNER);
    const garageId = await doorIdByName(app, 'Garage');
    const theirs = await production.post('/doors/toggle', {
      csrf: formField((await production.get('/doors')).text_, 'csrf'),
      door_id: garageId,
      state: 'OPEN',
    });
    assert.equal(theirs.status, 404);
    // A malformed id is not found either; a notice for a door John cannot see says nothing.
    assert.equal(
      (await john.post('/doors/toggle', { csrf: token, door_id: 'x', state: 'OPEN' })).status,
      404,
    );
    const lobby = await doorIdByName(app, 'Lobby Door');
    const snooping = await john.get(`/doors?door=${lobby}&outcome=done&state=OPEN`);
    assert.doesNotMatch(snooping.text_, /Lobby Door|was asked to/);
    // The page's state shows John his doors only: never another account's, never one not shared.
    const state = await john.get('/doors/state', { accept: 'application/json' });
    assert.equal(state.status, 200);
    const ids = (JSON.parse(state.text_).doors as { id: string }[]).map((d) => d.id).sort();
    assert.deepEqual(ids, [await doorIdByName(app, 'Main Gate'), await doorIdByName(app, 'Garage')].sort());
    const theirState = JSON.parse((await production.get('/doors/state')).text_);
    assert.deepEqual(
      theirState.doors.map((d: { id: string }) => d.id),
      [await doorIdByName(app, 'Main Gate')],
    );
  });

  test('a door state other than OPEN or CLOSED is a bad request', async () => {
    const token = formField((await john.get('/doors')).text_, 'csrf');
    const garageId = await doorIdByName(app, 'Garage');
    const bad = await john.post('/doors/toggle', { csrf: token, door_id: garageId, state: 'AJAR' });
    assert.equal(bad.status, 400);
    assert.ok(bad.text_.includes('Malformed Request'));
  });
});

describe('the doors page keeps the API’s cooldown', () => {
  test('a second toggle within the cooldown is refused with the wait, and recorded', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1, 12));
    const app = await startTestApp({
      clock,
      env: { PARQEX_TOGGLE_COOLDOWN_S: '20', PARQEX_SIMULATOR_TRAVEL_MS: '0' },
    });
    try {
      const john = app.browser();
      await app.signIn(john, JOHN);
      const garageId = await doorIdByName(app, 'Garage');
      await press(john, garageId, 'OPEN');
      clock.advance(5_000);
      const answer = await press(john, garageId, 'CLOSED');
      assert.equal(answer.headers.get('location'), `/doors#door-${garageId}`);
      const page = await follow(john, answer);
      assert.match(
        doorCard(page.text_, garageId)!,
        /<p class="error">Garage was used a moment ago\. Please wait 15 s and try again\. Nothing was changed\.<\/p>/,
      );
      // From the page's script (JSON): the same words and the wait.
      clock.advance(5_000);
      const token = formField((await john.get('/doors')).text_, 'csrf');
      const json = await john.post(
        '/doors/toggle',
        { csrf: token, door_id: garageId, state: 'CLOSED' },
        { accept: 'application/json' },
      );
      assert.equal(json.status, 200);
      assert.equal(json.headers.get('set-cookie'), null, 'no flash for the script');
      const body = JSON.parse(json.text_);
      assert.equal(body.outcome, 'cooldown');
      assert.equal(body.retryAfterS, 10);
      assert.equal(body.isError, true);
      assert.match(body.message, /Please wait 10 s/);
      assert.equal(body.door.state, 'OPEN');
      const web = (await eventsOf(app, garageId)).filter((e) => e.channel === WEB_CHANNEL);
      assert.deepEqual(
        web.map((e) => e.outcome),
        ['done', 'cooldown', 'cooldown'],
      );
      assert.equal((await doorRow(app, garageId)).state, 'OPEN');
    } finally {
      await app.close();
    }
  });
});

describe('a door in motion on the doors page', () => {
  test('shows where it is going and reloads itself when it should have arrived', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1, 12));
    const app = await startTestApp({
      clock,
      env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '3000' },
    });
    try {
      const john = app.browser();
      await app.signIn(john, JOHN);
      const garageId = await doorIdByName(app, 'Garage');
      const still = await john.get('/doors');
      assert.doesNotMatch(still.text_, /http-equiv="refresh"/);

      const moving = await follow(john, await press(john, garageId, 'OPEN'));
      assert.match(doorCard(moving.text_, garageId)!, /<span class="state moving">Opening…<\/span>/);
      // Without script the page reloads itself; with it, the script follows the door instead.
      assert.match(
        moving.text_,
        /<noscript><meta http-equiv="refresh" content="3; url=\/doors"><\/noscript>/,
      );
      assert.match(moving.text_, /<script src="\/assets\/doors\.js" defer><\/script>/);
      // Both buttons wait while it moves; its Close button is now the prominent one.
      assert.match(doorCard(moving.text_, garageId)!, /<button type="submit" disabled>Close<\/button>/);
      assert.match(
        doorCard(moving.text_, garageId)!,
        /<button type="submit" class="secondary" disabled>Open<\/button>/,
      );
      const during = await john.get('/doors/state');
      const garageMoving = JSON.parse(during.text_).doors.find((d: { id: string }) => d.id === garageId);
      assert.deepEqual(
        { ...garageMoving, lastUsed: undefined },
        {
          id: garageId,
          state: 'CLOSED',
          movingTo: 'OPEN',
          isMoving: true,
          label: 'Opening…',
          isOnline: true,
          lastUsed: undefined,
        },
      );

      clock.advance(3000);
      await app.ctx.simulator.deliverArrivals(clock.now());
      const arrived = await john.get('/doors');
      assert.match(doorCard(arrived.text_, garageId)!, /<span class="state open">Open<\/span>/);
      assert.doesNotMatch(arrived.text_, /http-equiv="refresh"|disabled/);
      const after = await john.get('/doors/state');
      const garageArrived = JSON.parse(after.text_).doors.find((d: { id: string }) => d.id === garageId);
      assert.equal(garageArrived.label, 'Open');
      assert.equal(garageArrived.isMoving, false);
      assert.equal(garageArrived.movingTo, null);
    } finally {
      await app.close();
    }
  });
});

describe('the doors page says why a toggle was refused, as the simulator is switched', () => {
  test('offline, no sensor and not supported, each in plain words, on the page and to its script', async () => {
    const app = await startTestApp({ env: INSTANT });
    try {
      const john = app.browser();
      await app.signIn(john, JOHN);
      const garageId = await doorIdByName(app, 'Garage');
      const now = app.ctx.clock.now();
      const cases: [Parameters<typeof changeSimulatorSettings>[2], string, RegExp][] = [
        [{ isOnline: false }, 'offline', /Garage could not be reached: its controller is offline\./],
        [
          { isOnline: true, entityNumber: 1, hasSensor: false },
          'no_sensor',
          /Garage has no door sensor paired/,
        ],
        [
          { entityNumber: 1, hasSensor: true, unsupported: 'open' },
          'unsupported',
          /Garage cannot be asked to open: its controller does not support that\./,
        ],
      ];
      for (const [change, outcome, words] of cases) {
        await changeSimulatorSettings(app.ctx.db, '30000c2a691dd625', change, now);
        const page = await follow(john, await press(john, garageId, 'OPEN'));
        const card = doorCard(page.text_, garageId)!;
        assert.match(card, new RegExp(`<p class="error">${words.source}`), outcome);
        assert.match(
          card,
          outcome === 'offline'
            ? /<span class="badge warn">Controller offline<\/span>/
            : /<span class="badge warn" hidden>Controller offline<\/span>/,
        );
        const token = formField(page.text_, 'csrf');
        const json = await john.post(
          '/doors/toggle',
          { csrf: token, door_id: garageId, state: 'OPEN' },
          { accept: 'application/json' },
        );
        const body = JSON.parse(json.text_);
        assert.equal(body.outcome, outcome);
        assert.equal(body.isError, true);
        assert.match(body.message, words);
        assert.equal(body.door.isOnline, outcome !== 'offline');
      }
      const web = (await eventsOf(app, garageId)).filter((e) => e.channel === WEB_CHANNEL);
      assert.deepEqual(
        web.map((e) => e.outcome),
        ['offline', 'offline', 'no_sensor', 'no_sensor', 'unsupported', 'unsupported'],
      );
      assert.equal((await doorRow(app, garageId)).state, 'CLOSED');
    } finally {
      await app.close();
    }
  });
});

describe('the doors page’s state endpoint', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: INSTANT });
  });
  after(() => app.close());

  test('needs a signed-in session, answers JSON never cached, and only to the same origin', async () => {
    const visitor = await app.browser().get('/doors/state');
    assert.equal(visitor.status, 401);
    assert.equal(JSON.parse(visitor.text_).error, 'not_signed_in');
    assert.doesNotMatch(visitor.text_, /Garage/);

    const john = app.browser();
    await app.signIn(john, JOHN);
    const state = await john.get('/doors/state', { 'sec-fetch-site': 'same-origin' });
    assert.equal(state.status, 200);
    assert.match(state.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(state.headers.get('cache-control'), 'no-store');
    assert.equal(state.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(state.headers.get('access-control-allow-origin'), null);
    const garageId = await doorIdByName(app, 'Garage');
    const garage = JSON.parse(state.text_).doors.find((d: { id: string }) => d.id === garageId);
    assert.equal(garage.label, 'Closed');

    for (const site of ['cross-site', 'same-site', 'none']) {
      const refused = await john.get('/doors/state', { 'sec-fetch-site': site });
      assert.equal(refused.status, 403, site);
      assert.doesNotMatch(refused.text_, /Garage|OPEN|CLOSED/);
    }
  });

  test('the page allows its own script only: script-src and connect-src self, no inline script, no eval', async () => {
    const john = app.browser();
    await app.signIn(john, JOHN);
    const page = await john.get('/doors');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'; script-src 'self'; connect-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(/<main>[\s\S]*<\/main>/.exec(page.text_)![0], /<script/);
    // Every other page keeps no script at all.
    const history = await john.get('/history');
    assert.doesNotMatch(history.headers.get('content-security-policy') ?? '', /script-src/);

    const script = await app.browser().get('/assets/doors.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(script.text_, /data-state-url/);
  });
});

describe('the doors page’s flash', () => {
  test('is for the session that posted the form, and only for a minute', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 1, 12));
    const app = await startTestApp({ clock, env: INSTANT });
    try {
      const sessionOf = async (browser: Browser) =>
        /parqex_session=([^;]*)/.exec((await app.signIn(browser, JOHN)).headers.get('set-cookie') ?? '')![1]!;
      const john = app.browser();
      const johns = await sessionOf(john);
      const garageId = await doorIdByName(app, 'Garage');
      const answer = await press(john, garageId, 'OPEN');
      const flash = /parqex_flash=([^;]*)/.exec(answer.headers.get('set-cookie') ?? '')![1]!;
      const withCookies = async (session: string) => {
        const response = await fetch(`${app.baseUrl}/doors`, {
          headers: { cookie: `parqex_session=${session}; parqex_flash=${flash}` },
        });
        assert.equal(response.status, 200);
        return response.text();
      };
      // Another session of John's (another phone) given this cookie shows nothing; his own does.
      assert.doesNotMatch(await withCookies(await sessionOf(app.browser())), /was asked to/);
      assert.match(await withCookies(johns), /Done: Garage was asked to open\./);
      await press(john, garageId, 'OPEN');
      // Read a minute later, the flash is stale.
      clock.advance(61_000);
      const late = await john.get('/doors');
      assert.doesNotMatch(late.text_, /was asked to/);
      // Read in time, it shows.
      await press(john, garageId, 'CLOSED');
      clock.advance(59_000);
      assert.match((await john.get('/doors')).text_, /Done: Garage was asked to close\./);
    } finally {
      await app.close();
    }
  });
});
