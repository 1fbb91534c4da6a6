import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startBackgroundWork } from '../../src/background.ts';
import {
  assertFitsPhoneWidth,
  press,
  pressInPlace,
  SMALL_PHONE,
  SystemChromium,
} from '../helpers/chromium.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

/** Screenshots of the doors page at 375 px, to look at (the test prints where they are). */
const SHOTS = mkdtempSync(join(tmpdir(), 'parqex-doors-'));

describe('the doors page, live, in Chromium at 375 px', () => {
  const chromium = new SystemChromium();
  let app: TestApp;
  let stopBackground: () => void;

  before(async () => {
    // A real clock and the server's background work: the simulated sensors report on their own.
    app = await startTestApp({
      env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '2000' },
    });
    stopBackground = startBackgroundWork(app.ctx, app.app.log);
  });
  after(async () => {
    stopBackground?.();
    await chromium.close();
    await app?.close();
  });

  async function signInToDoors(page: Page, user: { email: string; password: string }) {
    await page.goto(`${app.baseUrl}/doors`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await press(page, page.getByRole('button', { name: 'Sign in' }), '/login', 'tap');
    await page.getByRole('heading', { name: 'Your doors' }).waitFor();
  }

  function doorCard(page: Page, name: string): Locator {
    return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  }

  async function shoot(page: Page, name: string, t: { diagnostic: (s: string) => void }) {
    const path = join(SHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
  }

  test('Open shows "Opening…", the buttons wait, then "Open" as the sensor reports — no reload', async (t) => {
    const page = await chromium.openPage(t, SMALL_PHONE);
    if (!page) return;
    await signInToDoors(page, JOHN);
    const stateRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/doors/state') stateRequests.push(r.url());
    });
    // A mark on this document: it survives only if the page is never reloaded.
    await page.evaluate('window.parqexMark = "same document"');

    const garage = doorCard(page, 'Garage');
    assert.equal(await garage.locator('.door-live').getAttribute('aria-live'), 'polite');
    await pressInPlace(page, garage.getByRole('button', { name: 'Open', exact: true }), 'tap');
    await garage.locator('.state', { hasText: 'Opening…' }).waitFor();
    assert.equal(await garage.getByRole('button', { name: 'Open', exact: true }).isDisabled(), true);
    assert.equal(await garage.getByRole('button', { name: 'Close', exact: true }).isDisabled(), true);
    assert.equal(
      (await garage.locator('.door-live .notice').textContent())?.trim(),
      'Done: Garage was asked to open.',
    );
    await assertFitsPhoneWidth(page, 'the doors page with a door moving');
    await shoot(page, '1-opening', t);

    // The simulator's sensor reports after the travel time; the card follows by polling.
    await garage.locator('.state.open', { hasText: /^Open$/ }).waitFor();
    assert.equal(await garage.getByRole('button', { name: 'Close', exact: true }).isEnabled(), true);
    assert.match((await garage.locator('.last-used').textContent()) ?? '', /^Last used \d{4}-/);
    assert.equal(await page.evaluate('window.parqexMark'), 'same document');
    assert.equal(new URL(page.url()).search, '');
    assert.ok(stateRequests.length > 0, 'the page asked for its state');
    await shoot(page, '2-open', t);
  });

  test('a refused toggle says why in the card: offline controller, no paired sensor', async (t) => {
    const page = await chromium.openPage(t, SMALL_PHONE);
    if (!page) return;
    await signInToDoors(page, TEST_OWNER);

    const backGate = doorCard(page, 'Back Gate');
    await pressInPlace(page, backGate.getByRole('button', { name: 'Open', exact: true }), 'tap');
    assert.match(
      (await backGate.locator('.door-live .error').textContent()) ?? '',
      /^Back Gate could not be reached: its controller is offline\. Nothing was changed\./,
    );
    assert.equal(await backGate.locator('.state').textContent(), 'Closed');
    assert.equal(await backGate.getByRole('button', { name: 'Open', exact: true }).isEnabled(), true);

    const elevator = doorCard(page, 'Elevator');
    await pressInPlace(page, elevator.getByRole('button', { name: 'Open', exact: true }), 'tap');
    assert.match(
      (await elevator.locator('.door-live .error').textContent()) ?? '',
      /^Elevator has no door sensor paired, so its controller will not move it\./,
    );
    await assertFitsPhoneWidth(page, 'the doors page with refusals');
    await backGate.scrollIntoViewIfNeeded();
    await shoot(page, '3-refused', t);
  });

  test('without JavaScript the form still works: post, redirect, a notice once, the page reloads itself', async (t) => {
    const page = await chromium.openPage(t, { ...SMALL_PHONE, javaScriptEnabled: false });
    if (!page) return;
    await signInToDoors(page, JOHN);

    const kitty = doorCard(page, 'Kitty');
    await press(page, kitty.getByRole('button', { name: 'Open', exact: true }), '/doors/toggle', 'tap');
    await kitty.locator('.door-live .notice', { hasText: 'Done: Kitty was asked to open.' }).waitFor();
    const url = new URL(page.url());
    assert.equal(`${url.pathname}${url.search}`, '/doors');
    assert.equal(await kitty.locator('.state').textContent(), 'Opening…');
    assert.equal(await kitty.getByRole('button', { name: 'Close', exact: true }).isDisabled(), true);
    await shoot(page, '4-no-script-opening', t);

    // The <noscript> refresh reloads the page once the door should have arrived; the notice is gone.
    await kitty.locator('.state.open', { hasText: /^Open$/ }).waitFor();
    assert.equal(await kitty.locator('.door-live .notice').count(), 0);
    assert.equal(await kitty.getByRole('button', { name: 'Close', exact: true }).isEnabled(), true);
    await assertFitsPhoneWidth(page, 'the doors page without script');
    await shoot(page, '5-no-script-open', t);
  });
});
