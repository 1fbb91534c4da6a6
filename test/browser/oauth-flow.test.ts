import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  assertFitsPhoneWidth,
  heightOf,
  MIN_TOUCH_PX,
  PHONE,
  press,
  SystemChromium,
} from '../helpers/chromium.ts';
import { JOHN, startTestApp, type TestApp } from '../helpers/test-app.ts';

// The docs' own example state (Step 2): leading `=`, `/`, `--`; it must come back byte for byte.
const DOCS_STATE =
  '=dzRBV1RxdWg5S0JWUTBhMGpEUy9NT3lGS2xjbkRsMHBDeEJDTXdPS1JpRzhlS3FFRmorOHo2SUoxZmlYb0o4dE8wRGM3Nnhwd0xNbWRIUWUvSmptM2c9PS0tSk4yM1Y2ckR1WmZCUGxjc3JBWDBhdz09--e6f508aa05569a93aaa02414c20ab808e8fbda49';

const DECISION_PATH = '/oauth/v2/endpoints/authorization/decision';

const CONSENT_SCREENSHOT = '/tmp/consent-phone.png';

describe('a person authorizes an application in Chromium', () => {
  const chromium = new SystemChromium();
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(async () => {
    await chromium.close();
    await app?.close();
  });

  /** A client of our own whose consent John has not given yet, returning to the demo callback page. */
  function newClient(name: string) {
    return app.registerClient({
      name,
      environment: 'development',
      redirectUris: [`${app.baseUrl}/demo/callback`],
    });
  }

  /** The ParqEx login page, filled in by its labels and submitted. */
  async function signIn(page: Page, applicationName: string, how: 'click' | 'tap' = 'click') {
    await page.getByRole('heading', { name: 'Sign in to ParqEx' }).waitFor();
    assert.equal(await page.title(), 'Sign in · ParqEx');
    assert.equal(
      (await page.getByText('to continue to').textContent())?.trim(),
      `to continue to ${applicationName}`,
    );
    await page.getByLabel('Email').fill(JOHN.email);
    await page.getByLabel('Password').fill(JOHN.password);
    await press(page, page.getByRole('button', { name: 'Sign in' }), '/login', how);
  }

  /** Waits for the consent page of `applicationName` and returns the abilities it lists. */
  async function consentPage(page: Page, applicationName: string): Promise<string[]> {
    await page
      .getByRole('heading', { name: `${applicationName} wants to access your ParqEx account`, exact: true })
      .waitFor();
    assert.equal(await page.title(), 'Authorize application · ParqEx');
    return (await page.locator('ul.abilities > li').allInnerTexts()).map((s) => s.trim());
  }

  async function landOnCallback(page: Page): Promise<URL> {
    await page.waitForURL((url) => url.pathname === '/demo/callback');
    return new URL(page.url());
  }

  test('ALLOW: login page → consent naming the app and its abilities → the callback gets code, state, iss', async (t) => {
    const page = await chromium.openPage(t);
    if (!page) return;

    // Step 1 of the docs: the user's browser opens the authorization URL.
    await page.goto(`${app.baseUrl}${app.authorizationUrl({ rawState: DOCS_STATE })}`);
    await signIn(page, 'ParqEx Demo App');

    const abilities = await consentPage(page, 'ParqEx Demo App');
    assert.ok(abilities.includes('Open your doors and gates'), `abilities: ${abilities.join(' | ')}`);
    assert.ok(abilities.includes('Close your doors and gates'), `abilities: ${abilities.join(' | ')}`);
    await page.getByText(`Signed in as John Doe (${JOHN.email})`).waitFor();

    await press(page, page.getByRole('button', { name: 'ALLOW', exact: true }), DECISION_PATH);

    // Step 2: back at the redirect URI with code, the exact same state, and iss (RFC 9207).
    const callback = await landOnCallback(page);
    assert.equal(`${callback.origin}${callback.pathname}`, app.demoClient.redirectUri);
    const code = callback.searchParams.get('code');
    assert.ok(code, `no code in ${callback.href}`);
    assert.equal(callback.searchParams.get('state'), DOCS_STATE);
    assert.ok(callback.search.includes(`state=${DOCS_STATE}&`), 'the state comes back byte for byte');
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);
    assert.equal(callback.searchParams.get('error'), null);
    await page.getByRole('heading', { name: 'Authorization code received' }).waitFor();

    // Step 3: the application exchanges the code the browser carried.
    const tokens = await app.exchangeCode(code);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.scope, 'OPENDOOR CLOSEDOOR');
  });

  test('DENY: the callback gets error=access_denied with the state and iss, and no code', async (t) => {
    const page = await chromium.openPage(t);
    if (!page) return;
    const client = await newClient('Gate Keeper');

    await page.goto(`${app.baseUrl}${app.authorizationUrl({ client, rawState: 'deny-me-42' })}`);
    await signIn(page, 'Gate Keeper');
    const abilities = await consentPage(page, 'Gate Keeper');
    assert.ok(abilities.includes('Open your doors and gates'), `abilities: ${abilities.join(' | ')}`);

    await press(page, page.getByRole('button', { name: 'DENY', exact: true }), DECISION_PATH);

    const callback = await landOnCallback(page);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), 'deny-me-42');
    assert.equal(callback.searchParams.get('iss'), app.baseUrl);
    assert.equal(callback.searchParams.get('code'), null);
    await page.getByRole('heading', { name: 'The authorization was not granted' }).waitFor();
  });

  test('on a phone: no horizontal scroll, ALLOW and DENY at least 44px tall, taps complete the flow', async (t) => {
    const page = await chromium.openPage(t, PHONE);
    if (!page) return;
    const client = await newClient('Downtown Garage Valet Companion');

    await page.goto(`${app.baseUrl}${app.authorizationUrl({ client, rawState: 'phone' })}`);
    await page.getByRole('heading', { name: 'Sign in to ParqEx' }).waitFor();
    await assertFitsPhoneWidth(page, 'the login page');
    assert.ok((await heightOf(page.getByRole('button', { name: 'Sign in' }))) >= MIN_TOUCH_PX);
    await signIn(page, 'Downtown Garage Valet Companion', 'tap');

    await consentPage(page, 'Downtown Garage Valet Companion');
    await assertFitsPhoneWidth(page, 'the consent page');
    const allow = page.getByRole('button', { name: 'ALLOW', exact: true });
    const deny = page.getByRole('button', { name: 'DENY', exact: true });
    for (const [name, button] of [
      ['ALLOW', allow],
      ['DENY', deny],
    ] as const) {
      const height = await heightOf(button);
      assert.ok(height >= MIN_TOUCH_PX, `${name} is ${height}px tall, under ${MIN_TOUCH_PX}px`);
    }
    await page.screenshot({ path: CONSENT_SCREENSHOT, fullPage: true });

    await press(page, allow, DECISION_PATH, 'tap');
    const callback = await landOnCallback(page);
    assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
    assert.equal(callback.searchParams.get('state'), 'phone');
  });

  test('the consent page cannot be framed, even by a same-origin page with the session cookie', async (t) => {
    const page = await chromium.openPage(t);
    if (!page) return;
    const client = await newClient('Clickjacker');
    const authorizationUrl = `${app.baseUrl}${app.authorizationUrl({ client, rawState: 'frame' })}`;

    await page.goto(authorizationUrl);
    await signIn(page, 'Clickjacker');
    await consentPage(page, 'Clickjacker');

    // The headers that forbid framing, as the browser received them with the consent page.
    const response = await page.goto(authorizationUrl);
    assert.ok(response);
    await consentPage(page, 'Clickjacker');
    const headers = await response.allHeaders();
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.match(headers['content-security-policy'] ?? '', /(^|;)\s*frame-ancestors 'none'\s*(;|$)/);

    // An attacker's page on the same origin (so the SameSite=Lax session cookie is sent along)
    // puts the consent page in an <iframe> (a clickjacker would make it transparent) and waits for
    // the frame's load event.
    const attackerUrl = `${app.baseUrl}/__framing-attack`;
    await page.context().route(attackerUrl, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>win a prize</title><iframe src="${authorizationUrl}" onload="window.framed = true"></iframe>`,
      }),
    );
    const framedConsent = async () => {
      await page.goto(attackerUrl);
      await page.waitForFunction('window.framed === true');
      const frame = page.frameLocator('iframe');
      return {
        url: page.mainFrame().childFrames()[0]?.url(),
        heading: await frame.getByRole('heading', { name: 'Clickjacker wants to access' }).count(),
        allow: await frame.getByRole('button', { name: 'ALLOW', exact: true }).count(),
      };
    };
    // Chromium replaces a refused frame with its own error page.
    assert.deepEqual(
      await framedConsent(),
      { url: 'chrome-error://chromewebdata/', heading: 0, allow: 0 },
      'Chromium refused to render the consent page in a frame',
    );

    // Control: the same page with both headers stripped does render in the frame, so the check
    // above fails when the protection is gone.
    await page.context().route(`${app.baseUrl}/oauth/v2/endpoints/authorization/?*`, async (route) => {
      const original = await route.fetch();
      const headers = { ...original.headers() };
      delete headers['x-frame-options'];
      delete headers['content-security-policy'];
      await route.fulfill({ response: original, headers });
    });
    assert.deepEqual(
      await framedConsent(),
      { url: authorizationUrl, heading: 1, allow: 1 },
      'without the two headers the framed consent page renders',
    );
  });
});
