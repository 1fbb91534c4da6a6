import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { doorIdByName } from '../helpers/account-pages.ts';
import {
  assertFitsPhoneWidth,
  heightOf,
  MIN_TOUCH_PX,
  PHONE,
  press,
  pressInPlace,
  SystemChromium,
} from '../helpers/chromium.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const DOORS_SCREENSHOT = '/tmp/doors-phone.png';

describe('the account pages in Chromium', () => {
  const chromium = new SystemChromium();
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
  });
  after(async () => {
    await chromium.close();
    await app?.close();
  });

  /** Opens the doors page, signing in on the way as `user`. */
  async function signInToDoors(
    page: Page,
    user: { email: string; password: string },
    how: 'click' | 'tap' = 'click',
  ) {
    await page.goto(`${app.baseUrl}/doors`);
    await page.getByRole('heading', { name: 'Sign in to ParqEx' }).waitFor();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, page.getByRole('button', { name: 'Sign in' }), '/login', how);
    await page.getByRole('heading', { name: 'Your doors' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/doors');
    assert.equal(await page.title(), 'Doors · ParqEx');
  }

  /** One door's card on the doors page, found by its heading. */
  function doorCard(page: Page, name: string): Locator {
    return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  }

  test('John signs in, opens Garage with its Open button, and sees the notice and the door open', async (t) => {
    const page = await chromium.openPage(t);
    if (!page) return;
    await signInToDoors(page, JOHN);

    const garage = doorCard(page, 'Garage');
    await garage.getByText('Has Access').waitFor();
    assert.equal((await garage.locator('.state').textContent())?.trim(), 'Closed');
    assert.equal(await doorCard(page, 'Lobby Door').count(), 0);

    // The page's script posts the form in place: no navigation, the card says what happened.
    await pressInPlace(page, garage.getByRole('button', { name: 'Open', exact: true }));
    const notice = garage.locator('.door-live .notice');
    assert.equal((await notice.textContent())?.trim(), 'Done: Garage was asked to open.');
    await garage.locator('.state', { hasText: /^Open$/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/doors');
    assert.equal(new URL(page.url()).search, '');

    const history = await app.ctx.db
      .selectFrom('access_events')
      .select(['channel', 'outcome'])
      .where('door_id', '=', await doorIdByName(app, 'Garage'))
      .where('channel', '=', 'ParqEx Web')
      .execute();
    assert.deepEqual(
      history.map((e) => ({ ...e })),
      [{ channel: 'ParqEx Web', outcome: 'done' }],
    );

    // The navigation leads to the history, which lists the attempt.
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    assert.match(
      (await page.locator('ul.history').innerText()).replace(/\s+/g, ' '),
      /John Doe asked Garage to open/,
    );
  });

  test('on a phone: the doors page fits 390px, its buttons are touch-sized, and a tap opens a door', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    await signInToDoors(page, TEST_OWNER, 'tap');
    await assertFitsPhoneWidth(page, 'the doors page');

    const backGate = doorCard(page, 'Back Gate');
    await backGate.getByText('Controller offline').waitFor();
    for (const name of ['Open', 'Close']) {
      const height = await heightOf(backGate.getByRole('button', { name, exact: true }));
      assert.ok(height >= MIN_TOUCH_PX, `${name} is ${height}px tall, under ${MIN_TOUCH_PX}px`);
    }
    // The account navigation is one row that fits: no link is hidden off the side.
    const nav = (await page.evaluate(
      "(() => { const ul = document.querySelector('nav.site ul'); return { scroll: ul.scrollWidth, client: ul.clientWidth }; })()",
    )) as { scroll: number; client: number };
    assert.ok(nav.scroll <= nav.client, `the navigation is ${nav.scroll}px wide in ${nav.client}px`);
    for (const link of ['Doors', 'History', 'Settings', 'Applications', 'Admin']) {
      const height = await heightOf(
        page.getByRole('navigation', { name: 'Your account' }).getByRole('link', { name: link }),
      );
      assert.ok(height >= MIN_TOUCH_PX, `the ${link} link is ${height}px tall`);
    }

    await pressInPlace(page, backGate.getByRole('button', { name: 'Open', exact: true }), 'tap');
    const refusal = backGate.locator('.door-live .error');
    assert.match(
      (await refusal.textContent()) ?? '',
      /Back Gate could not be reached: its controller is offline\./,
    );
    await assertFitsPhoneWidth(page, 'the doors page with a notice');

    // The rename form opens without any script (details/summary) and fits too.
    await doorCard(page, 'Garage').getByText('Rename').tap();
    await doorCard(page, 'Garage').getByLabel('Your name for this door').waitFor();
    await assertFitsPhoneWidth(page, 'the doors page with a rename form open');
    await page.screenshot({ path: DOORS_SCREENSHOT, fullPage: true });

    for (const path of ['/history', '/settings', '/admin', '/admin/sharing', '/account']) {
      await page.goto(`${app.baseUrl}${path}`);
      await assertFitsPhoneWidth(page, path);
    }
  });
});
