import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createListing, publishListing } from '../../src/marketplace/listings.ts';
import { createProperty } from '../../src/marketplace/properties.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { localInputValue } from '../../src/web/marketplace/format.ts';
import { PASS_MISSES_PER_WINDOW } from '../../src/web/marketplace/pass.routes.ts';
import { doorIdByName, mainText } from '../helpers/account-pages.ts';
import { type Browser, formField } from '../helpers/http.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

// The Marketplace's pages over HTTP (no browser): who may see and do what, and that a refusal
// writes nothing. The Chromium walk-through is test/browser/marketplace.test.ts.

const ZONE = 'America/New_York';
const HOUR = 3_600_000;

type Table =
  | 'bookings'
  | 'orders'
  | 'payments'
  | 'access_grants'
  | 'access_events'
  | 'properties'
  | 'listings';

describe('the Marketplace pages', () => {
  let app: TestApp;
  let owner: Actor;
  let propertyId: string;
  let listingId: string;
  let draftId: string;

  async function actorOf(email: string): Promise<Actor> {
    const u = await app.ctx.db
      .selectFrom('users')
      .select(['id', 'account_id', 'role'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    return { userId: u.id, accountId: u.account_id, role: u.role };
  }

  async function counts(): Promise<Record<Table, number>> {
    const tables: Table[] = [
      'bookings',
      'orders',
      'payments',
      'access_grants',
      'access_events',
      'properties',
      'listings',
    ];
    const out = {} as Record<Table, number>;
    for (const table of tables) {
      const row = await app.ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  }

  async function signedIn(user: { email: string; password: string }): Promise<Browser> {
    const browser = app.browser();
    const login = await app.signIn(browser, user);
    assert.equal(login.status, 303);
    return browser;
  }

  /** A stay `fromH` hours from now, `hours` long, as naive New York times. */
  function stay(fromH: number, hours = 2): { starts: string; ends: string } {
    const now = app.ctx.clock.now();
    return {
      starts: localInputValue(now + fromH * HOUR, ZONE),
      ends: localInputValue(now + (fromH + hours) * HOUR, ZONE),
    };
  }

  /** The checkout form's fields for a stay, as the page gives them, with a card. */
  async function checkoutForm(browser: Browser, window: { starts: string; ends: string }, card: string) {
    const page = await browser.get(`/parking/listings/${listingId}/checkout?${new URLSearchParams(window)}`);
    assert.equal(page.status, 200, page.text_.slice(0, 500));
    const form: Record<string, string> = {};
    for (const name of [
      'csrf',
      'listing_id',
      'quote_id',
      'plan',
      'starts',
      'ends',
      'final_amount',
      'final_currency',
    ])
      form[name] = formField(page.text_, name);
    return { ...form, vehicle_id: '', plate: 'TEST 123', payment_method: card };
  }

  async function bookAsJohn(window: { starts: string; ends: string }): Promise<{ code: string; id: string }> {
    const john = await signedIn(JOHN);
    const paid = await john.post('/parking/checkout', await checkoutForm(john, window, 'pm_card_visa'));
    assert.equal(paid.status, 303, mainText(paid.text_));
    const code = paid.headers.get('location')!.split('/').pop()!;
    const row = await app.ctx.db
      .selectFrom('bookings')
      .select('id')
      .where('pass_code', '=', code)
      .executeTakeFirstOrThrow();
    return { code, id: row.id };
  }

  before(async () => {
    app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
    owner = await actorOf(TEST_OWNER.email);
    const now = app.ctx.clock.now();
    const property = await createProperty(
      app.ctx.db,
      owner,
      {
        name: 'Elm Street Garage',
        address: { line1: '12 Elm Street', city: 'New York', region: 'NY', country: 'US' },
        latitude: 40.7506,
        longitude: -73.9935,
        timeZone: ZONE,
        doorIds: [await doorIdByName(app, 'Lobby Door')],
      },
      now,
    );
    propertyId = property.id;
    const rates = { hourly: { amount: 400, currency: 'USD' }, dailyMax: null, monthly: null };
    const listing = await createListing(
      app.ctx.db,
      owner,
      { propertyId, title: 'Covered space 12', kind: 'space', rates, freeCancelMinutes: 60 },
      now,
    );
    await publishListing(app.ctx.db, owner, listing.id, now);
    listingId = listing.id;
    draftId = (
      await createListing(app.ctx.db, owner, { propertyId, title: 'Not yet', kind: 'space', rates }, now)
    ).id;
  });
  after(() => app?.close());

  test('a visitor is sent to sign in first, and comes back to the search', async () => {
    const visitor = app.browser();
    const page = await visitor.get('/parking?place=nyc-midtown');
    assert.equal(page.status, 303);
    assert.equal(
      page.headers.get('location'),
      `/login?return_to=${encodeURIComponent('/parking?place=nyc-midtown')}`,
    );
  });

  test('the search lists the published listing with its distance and price; a draft is found by nobody', async () => {
    const john = await signedIn(JOHN);
    const page = await john.get(
      `/parking?${new URLSearchParams({ place: 'nyc-midtown', radius_m: '1600', ...stay(30) })}`,
    );
    assert.equal(page.status, 200);
    const text = mainText(page.text_);
    // The demo property's two listings (the testing accounts' marketplace) are nearer.
    assert.match(text, /3 places, nearest first/);
    assert.match(
      text,
      /Garage — any of 10 spaces \d+ m.*Driveway space \d+ m.*Covered space 12 930 m|Driveway space \d+ m.*Garage — any of 10 spaces \d+ m.*Covered space 12 930 m/s,
    );
    assert.match(text, /\$8\.80 total/);
    assert.doesNotMatch(text, /Not yet/);
    assert.equal((await john.get(`/parking/listings/${draftId}`)).status, 404);
    assert.equal(
      (await john.get(`/parking/listings/${draftId}/checkout?${new URLSearchParams(stay(30))}`)).status,
      404,
    );
  });

  test('a window that ends before it starts is said plainly on the search page', async () => {
    const john = await signedIn(JOHN);
    const { starts, ends } = stay(30);
    const page = await john.get(
      `/parking?${new URLSearchParams({ place: 'nyc-midtown', starts: ends, ends: starts })}`,
    );
    assert.equal(page.status, 400);
    assert.match(mainText(page.text_), /The end must be after the start\./);
  });

  test('John books from checkout: 303 to his pass, confirmed and paid; the pass shows a QR code to anyone, Open to him only', async () => {
    const { code, id } = await bookAsJohn(stay(40));
    const booking = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.plate, 'TEST 123');
    const visitor = await app.browser().get(`/pass/${code}`);
    assert.equal(visitor.status, 200);
    assert.match(visitor.text_, /<svg[^>]*viewBox/);
    // Anyone with the link sees what an attendant needs; the plate only masked.
    assert.match(mainText(visitor.text_), new RegExp(`${code} .*12 Elm Street.*Plate TE•••23`));
    assert.doesNotMatch(visitor.text_, /TEST 123/);
    const mine = await (await signedIn(JOHN)).get(`/pass/${code}`);
    assert.match(mainText(mine.text_), /Plate TEST 123/);
    assert.doesNotMatch(visitor.text_, /action="\/pass\/[^"]*\/open"/);
    // Lower case finds the same pass (its canonical address).
    const lower = await app.browser().get(`/pass/${code.toLowerCase()}`);
    assert.equal(lower.status, 301);
    assert.equal(lower.headers.get('location'), `/pass/${code}`);
    assert.equal((await app.browser().get('/pass/ZZZZZZZZ')).status, 404);
  });

  test('a declined card: 402, the words say so, and nothing is written', async () => {
    const john = await signedIn(JOHN);
    const form = await checkoutForm(john, stay(50), 'pm_card_chargeDeclined');
    const before = await counts();
    const refused = await john.post('/parking/checkout', form);
    assert.equal(refused.status, 402);
    assert.match(
      mainText(refused.text_),
      /Your card was declined\. Nothing was charged and nothing was booked\./,
    );
    assert.deepEqual(await counts(), before);
  });

  test('a held price that is not there (another id) is priced again on the checkout, and nothing is booked', async () => {
    const john = await signedIn(JOHN);
    const form = await checkoutForm(john, stay(55), 'pm_card_visa');
    const before = await counts();
    const refused = await john.post('/parking/checkout', { ...form, quote_id: 'f'.repeat(32) });
    assert.equal(refused.status, 404);
    assert.match(
      mainText(refused.text_),
      /The price we held for you is no longer there\. Here is the price now\./,
    );
    assert.notEqual(formField(refused.text_, 'quote_id'), 'f'.repeat(32));
    assert.equal((await counts()).bookings, before.bookings);
    assert.equal((await counts()).orders, before.orders);
  });

  test('a form without its CSRF token is refused and books nothing', async () => {
    const john = await signedIn(JOHN);
    const form = await checkoutForm(john, stay(60), 'pm_card_visa');
    const before = await counts();
    const refused = await john.post('/parking/checkout', { ...form, csrf: 'forged' });
    assert.equal(refused.status, 403);
    assert.deepEqual(await counts(), before);
  });

  test("another person's booking: cancel → 404 and nothing changes; their pass's Open → 404 and no toggle", async () => {
    const { code, id } = await bookAsJohn(stay(70));
    const other = await signedIn(PRODUCTION_OWNER);
    // Any form of theirs gives their session's CSRF token (they have no booking to cancel).
    const csrf = formField((await other.get('/parking/properties/new')).text_, 'csrf');
    const before = await counts();
    const cancel = await other.post(`/parking/bookings/${id}/cancel`, { csrf });
    assert.equal(cancel.status, 404);
    const open = await other.post(`/pass/${code}/open`, {
      csrf,
      door_id: await doorIdByName(app, 'Lobby Door'),
    });
    assert.equal(open.status, 404);
    assert.deepEqual(await counts(), before);
    const booking = await app.ctx.db
      .selectFrom('bookings')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(booking.status, 'confirmed');
  });

  test('John cancels his own booking before the cutoff: refunded, and My bookings says so', async () => {
    const { id } = await bookAsJohn(stay(80));
    const john = await signedIn(JOHN);
    const csrf = formField((await john.get('/parking/bookings')).text_, 'csrf');
    const cancelled = await john.post(`/parking/bookings/${id}/cancel`, { csrf });
    assert.equal(cancelled.status, 303);
    assert.equal(
      cancelled.headers.get('location'),
      `/parking/bookings?done=cancelled_refunded#booking-${id}`,
    );
    const page = await john.get(cancelled.headers.get('location')!.split('#')[0]!);
    assert.match(mainText(page.text_), /Booking cancelled\. The full price was refunded to your card\./);
    const order = await app.ctx.db
      .selectFrom('orders')
      .select('status')
      .where('booking_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(order.status, 'refunded');
  });

  test('before its window the pass shows no Open button, and a forced Open changes nothing', async () => {
    const { code } = await bookAsJohn(stay(90));
    const john = await signedIn(JOHN);
    const page = await john.get(`/pass/${code}`);
    assert.match(mainText(page.text_), /The gates open for this pass from/);
    assert.doesNotMatch(page.text_, /action="\/pass\/[^"]*\/open"/);
    const before = await counts();
    const open = await john.post(`/pass/${code}/open`, {
      csrf: formField((await john.get('/parking/bookings')).text_, 'csrf'),
      door_id: await doorIdByName(app, 'Lobby Door'),
    });
    assert.equal(open.status, 303);
    assert.deepEqual(await counts(), before);
  });

  test("another account's property and listing: every owner page and form → 404, nothing written", async () => {
    const other = await signedIn(PRODUCTION_OWNER);
    const csrf = formField((await other.get('/parking/properties/new')).text_, 'csrf');
    for (const path of [
      `/parking/properties/${propertyId}`,
      `/parking/properties/${propertyId}/listings/new`,
      `/parking/listings/${listingId}/manage`,
    ]) {
      assert.equal((await other.get(path)).status, 404, path);
    }
    const before = await counts();
    const forms: Array<[string, Record<string, string>]> = [
      [
        `/parking/properties/${propertyId}`,
        {
          name: 'Mine now',
          line1: '1 A St',
          city: 'X',
          country: 'US',
          latitude: '1',
          longitude: '1',
          time_zone: 'UTC',
        },
      ],
      [
        `/parking/properties/${propertyId}/listings`,
        { title: 'Sneaky', kind: 'space', currency: 'USD', hourly: '1', always_open: 'on' },
      ],
      [
        `/parking/listings/${listingId}/manage`,
        { title: 'Sneaky', currency: 'USD', hourly: '1', always_open: 'on' },
      ],
      [`/parking/listings/${listingId}/unpublish`, {}],
      [`/parking/listings/${draftId}/publish`, {}],
    ];
    for (const [path, form] of forms) {
      assert.equal((await other.post(path, { csrf, ...form })).status, 404, path);
    }
    assert.deepEqual(await counts(), before);
    const listing = await app.ctx.db
      .selectFrom('listings')
      .select(['title', 'status'])
      .where('id', '=', listingId)
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...listing }, { title: 'Covered space 12', status: 'published' });
  });

  test('John, a User, gets the 403 page on the owner pages and their forms, and nothing is written', async () => {
    const john = await signedIn(JOHN);
    for (const path of ['/parking/properties', '/parking/properties/new', '/parking/earnings']) {
      assert.equal((await john.get(path)).status, 403, path);
    }
    const csrf = formField((await john.get('/parking/bookings')).text_, 'csrf');
    const before = await counts();
    const created = await john.post('/parking/properties', {
      csrf,
      name: 'Mine',
      line1: '1 A St',
      city: 'X',
      country: 'US',
      latitude: '1',
      longitude: '1',
      time_zone: 'UTC',
    });
    assert.equal(created.status, 403);
    assert.equal((await john.post(`/parking/listings/${listingId}/unpublish`, { csrf })).status, 403);
    assert.deepEqual(await counts(), before);
  });

  test('an owner form that breaks a rule is shown again with the words and what was typed', async () => {
    const admin = await signedIn(TEST_OWNER);
    const csrf = formField((await admin.get('/parking/properties/new')).text_, 'csrf');
    const before = await counts();
    const refused = await admin.post(`/parking/properties/${propertyId}/listings`, {
      csrf,
      title: 'Bays',
      kind: 'pool',
      capacity: '4',
      currency: 'USD',
      hourly: '3.505',
      always_open: 'on',
    });
    assert.equal(refused.status, 400);
    assert.match(mainText(refused.text_), /The hourly rate is not an amount of USD/);
    assert.match(refused.text_, /id="title" name="title"[^>]*value="Bays"/);
    assert.deepEqual(await counts(), before);
  });

  test('a monthly plan is booked from the listing page: the first month paid, renewing until cancelled', async () => {
    const now = app.ctx.clock.now();
    const monthly = await createListing(
      app.ctx.db,
      owner,
      {
        propertyId,
        title: 'Reserved bay 3',
        kind: 'space',
        rates: { hourly: null, dailyMax: null, monthly: { amount: 30000, currency: 'USD' } },
      },
      now,
    );
    await publishListing(app.ctx.db, owner, monthly.id, now);
    const john = await signedIn(JOHN);
    const listingPage = await john.get(`/parking/listings/${monthly.id}`);
    assert.match(mainText(listingPage.text_), /Monthly parking \$300\.00 a month/);
    const starts = localInputValue(now + 24 * HOUR, ZONE);
    const checkout = await john.get(`/parking/listings/${monthly.id}/checkout?plan=monthly&starts=${starts}`);
    assert.equal(checkout.status, 200);
    assert.match(mainText(checkout.text_), /Total \$330\.00/);
    const form: Record<string, string> = { vehicle_id: '', plate: 'MONTH 1', payment_method: 'pm_card_visa' };
    for (const name of [
      'csrf',
      'listing_id',
      'quote_id',
      'plan',
      'starts',
      'ends',
      'final_amount',
      'final_currency',
    ])
      form[name] = formField(checkout.text_, name);
    assert.equal(form.plan, 'monthly');
    const paid = await john.post('/parking/checkout', form);
    assert.equal(paid.status, 303, mainText(paid.text_));
    const code = paid.headers.get('location')!.split('/').pop()!;
    const booking = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('pass_code', '=', code)
      .executeTakeFirstOrThrow();
    assert.equal(booking.plan, 'monthly');
    assert.notEqual(booking.renews_at, null);
    // The same form again (a double click, a reload): the pass the first one booked, nothing more.
    const once = await counts();
    const again = await john.post('/parking/checkout', form);
    assert.equal(again.status, 303, mainText(again.text_));
    assert.equal(again.headers.get('location'), `/pass/${code}`);
    assert.deepEqual(await counts(), once);
    const bookedHere = await app.ctx.db
      .selectFrom('bookings')
      .select('id')
      .where('listing_id', '=', monthly.id)
      .execute();
    assert.equal(bookedHere.length, 1);
    const charged = await app.ctx.db
      .selectFrom('payments')
      .innerJoin('orders', 'orders.id', 'payments.order_id')
      .select('payments.id')
      .where('orders.booking_id', '=', booking.id)
      .execute();
    assert.equal(charged.length, 1);
    const mine = mainText((await john.get('/parking/bookings')).text_);
    assert.match(mine, /Reserved bay 3 .*monthly, renews/);
  });

  test('a monthly plan cancelled after its cutoff still opens the gates until its paid period ends, and says it will not renew', async () => {
    const now = app.ctx.clock.now();
    const monthly = await createListing(
      app.ctx.db,
      owner,
      {
        propertyId,
        title: 'Reserved bay 7',
        kind: 'space',
        rates: { hourly: null, dailyMax: null, monthly: { amount: 30000, currency: 'USD' } },
      },
      now,
    );
    await publishListing(app.ctx.db, owner, monthly.id, now);
    const john = await signedIn(JOHN);
    const starts = localInputValue(now, ZONE);
    const checkout = await john.get(`/parking/listings/${monthly.id}/checkout?plan=monthly&starts=${starts}`);
    assert.equal(checkout.status, 200, mainText(checkout.text_));
    const form: Record<string, string> = { vehicle_id: '', plate: 'MONTH 7', payment_method: 'pm_card_visa' };
    for (const name of [
      'csrf',
      'listing_id',
      'quote_id',
      'plan',
      'starts',
      'ends',
      'final_amount',
      'final_currency',
    ])
      form[name] = formField(checkout.text_, name);
    const paid = await john.post('/parking/checkout', form);
    assert.equal(paid.status, 303, mainText(paid.text_));
    const code = paid.headers.get('location')!.split('/').pop()!;
    const { id } = await app.ctx.db
      .selectFrom('bookings')
      .select('id')
      .where('pass_code', '=', code)
      .executeTakeFirstOrThrow();
    const cancelled = await john.post(`/parking/bookings/${id}/cancel`, {
      csrf: formField((await john.get('/parking/bookings')).text_, 'csrf'),
    });
    assert.equal(cancelled.status, 303);
    const page = await john.get(`/pass/${code}`);
    assert.match(mainText(page.text_), /Cancelled — it will not renew; the gates open for you until /);
    assert.match(page.text_, /action="\/pass\/[^"]*\/open"/);
  });

  // Last: it leaves this address waiting on every pass.
  test('guessing pass codes: after 20 unknown codes from one address, every pass answers 429 with a clear page', async () => {
    const { code } = await bookAsJohn(stay(100));
    await app.ctx.db.deleteFrom('login_attempts').where('throttle_key', 'like', 'pass_miss:%').execute();
    const visitor = app.browser();
    for (let i = 0; i < PASS_MISSES_PER_WINDOW; i++)
      assert.equal((await visitor.get(`/pass/ZZZZZ${String(i).padStart(3, '0')}`)).status, 404);
    const guessed = await visitor.get('/pass/ZZZZZZZZ');
    assert.equal(guessed.status, 429);
    assert.match(mainText(guessed.text_), /Too many pass codes that do not exist were tried from here/);
    assert.notEqual(guessed.headers.get('retry-after'), null);
    assert.equal((await visitor.get(`/pass/${code}`)).status, 429);
  });
});
