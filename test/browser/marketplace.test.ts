import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createListing, publishListing } from '../../src/marketplace/listings.ts';
import { createProperty } from '../../src/marketplace/properties.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { localInputValue } from '../../src/web/marketplace/format.ts';
import { doorIdByName } from '../helpers/account-pages.ts';
import {
  assertFitsPhoneWidth,
  heightOf,
  MIN_TOUCH_PX,
  PHONE,
  press,
  SystemChromium,
} from '../helpers/chromium.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const SHOTS = process.env.PARQEX_SCREENSHOTS ?? '/tmp';
const ZONE = 'America/New_York';

async function actorOf(app: TestApp, email: string): Promise<Actor> {
  const user = await app.ctx.db
    .selectFrom('users')
    .select(['id', 'account_id', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return { userId: user.id, accountId: user.account_id, role: user.role };
}

async function count(
  app: TestApp,
  table: 'bookings' | 'orders' | 'payments' | 'access_grants',
): Promise<number> {
  const row = await app.ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the Marketplace pages in Chromium, on a phone', () => {
  const chromium = new SystemChromium();
  let app: TestApp;
  let listingId: string;

  before(async () => {
    app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
    const owner = await actorOf(app, TEST_OWNER.email);
    const now = app.ctx.clock.now();
    // The Test account's Lobby Door is the gate; John (a User of that account) cannot open it otherwise.
    const property = await createProperty(
      app.ctx.db,
      owner,
      {
        name: 'Elm Street Garage',
        address: {
          line1: '12 Elm Street',
          city: 'New York',
          region: 'NY',
          postal_code: '10001',
          country: 'US',
        },
        latitude: 40.7506,
        longitude: -73.9935,
        timeZone: ZONE,
        doorIds: [await doorIdByName(app, 'Lobby Door')],
      },
      now,
    );
    const listing = await createListing(
      app.ctx.db,
      owner,
      {
        propertyId: property.id,
        title: 'Covered space 12',
        description: 'Ground floor, next to the lift.',
        kind: 'space',
        rates: {
          hourly: { amount: 400, currency: 'USD' },
          dailyMax: { amount: 2500, currency: 'USD' },
          monthly: null,
        },
        freeCancelMinutes: 60,
      },
      now,
    );
    await publishListing(app.ctx.db, owner, listing.id, now);
    listingId = listing.id;
  });
  after(async () => {
    await chromium.close();
    await app?.close();
  });

  async function signIn(page: Page, path: string, user = JOHN) {
    await page.goto(`${app.baseUrl}${path}`);
    await page.getByRole('heading', { name: 'Sign in to ParqEx' }).waitFor();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, page.getByRole('button', { name: 'Sign in' }), '/login', 'tap');
  }

  /** A stay from this minute (New York time) for two hours: the gate opens from the pass at once. */
  function stayNow(): { starts: string; ends: string } {
    const now = app.ctx.clock.now();
    return { starts: localInputValue(now, ZONE), ends: localInputValue(now + 2 * 3_600_000, ZONE) };
  }

  test('John finds parking near Midtown, books it with pm_card_visa, and opens the gate from his pass', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    await signIn(page, '/doors');
    await page.getByRole('navigation', { name: 'Parking' }).getByRole('link', { name: 'Find parking' }).tap();
    await page.getByRole('heading', { name: 'Find parking' }).waitFor();
    await assertFitsPhoneWidth(page, 'the search page');

    const stay = stayNow();
    await page.getByLabel('Near').selectOption({ label: 'New York — Midtown' });
    await page.getByLabel('From').fill(stay.starts);
    await page.getByLabel('Until').fill(stay.ends);
    await page.getByRole('button', { name: 'Search' }).tap();
    const result = page.locator('li.result').filter({ hasText: 'Covered space 12' });
    await result.waitFor();
    assert.match(await result.innerText(), /Elm Street Garage/);
    assert.match(await result.innerText(), /\$8\.80/, 'two hours at $4 plus the 10 % fee');
    assert.match(await result.innerText(), /\d+(\.\d)? k?m/);
    await assertFitsPhoneWidth(page, 'the search results');
    await page.screenshot({ path: `${SHOTS}/mk-search.png`, fullPage: true });

    await result.getByRole('link', { name: 'Book' }).tap();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await assertFitsPhoneWidth(page, 'the checkout');
    assert.match(
      await page.locator('main').innerText(),
      /Test mode — simulated processor: pm_card_visa \/ pm_card_chargeDeclined/,
    );
    assert.equal(
      await page.getByLabel('Your vehicle').inputValue(),
      (await page.getByLabel('Your vehicle').locator('option').first().getAttribute('value')) ?? '',
    );
    await page.getByLabel('Card').selectOption('pm_card_visa');
    await page.screenshot({ path: `${SHOTS}/mk-checkout.png`, fullPage: true });
    const pay = page.getByRole('button', { name: /^Pay \$8\.80/ });
    assert.ok((await heightOf(pay)) >= MIN_TOUCH_PX);
    await press(page, pay, '/parking/checkout', 'tap');

    await page.getByRole('heading', { name: 'Parking pass' }).waitFor();
    const code = new URL(page.url()).pathname.split('/').pop()!;
    assert.match(code, /^[A-Z2-9]{8}$/);
    assert.match(await page.locator('main').innerText(), /Booked and paid \(\$8\.80\)/);
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is inline SVG');
    assert.match(await page.locator('main').innerText(), /12 Elm Street/);
    assert.match(await page.locator('main').innerText(), /ABC1234/);
    await assertFitsPhoneWidth(page, 'the pass');
    await page.screenshot({ path: `${SHOTS}/mk-pass.png`, fullPage: true });

    const booking = await app.ctx.db
      .selectFrom('bookings')
      .selectAll()
      .where('pass_code', '=', code)
      .executeTakeFirstOrThrow();
    assert.equal(booking.status, 'confirmed');
    assert.equal(booking.listing_id, listingId);

    // An attendant (anyone with the link) sees the code, the place and the window; the plate masked.
    const attendant = await chromium.openPage(t, PHONE);
    if (!attendant) return;
    await attendant.goto(`${app.baseUrl}/pass/${code}`);
    await attendant.getByRole('heading', { name: 'Parking pass' }).waitFor();
    const seen = await attendant.locator('main').innerText();
    assert.match(seen, /AB•••34/);
    assert.doesNotMatch(seen, /ABC1234/);
    await assertFitsPhoneWidth(attendant, 'the pass for an attendant');
    await attendant.screenshot({ path: `${SHOTS}/mk-pass-attendant.png`, fullPage: true });

    const open = page.getByRole('button', { name: 'Open Lobby Door' });
    assert.ok((await heightOf(open)) >= MIN_TOUCH_PX);
    await press(page, open, `/pass/${code}/open`, 'tap');
    await page.getByText('Done: Lobby Door was asked to open.').waitFor();
    const lobby = await doorIdByName(app, 'Lobby Door');
    const events = await app.ctx.db
      .selectFrom('access_events')
      .select(['outcome', 'channel'])
      .where('door_id', '=', lobby)
      .where('channel', '=', 'ParqEx Web')
      .execute();
    assert.deepEqual(
      events.map((e) => ({ ...e })),
      [{ outcome: 'done', channel: 'ParqEx Web' }],
    );

    await page.getByRole('navigation', { name: 'Parking' }).getByRole('link', { name: 'My bookings' }).tap();
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    assert.match(await page.locator(`#booking-${booking.id}`).innerText(), /Covered space 12/);
    await assertFitsPhoneWidth(page, 'my bookings');
    await page.screenshot({ path: `${SHOTS}/mk-bookings.png`, fullPage: true });
  });

  test('a declined card says so plainly and books nothing', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    // A later stay than the first test's (the space is taken then).
    const now = app.ctx.clock.now();
    const later = {
      starts: localInputValue(now + 5 * 3_600_000, ZONE),
      ends: localInputValue(now + 6 * 3_600_000, ZONE),
    };
    // The listing page: its hours and the price of the stay, then checkout.
    await signIn(page, `/parking/listings/${listingId}?${new URLSearchParams(later)}`);
    await page.getByRole('heading', { name: 'Covered space 12' }).waitFor();
    assert.match(await page.locator('#hours').innerText(), /Open at all times\./);
    assert.match(await page.locator('#price').innerText(), /Total\s+\$4\.40/);
    await assertFitsPhoneWidth(page, 'the listing page');
    await page.screenshot({ path: `${SHOTS}/mk-listing.png`, fullPage: true });
    await page.getByRole('link', { name: 'Book for $4.40' }).tap();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    const before = {
      bookings: await count(app, 'bookings'),
      orders: await count(app, 'orders'),
      payments: await count(app, 'payments'),
      grants: await count(app, 'access_grants'),
    };
    await page.getByLabel('Card').selectOption('pm_card_chargeDeclined');
    const answered = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: /^Pay/ }).tap();
    assert.equal((await answered).status(), 402);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      await alert.innerText(),
      /Your card was declined\. Nothing was charged and nothing was booked\./,
    );
    assert.equal(
      await page.getByLabel('Card').inputValue(),
      'pm_card_chargeDeclined',
      'the form keeps the choice',
    );
    await assertFitsPhoneWidth(page, 'the checkout with a decline');
    await page.screenshot({ path: `${SHOTS}/mk-declined.png`, fullPage: true });
    assert.deepEqual(
      {
        bookings: await count(app, 'bookings'),
        orders: await count(app, 'orders'),
        payments: await count(app, 'payments'),
        grants: await count(app, 'access_grants'),
      },
      before,
    );
  });

  test('the owner adds a property and a listing with forms, publishes it, and sees the bookings and earnings', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    await signIn(page, '/doors', TEST_OWNER);
    const parking = page.getByRole('navigation', { name: 'Parking' });
    for (const name of ['Find parking', 'My bookings', 'Properties & listings', 'Earnings']) {
      const link = parking.getByRole('link', { name, exact: true });
      assert.ok((await heightOf(link)) >= MIN_TOUCH_PX, `the ${name} link is touch-sized`);
    }
    const row = (await page.evaluate(
      "(() => { const ul = document.querySelector('nav.parking ul'); return { scroll: ul.scrollWidth, client: ul.clientWidth }; })()",
    )) as { scroll: number; client: number };
    assert.ok(row.scroll <= row.client, `the parking row is ${row.scroll}px wide in ${row.client}px`);
    await assertFitsPhoneWidth(page, 'the doors page with both rows of navigation');

    await parking.getByRole('link', { name: 'Properties & listings' }).tap();
    await page.getByRole('heading', { name: 'Properties & listings' }).waitFor();
    await page.getByRole('link', { name: 'Add a property' }).tap();
    await page.getByLabel('Name').fill('Pine Lot');
    await page.getByLabel('Street and number').fill('40 Pine Street');
    await page.getByLabel('City').fill('New York');
    await page.getByLabel('State or region').fill('NY');
    await page.getByLabel('Latitude').fill('40.7069');
    await page.getByLabel('Longitude').fill('-74.0087');
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByRole('checkbox', { name: /Garage/ }).check();
    await assertFitsPhoneWidth(page, 'the property form');
    await page.screenshot({ path: `${SHOTS}/mk-owner-property.png`, fullPage: true });
    await press(page, page.getByRole('button', { name: 'Add property' }), '/parking/properties', 'tap');
    await page.getByText('Property added.').waitFor();
    const pine = page.locator('section.property').filter({ hasText: 'Pine Lot' });
    assert.match(await pine.innerText(), /Gates: Garage/);
    await assertFitsPhoneWidth(page, 'properties & listings');

    await pine.getByRole('link', { name: 'Add a listing' }).tap();
    await page.getByLabel('Title').fill('Open-air bays');
    await page.getByLabel('A pool of identical spaces').check();
    await page.getByLabel('Spaces (pool)').fill('3');
    await page.getByLabel('Per hour').fill('3.50');
    await page.getByLabel('Day maximum').fill('20');
    await page.getByRole('checkbox', { name: /Open at all times/ }).uncheck();
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await page.getByLabel(day).fill('07:00-20:00');
    }
    await page.getByLabel('Closed dates').fill('2026-12-25');
    await assertFitsPhoneWidth(page, 'the listing form');
    await page.screenshot({ path: `${SHOTS}/mk-owner-listing-form.png`, fullPage: true });
    const created = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Save as draft' }).tap();
    assert.equal((await created).status(), 303);
    await page.getByText('Listing saved as a draft.').waitFor();
    await press(
      page,
      page.getByRole('button', { name: 'Publish' }),
      new URL(page.url()).pathname.replace('/manage', '/publish'),
      'tap',
    );
    await page.getByText('Published: renters can find and book it now.').waitFor();
    await page.goto(`${app.baseUrl}/parking/properties`);
    await page.screenshot({ path: `${SHOTS}/mk-owner-properties.png`, fullPage: true });
    const listing = await app.ctx.db
      .selectFrom('listings')
      .selectAll()
      .where('title', '=', 'Open-air bays')
      .executeTakeFirstOrThrow();
    assert.equal(listing.status, 'published');
    assert.equal(listing.kind, 'pool');
    assert.equal(Number(listing.capacity), 3);
    assert.equal(Number(listing.hourly_rate), 350);
    assert.equal(Number(listing.daily_max_rate), 2000);
    assert.deepEqual(JSON.parse(listing.availability!).closed_dates, ['2026-12-25']);

    // The first listing's calendar shows John's booking today; the earnings count its parking line.
    await page.goto(`${app.baseUrl}/parking/listings/${listingId}/manage`);
    await page.getByRole('heading', { name: 'Covered space 12' }).waitFor();
    assert.match(await page.locator('#calendar').innerText(), /ABC1234/);
    await assertFitsPhoneWidth(page, 'the listing page with its calendar');
    await page.screenshot({ path: `${SHOTS}/mk-owner-manage.png`, fullPage: true });

    await parking.getByRole('link', { name: 'Earnings' }).tap();
    await page.getByRole('heading', { name: 'Earnings', exact: true }).waitFor();
    assert.match(await page.locator('table.earnings tfoot').innerText(), /\$8\.00/);
    await assertFitsPhoneWidth(page, 'the earnings');
    await page.screenshot({ path: `${SHOTS}/mk-owner-earnings.png`, fullPage: true });
  });

  test('John, a User, is not shown the owner pages, and gets the 403 page when he goes there', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    await signIn(page, '/parking/properties');
    assert.equal(await page.getByRole('link', { name: 'Properties & listings' }).count(), 0);
    assert.match(
      await page.locator('main').innerText(),
      /Only the Admin of your account can use this page\./,
    );
  });
});
