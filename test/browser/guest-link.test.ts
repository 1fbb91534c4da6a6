import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ManualClock } from '../../src/lib/clock.ts';
import { assertFitsPhoneWidth, MIN_TOUCH_PX, PHONE, press, SystemChromium } from '../helpers/chromium.ts';
import { startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

/** Screenshots of the guest page on a phone, to look at (the test prints where they are). */
const SHOTS = mkdtempSync(join(tmpdir(), 'parqex-guest-'));
const PASSES = '/oauth/v1/endpoints/guest-passes';
const HOUR = 3_600_000;

function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('a guest link on a phone: scheduled → active (Open works) → revoked (nothing opens), across two servers', () => {
  const chromium = new SystemChromium();
  const dir = mkdtempSync(join(tmpdir(), 'parqex-guest-db-'));
  // Both servers read the same clock (as two hosts read the same time), moved by hand.
  const clock = new ManualClock(Date.UTC(2026, 2, 7, 20, 0, 0));
  let host: TestApp;
  let other: TestApp;
  let admin: string;
  let doors: Map<string, string>;

  before(async () => {
    const env = {
      PARQEX_SIMULATOR_TRAVEL_MS: '0',
      PARQEX_TOGGLE_COOLDOWN_S: '0',
      PARQEX_CACHE_TTL_MS: '60000',
    };
    host = await startTestApp({
      env,
      clock,
      ...(TEST_DIALECT === 'sqlite' ? { sqliteFile: join(dir, 'parqex.db') } : {}),
    });
    other = await startTestApp({ env, clock, shareDatabaseWith: host });
    admin = (await host.tokensFor({ user: TEST_OWNER, scope: 'opendoor,guests' })).access_token;
    // The host has an address of their own; the Garage, the first door of the pass, is the gate of
    // the demo property (running.md), so the property's address is where the guest goes.
    await host.ctx.db
      .updateTable('users')
      .set({
        address_line1: '12 Elm Street',
        address_city: 'Springfield',
        address_region: 'IL',
        address_postal_code: '62704',
        address_country: 'US',
      })
      .where('email', '=', TEST_OWNER.email)
      .execute();
    const sync = await host.api('/oauth/v1/endpoints/sync', admin);
    doors = new Map(sync.body.devices.flatMap((d: any) => d.doors.map((x: any) => [x.name, x.id])));
  });
  after(async () => {
    await chromium.close();
    await other?.close();
    await host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function shoot(page: Page, name: string, t: { diagnostic: (s: string) => void }) {
    const path = join(SHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
  }

  function doorCard(page: Page, name: string): Locator {
    return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  }

  const guestEvents = async () =>
    (
      await host.ctx.db
        .selectFrom('access_events')
        .select(['door_id', 'channel', 'actor_kind', 'actor_label', 'outcome'])
        .where('channel', '=', 'GuestAccess')
        .orderBy('occurred_at')
        .execute()
    ).map((row) => ({ ...row }));

  test('the whole life of a link, as the guest sees it', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    const created = await host.api(PASSES, admin, {
      body: {
        guest: { first_name: 'Maya', last_name: 'Lindqvist' },
        plate: 'KJT 4471',
        starts: rfc3339(clock.now() + HOUR),
        ends: rfc3339(clock.now() + 5 * HOUR),
        door_ids: [doors.get('Garage'), doors.get('Lobby Door')],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const link: string = created.body.data.link;
    const token = link.split('/g/')[1]!;
    host.remember(token);
    other.remember(token);
    // The guest opens the link on the second server.
    const url = `${other.baseUrl}/g/${token}`;

    // Scheduled: who, where, when, the code and its QR code; no Open button.
    const first = await page.goto(url);
    assert.equal(first?.status(), 200);
    const headers = first!.headers();
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.match(headers['x-robots-tag'] ?? '', /noindex/);
    assert.equal(headers['cache-control'], 'no-store');
    await page.getByRole('heading', { name: 'Hello Maya Lindqvist' }).waitFor();
    assert.match((await page.locator('.lead').textContent()) ?? '', /ParqEx Test invited you/);
    assert.match((await page.getByRole('status').textContent()) ?? '', /Your pass starts/);
    assert.equal(await page.getByRole('button', { name: /^Open/ }).count(), 0);
    assert.equal(await page.getByRole('img', { name: /QR code of pass/ }).count(), 1);
    assert.equal(await page.locator('.code').textContent(), created.body.data.code);
    assert.match(
      (await page.locator('dl.facts').textContent()) ?? '',
      /14 West 33rd Street, New York, NY 10001, US/,
    );
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /Sat, 7 Mar 2026, 16:00 – 20:00/);
    await assertFitsPhoneWidth(page, 'the guest page, scheduled');
    await shoot(page, '1-scheduled', t);

    // The calendar file: the window in UTC, no secret in it.
    const ics = await fetch(`${url}/pass.ics`);
    assert.equal(ics.status, 200);
    assert.match(ics.headers.get('content-type') ?? '', /^text\/calendar/);
    const calendar = await ics.text();
    assert.match(calendar, /BEGIN:VEVENT\r\n/);
    assert.match(calendar, new RegExp(`DTSTART:${rfc3339(clock.now() + HOUR).replace(/[-:]/g, '')}`));
    assert.ok(!calendar.includes(token), 'the link is not in the calendar file');

    // Active: an Open button per door; Open works, in place, and is in the history as the guest.
    clock.advance(HOUR);
    await page.reload();
    assert.match((await page.getByRole('status').first().textContent()) ?? '', /Your pass is active/);
    const garage = doorCard(page, 'Garage');
    const open = garage.getByRole('button', { name: 'Open Garage' });
    const box = await open.boundingBox();
    assert.ok(box && box.height >= MIN_TOUCH_PX, 'a comfortable button');
    assert.equal(await page.getByRole('button', { name: /^Open/ }).count(), 2);
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/open'),
    );
    await open.tap();
    assert.equal((await answered).status(), 200);
    await garage.locator('.door-live .notice').waitFor();
    assert.equal(
      (await garage.locator('.door-live .notice').textContent())?.trim(),
      'Done: Garage was asked to open.',
    );
    assert.deepEqual(await guestEvents(), [
      {
        door_id: doors.get('Garage'),
        channel: 'GuestAccess',
        actor_kind: 'guest',
        actor_label: 'Maya Lindqvist',
        outcome: 'done',
      },
    ]);
    await assertFitsPhoneWidth(page, 'the guest page, active');
    await shoot(page, '2-active-opened', t);

    // Revoked on the first server; the page still shows its button on the second: tapping it opens
    // nothing, writes nothing, and says why.
    admin = (await host.tokensFor({ user: TEST_OWNER, scope: 'opendoor,guests' })).access_token;
    const revoked = await host.api(`${PASSES}/${created.body.data.id}`, admin, { method: 'DELETE' });
    assert.equal(revoked.status, 200);
    const lobby = doorCard(page, 'Lobby Door');
    const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/open'));
    await lobby.getByRole('button', { name: 'Open Lobby Door' }).tap();
    assert.equal((await refused).status(), 410);
    await lobby.locator('.door-live .error').waitFor();
    assert.match(
      (await lobby.locator('.door-live .error').textContent()) ?? '',
      /cancelled: it opens nothing now/,
    );
    assert.equal((await guestEvents()).length, 1, 'no history entry for a revoked link');
    assert.equal(await page.getByRole('button', { name: /^Open/ }).count(), 0, 'the buttons are gone');

    await page.reload();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /This pass was cancelled/);
    assert.equal(await page.getByRole('button', { name: /^Open/ }).count(), 0);
    assert.equal(await page.getByRole('img', { name: /QR code/ }).count(), 0);
    await assertFitsPhoneWidth(page, 'the guest page, revoked');
    await shoot(page, '3-revoked', t);
  });

  test('an expired link says so and opens nothing; a made-up link is a plain 404', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    // The clock moved past the first token's hour.
    admin = (await host.tokensFor({ user: TEST_OWNER, scope: 'opendoor,guests' })).access_token;
    const created = await host.api(PASSES, admin, {
      body: {
        guest: { first_name: 'Sam', last_name: 'Okafor' },
        starts: rfc3339(clock.now()),
        ends: rfc3339(clock.now() + HOUR),
        door_ids: [doors.get('Garage')],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const token = created.body.data.link.split('/g/')[1];
    host.remember(token);
    await page.goto(`${host.baseUrl}/g/${token}`);
    await page.getByRole('button', { name: 'Open Garage' }).waitFor();
    clock.advance(HOUR);
    const before = (await guestEvents()).length;
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/open'),
    );
    await page.getByRole('button', { name: 'Open Garage' }).tap();
    assert.equal((await answered).status(), 410);
    assert.equal((await guestEvents()).length, before);
    await page.reload();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /This pass has expired/);
    await shoot(page, '4-expired', t);

    const unknown = await page.goto(`${host.baseUrl}/g/${'A'.repeat(43)}`);
    assert.equal(unknown?.status(), 404);
    assert.match((await page.locator('main').textContent()) ?? '', /This link does not work/);
  });
});

describe('the hosts’ page on a phone', () => {
  const chromium = new SystemChromium();
  let host: TestApp;
  before(async () => {
    // The real clock: a browser drops cookies that expired by its own clock.
    host = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
  });
  after(async () => {
    await chromium.close();
    await host?.close();
  });

  async function shoot(page: Page, name: string, t: { diagnostic: (s: string) => void }) {
    const path = join(SHOTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    t.diagnostic(`screenshot: ${path}`);
  }

  test('the host on a phone: from the doors page to a pass, its link to copy, and the list with Revoke', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    await page.goto(`${host.baseUrl}/doors`);
    await page.getByLabel('Email').fill(TEST_OWNER.email);
    await page.getByLabel('Password').fill(TEST_OWNER.password);
    await press(page, page.getByRole('button', { name: 'Sign in' }), '/login', 'tap');
    await page.getByRole('link', { name: 'Guest passes' }).tap();
    await page.getByRole('heading', { name: 'Invite a guest' }).waitFor();
    await assertFitsPhoneWidth(page, 'the hosts’ page');
    await page.getByLabel('Guest’s first name').fill('Ines');
    await page.getByLabel('Guest’s last name').fill('Moreau');
    await page.getByLabel(/Vehicle plate/).fill('GX-512-PL');
    await page.getByRole('checkbox', { name: 'Garage' }).check();
    await shoot(page, '5-host-form', t);
    await press(page, page.getByRole('button', { name: 'Create the pass' }), '/guests/create', 'tap');
    await page.getByRole('heading', { name: 'Guest pass created' }).waitFor();
    const link = await page.getByLabel('The guest’s link').inputValue();
    await page.getByRole('button', { name: 'Copy the link' }).waitFor();
    assert.match(link, /\/g\/[A-Za-z0-9_-]{43}$/);
    host.remember(link.split('/g/')[1]);
    const row = page.locator('li.pass-row').filter({ hasText: 'Ines Moreau' });
    await row.getByRole('button', { name: 'Revoke the pass of Ines Moreau' }).waitFor();
    await assertFitsPhoneWidth(page, 'the hosts’ page with a pass');
    await shoot(page, '6-host-created', t);
    await press(
      page,
      row.getByRole('button', { name: 'Revoke the pass of Ines Moreau' }),
      '/guests/revoke',
      'tap',
    );
    await page.getByText('Revoked: Ines Moreau’s link opens nothing now.').waitFor();
    await shoot(page, '7-host-revoked', t);
  });
});
