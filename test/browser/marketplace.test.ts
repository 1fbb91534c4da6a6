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
    await signIn(page, `/parking/listings/${listingId}/checkout?${new URLSearchParams(later)}`);
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
});
