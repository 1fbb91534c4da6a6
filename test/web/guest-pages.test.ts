import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listDevMailbox } from '../../src/mail/dev-mailbox.ts';
import { book } from '../../src/marketplace/bookings.ts';
import { quoteListing } from '../../src/marketplace/quotes.ts';
import { GUEST_OPENS_PER_MINUTE } from '../../src/web/guests/guest-link.routes.ts';
import { doorIdByName, mainText } from '../helpers/account-pages.ts';
import { type Browser, formField } from '../helpers/http.ts';
import { actorOf, insertListing, insertProperty } from '../helpers/marketplace-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const INSTANT = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };

/** A form with repeated fields (checkboxes). */
function postPairs(browser: Browser, path: string, pairs: [string, string][]) {
  return browser.request(path, { method: 'POST', rawForm: new URLSearchParams(pairs).toString() });
}

/** `YYYY-MM-DDTHH:MM` for a datetime-local field, in UTC (the seeded people's zone is read by the server). */
function localField(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

describe('the guest pages: the hosts’ page, members’ permissions, and the guest link’s refusals', () => {
  let app: TestApp;
  let owner: Browser;
  let john: Browser;
  let production: Browser;
  let garage: string;
  let lobby: string;
  let elevator: string;
  let zone: string;

  before(async () => {
    app = await startTestApp({ env: INSTANT });
    owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
    john = app.browser();
    await app.signIn(john, JOHN);
    production = app.browser();
    await app.signIn(production, PRODUCTION_OWNER);
    garage = await doorIdByName(app, 'Garage');
    lobby = await doorIdByName(app, 'Lobby Door');
    elevator = await doorIdByName(app, 'Elevator');
    zone = (
      await app.ctx.db
        .selectFrom('users')
        .select('time_zone')
        .where('email', '=', TEST_OWNER.email)
        .executeTakeFirstOrThrow()
    ).time_zone;
  });
  after(() => app.close());

  const csrfOf = async (browser: Browser, path: string) => formField((await browser.get(path)).text_, 'csrf');

  /** The Admin creates a pass on the page; returns the link the page shows once. */
  async function createOnPage(fields: Record<string, string>, doorIds: string[], tz = zone): Promise<string> {
    const csrf = await csrfOf(owner, '/guests');
    const now = Date.now();
    const posted = await postPairs(owner, '/guests/create', [
      ['csrf', csrf],
      ['first_name', 'Maya'],
      ['last_name', 'Lindqvist'],
      ['starts', localField(now, tz)],
      ['ends', localField(now + 2 * 3_600_000, tz)],
      ...Object.entries(fields),
      ...doorIds.map((id) => ['door_id', id] as [string, string]),
    ]);
    assert.equal(posted.status, 303, mainText(posted.text_));
    assert.equal(posted.headers.get('location'), '/guests#created');
    const page = await owner.get('/guests');
    const link = /id="guest-link" type="text" readonly value="([^"]+)"/.exec(page.text_)?.[1];
    assert.ok(link, 'the page shows the link once');
    app.remember(link.split('/g/')[1]);
    const again = await owner.get('/guests');
    assert.ok(!again.text_.includes(link), 'and never again');
    return link;
  }

  const guestEvents = () =>
    app.ctx.db
      .selectFrom('access_events')
      .select(['door_id', 'outcome'])
      .where('channel', '=', 'GuestAccess')
      .execute();

  test('the phone field allows what the server accepts (32 characters), no more', async () => {
    const page = await owner.get('/guests');
    assert.match(page.text_, /name="phone" type="tel" maxlength="32"/);
    // Guest passes are not the Doors page: no navigation entry claims to be current.
    assert.doesNotMatch(page.text_, /aria-current="page"/);
  });

  test('the guest\u2019s live state names state, motion, label and online, never the door\u2019s last use', async () => {
    const link = await createOnPage({}, [garage]);
    const state = await app.browser().get(`${link}/state`);
    assert.equal(state.status, 200);
    const body = JSON.parse(state.text_) as { doors: Record<string, unknown>[] };
    assert.equal(body.doors.length, 1);
    assert.ok(!('lastUsed' in body.doors[0]!), state.text_);
    assert.doesNotMatch(state.text_, /used/i);
  });

  test('the Admin creates a pass on the page and ParqEx emails the guest the link', async () => {
    const link = await createOnPage({ email: 'maya@example.com', plate: 'KJT 4471' }, [garage]);
    const [mail] = await listDevMailbox(app.ctx.db, 1);
    assert.equal(mail?.to, 'maya@example.com');
    // The Garage is the gate of the demo property (running.md): the invitation names it.
    assert.equal(mail?.subject, 'ParqEx Test invited you at ParqEx Test Garage');
    assert.ok(mail?.text.includes(link), 'the email carries the link');
    const page = await owner.get('/guests');
    assert.match(mainText(page.text_), /Maya Lindqvist Active/);
    assert.match(mainText(page.text_), /KJT 4471/);
  });

  test('a link used against a door that is not on its pass: 404, nothing opened, no history', async () => {
    const link = await createOnPage({}, [garage]);
    const guest = app.browser();
    const page = await guest.get(link);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.match(page.headers.get('x-robots-tag') ?? '', /noindex/);
    const csrf = formField(page.text_, 'csrf');
    const before = await guestEvents();
    for (const door of [elevator, lobby, 'not-a-door']) {
      const refused = await guest.post(
        `${link}/open`,
        { csrf, door_id: door },
        { accept: 'application/json' },
      );
      assert.equal(refused.status, 404, door);
    }
    assert.deepEqual(await guestEvents(), before);
    // Its own door opens, recorded as the guest.
    const opened = await guest.post(
      `${link}/open`,
      { csrf, door_id: garage },
      { accept: 'application/json' },
    );
    assert.equal(opened.status, 200, opened.text_);
    assert.equal(JSON.parse(opened.text_).outcome, 'done');
    assert.equal((await guestEvents()).length, before.length + 1);
  });

  test('the Open form needs its link’s CSRF token; without script it posts, redirects and says the outcome once', async () => {
    const first = await createOnPage({}, [garage]);
    const second = await createOnPage({}, [lobby]);
    const guest = app.browser();
    const firstToken = formField((await guest.get(first)).text_, 'csrf');
    const secondToken = formField((await guest.get(second)).text_, 'csrf');
    const before = await guestEvents();
    assert.equal((await guest.post(`${first}/open`, { door_id: garage })).status, 403);
    assert.equal((await guest.post(`${first}/open`, { csrf: secondToken, door_id: garage })).status, 403);
    assert.equal(
      (
        await guest.post(
          `${first}/open`,
          { csrf: firstToken, door_id: garage },
          { 'sec-fetch-site': 'cross-site' },
        )
      ).status,
      403,
    );
    assert.deepEqual(await guestEvents(), before);

    const posted = await guest.post(`${first}/open`, { csrf: firstToken, door_id: garage });
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), `${new URL(first).pathname}#door-${garage}`);
    assert.match(mainText((await guest.get(first)).text_), /Done: Garage was asked to open\./);
    assert.doesNotMatch(mainText((await guest.get(first)).text_), /Done: Garage/, 'once');
  });

  test(`a link opens at most ${GUEST_OPENS_PER_MINUTE} times a minute: then 429 with Retry-After`, async () => {
    const link = await createOnPage({}, [garage]);
    const guest = app.browser();
    const csrf = formField((await guest.get(link)).text_, 'csrf');
    for (let i = 0; i < GUEST_OPENS_PER_MINUTE; i++) {
      const ok = await guest.post(`${link}/open`, { csrf, door_id: garage }, { accept: 'application/json' });
      assert.equal(ok.status, 200, `open ${i + 1}`);
    }
    const before = await guestEvents();
    const limited = await guest.post(
      `${link}/open`,
      { csrf, door_id: garage },
      { accept: 'application/json' },
    );
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.deepEqual(await guestEvents(), before);
  });

  test('a made-up or malformed link is a 404 that reveals nothing; the state and calendar too', async () => {
    const guest = app.browser();
    for (const path of ['/g/short', `/g/${'A'.repeat(43)}`, `/g/${'A'.repeat(43)}/pass.ics`]) {
      const page = await guest.get(path);
      assert.equal(page.status, 404, path);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    }
    assert.equal((await guest.get(`/g/${'A'.repeat(43)}/state`)).status, 404);
  });

  test('a User without the guests permission is told so and refused; the Admin gives it on the sharing page', async () => {
    const page = await john.get('/guests');
    assert.equal(page.status, 200);
    assert.match(mainText(page.text_), /Admin has not let you invite guests/);
    assert.ok(!page.text_.includes('action="/guests/create"'), 'no form to fill in');
    const csrf = await csrfOf(john, '/doors');
    const count = (await app.ctx.db.selectFrom('guest_passes').select('id').execute()).length;
    const refused = await postPairs(john, '/guests/create', [
      ['csrf', csrf],
      ['first_name', 'Ann'],
      ['last_name', 'Lee'],
      ['starts', localField(Date.now(), zone)],
      ['ends', localField(Date.now() + 3_600_000, zone)],
      ['door_id', garage],
    ]);
    assert.equal(refused.status, 403);
    assert.equal((await app.ctx.db.selectFrom('guest_passes').select('id').execute()).length, count);

    // Only the Admin's sharing page sets permissions; another account's Admin cannot touch John.
    const johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
    const foreign = await production.post('/admin/sharing/permissions', {
      csrf: await csrfOf(production, '/admin/sharing'),
      user_id: johnId,
      guests: '1',
    });
    assert.equal(foreign.status, 404);
    const sharing = await owner.get('/admin/sharing');
    assert.match(mainText(sharing.text_), /Members’ permissions/);
    const given = await owner.post('/admin/sharing/permissions', {
      csrf: formField(sharing.text_, 'csrf'),
      user_id: johnId,
      guests: '1',
    });
    assert.equal(given.status, 303);
    assert.match(mainText((await owner.get('/admin/sharing?done=permissions')).text_), /Permissions saved/);

    const now = await john.get('/guests');
    assert.match(mainText(now.text_), /Invite a guest/);
    assert.ok(now.text_.includes(`value="${garage}"`), 'John may give the Garage he can use');
    assert.ok(!now.text_.includes(`value="${lobby}"`), 'not the Lobby Door he cannot');
    assert.doesNotMatch(mainText(now.text_), /Kitty|Main Gate/, 'nor a door another account shared with him');
  });

  test('the host revokes from the page: the link says so at once and opens nothing', async () => {
    const link = await createOnPage({}, [garage]);
    const guest = app.browser();
    const csrf = formField((await guest.get(link)).text_, 'csrf');
    const pass = await app.ctx.db
      .selectFrom('guest_passes')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const revoked = await owner.post('/guests/revoke', {
      csrf: await csrfOf(owner, '/guests'),
      pass_id: pass.id,
    });
    assert.equal(revoked.status, 303);
    assert.match(
      mainText((await owner.get('/guests')).text_),
      /Revoked: Maya Lindqvist’s link opens nothing now\./,
    );
    const before = await guestEvents();
    const refused = await guest.post(
      `${link}/open`,
      { csrf, door_id: garage },
      { accept: 'application/json' },
    );
    assert.equal(refused.status, 410);
    assert.deepEqual(await guestEvents(), before);
    assert.match(mainText((await guest.get(link)).text_), /This pass was cancelled/);
    // Another account's Admin cannot revoke the Admin's passes.
    const foreign = await production.post('/guests/revoke', {
      csrf: await csrfOf(production, '/guests'),
      pass_id: pass.id,
    });
    assert.equal(foreign.status, 404);
  });

  test('a door of a property: the page names the place and its address, and shows times in its zone', async () => {
    const owner_ = await app.ctx.db
      .selectFrom('users')
      .select('account_id')
      .where('email', '=', TEST_OWNER.email)
      .executeTakeFirstOrThrow();
    const now = Date.now();
    await app.ctx.db
      .insertInto('properties')
      .values({
        id: 'aa'.repeat(16),
        account_id: owner_.account_id,
        name: 'Elm Court',
        address: JSON.stringify({
          line1: '4 Rue des Ormes',
          line2: null,
          city: 'Lyon',
          region: null,
          postal_code: '69002',
          country: 'FR',
        }),
        latitude: 45.76,
        longitude: 4.83,
        time_zone: 'Europe/Paris',
        created_at: now,
        updated_at: now,
      } as never)
      .execute();
    await app.ctx.db
      .insertInto('property_doors')
      .values({ property_id: 'aa'.repeat(16), door_id: elevator })
      .execute();
    // The form's times are read in the door's property's zone (products.md §2), not the host's.
    const before = Date.now();
    const link = await createOnPage({}, [elevator], 'Europe/Paris');
    const made = await app.ctx.db
      .selectFrom('guest_passes')
      .select('starts_at')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.ok(Math.abs(Number(made.starts_at) - before) < 2 * 60_000, 'starts now, read in Europe/Paris');
    const page = mainText((await app.browser().get(link)).text_);
    assert.match(page, /ParqEx Test invited you to Elm Court/);
    assert.match(page, /4 Rue des Ormes, Lyon, 69002, FR/);
    assert.match(page, /Times are in Europe\/Paris\./);
  });

  test('the host changes a pass’s time on the page; an end before the start is refused in words, nothing changed', async () => {
    await createOnPage({}, [garage]);
    const pass = await app.ctx.db
      .selectFrom('guest_passes')
      .select(['id', 'starts_at', 'ends_at', 'time_zone'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const csrf = await csrfOf(owner, '/guests');
    const later = Number(pass.ends_at) + 3_600_000;
    const moved = await owner.post('/guests/window', {
      csrf,
      pass_id: pass.id,
      starts: localField(Number(pass.starts_at), pass.time_zone),
      ends: localField(later, pass.time_zone),
    });
    assert.equal(moved.status, 303, mainText(moved.text_));
    assert.match(
      mainText((await owner.get('/guests')).text_),
      /Saved: Maya Lindqvist’s pass has its new time\./,
    );
    const after = await app.ctx.db
      .selectFrom('guest_passes')
      .select('ends_at')
      .where('id', '=', pass.id)
      .executeTakeFirstOrThrow();
    assert.equal(Math.floor(Number(after.ends_at) / 60_000), Math.floor(later / 60_000));

    const backwards = await owner.post('/guests/window', {
      csrf,
      pass_id: pass.id,
      starts: localField(later + 3_600_000, pass.time_zone),
      ends: localField(later, pass.time_zone),
    });
    assert.equal(backwards.status, 400);
    assert.match(mainText(backwards.text_), /Ends must be after starts\./);
    const unchanged = await app.ctx.db
      .selectFrom('guest_passes')
      .select('ends_at')
      .where('id', '=', pass.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(unchanged, after);
  });
});

describe('the hosts’ page: lend a booking', () => {
  let app: TestApp;
  let renter: Browser;
  let owner: Browser;
  let bookingId: string;

  before(async () => {
    app = await startTestApp({ env: INSTANT });
    renter = app.browser();
    await app.signIn(renter, PRODUCTION_OWNER);
    owner = app.browser();
    await app.signIn(owner, TEST_OWNER);
    const garage = await doorIdByName(app, 'Garage');
    const now = app.ctx.clock.now();
    const testAdmin = await actorOf(app.ctx.db, TEST_OWNER.email);
    const production = await actorOf(app.ctx.db, PRODUCTION_OWNER.email);
    const propertyId = await insertProperty(
      app.ctx.db,
      { accountId: testAdmin.accountId, name: 'Elm Street Garage', doorIds: [garage] },
      now,
    );
    const listingId = await insertListing(app.ctx.db, { propertyId, accountId: testAdmin.accountId }, now);
    const { quote } = await quoteListing(
      app.ctx.marketplace,
      production,
      listingId,
      { starts: new Date(now + 3_600_000).toISOString(), ends: new Date(now + 3 * 3_600_000).toISOString() },
      now,
    );
    bookingId = (
      await book(
        app.ctx.marketplace,
        production,
        { quoteId: quote.id, finalPrice: quote.total, plate: 'PRD-1000', paymentMethod: 'pm_card_visa' },
        now,
      )
    ).id;
  });
  after(() => app.close());

  test('the renter lends their booking from the page, gets the link, and revokes it: the booking is theirs again', async () => {
    const page = await renter.get('/guests');
    assert.match(mainText(page.text_), /Lend a booking[\s\S]*Elm Street Garage[\s\S]*PRD-1000/);
    const lent = await renter.post('/guests/lend', {
      csrf: formField(page.text_, 'csrf'),
      booking_id: bookingId,
      first_name: 'Maya',
      last_name: 'Lindqvist',
      plate: 'GST 77',
    });
    assert.equal(lent.status, 303, mainText(lent.text_));
    const after = await renter.get('/guests');
    const link = /id="guest-link" type="text" readonly value="([^"]+)"/.exec(after.text_)?.[1];
    assert.ok(link, 'the link is shown once');
    app.remember(link.split('/g/')[1]!);
    assert.match(mainText(after.text_), /Maya Lindqvist[\s\S]*GST 77[\s\S]*your booking, lent/);
    assert.doesNotMatch(after.text_, /Change the time/, 'a lent window is fixed');
    const guestPage = await app.browser().get(link);
    assert.equal(guestPage.status, 200);
    assert.match(mainText(guestPage.text_), /Garage/);

    // The property's Admin cannot lend the renter's booking.
    const foreign = await owner.post('/guests/lend', {
      csrf: formField((await owner.get('/guests')).text_, 'csrf'),
      booking_id: bookingId,
      first_name: 'Eve',
      last_name: 'Mallory',
    });
    assert.equal(foreign.status, 404);

    const pass = await app.ctx.db
      .selectFrom('guest_passes')
      .select('id')
      .where('booking_id', '=', bookingId)
      .executeTakeFirstOrThrow();
    const revoked = await renter.post('/guests/revoke', {
      csrf: formField((await renter.get('/guests')).text_, 'csrf'),
      pass_id: pass.id,
    });
    assert.equal(revoked.status, 303);
    assert.match(mainText((await renter.get('/guests')).text_), /Your booking is yours again\./);
  });
});
