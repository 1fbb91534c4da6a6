import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

function assertPageHeaders(response: Response) {
  // RFC 9700 §4.16 (clickjacking) and no leaking of codes or states through Referer.
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
}

describe('login, consent and account pages', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('every page is protected against framing and referrer leaks', async () => {
    const browser = app.browser();
    const client = await app.registerClient();
    const login = await browser.get(app.authorizationUrl({ client }));
    assertPageHeaders(login);
    await app.signIn(browser);
    const consent = await browser.get(app.authorizationUrl({ client }));
    assert.match(consent.text_, /ALLOW/);
    assertPageHeaders(consent);
    assertPageHeaders(await browser.get('/account'));
    assertPageHeaders(await app.browser().get('/login'));
  });

  test('the session cookie is HttpOnly, SameSite=Lax and signed; it changes at sign-in', async () => {
    const browser = app.browser();
    const page = await browser.get('/login');
    const anonymous = page.headers.getSetCookie()[0]!;
    assert.match(anonymous, /^parqex_session=[^;]+\.[^;]+;/, 'signed value');
    assert.match(anonymous, /HttpOnly/);
    assert.match(anonymous, /SameSite=Lax/);
    const signIn = await browser.post('/login', {
      csrf: formField(page.text_, 'csrf'),
      return_to: '/account',
      email: JOHN.email,
      password: JOHN.password,
    });
    assert.equal(signIn.status, 303);
    const signedIn = signIn.headers.getSetCookie()[0]!;
    assert.notEqual(signedIn.split(';')[0], anonymous.split(';')[0], 'no session fixation');
  });

  test('a tampered session cookie is ignored', async () => {
    const browser = app.browser();
    await app.signIn(browser);
    const response = await fetch(`${app.baseUrl}/account`, {
      headers: { cookie: 'parqex_session=forged.value' },
      redirect: 'manual',
    });
    assert.equal(response.status, 303);
    assert.match(response.headers.get('location') ?? '', /^\/login/);
  });

  test('consent needs the CSRF token of the same session', async () => {
    const client = await app.registerClient();
    const victim = app.browser();
    await app.signIn(victim);
    const page = await victim.get(app.authorizationUrl({ client, rawState: 'v' }));
    const requestId = formField(page.text_, 'request_id');

    const withoutToken = await victim.post('/oauth/v2/endpoints/authorization/decision', {
      request_id: requestId,
      decision: 'allow',
    });
    assert.equal(withoutToken.status, 403);

    const attacker = app.browser();
    await app.signIn(attacker, TEST_OWNER);
    const attackerPage = await attacker.get(app.authorizationUrl({ client }));
    const wrongToken = await victim.post('/oauth/v2/endpoints/authorization/decision', {
      csrf: formField(attackerPage.text_, 'csrf'),
      request_id: requestId,
      decision: 'allow',
    });
    assert.equal(wrongToken.status, 403);

    const crossSite = await victim.post(
      '/oauth/v2/endpoints/authorization/decision',
      { csrf: formField(page.text_, 'csrf'), request_id: requestId, decision: 'allow' },
      { origin: 'https://evil.example' },
    );
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.headers.get('location'), null);

    // Another session cannot spend the victim's pending request, even with its own valid token.
    const stolen = await attacker.post('/oauth/v2/endpoints/authorization/decision', {
      csrf: formField(attackerPage.text_, 'csrf'),
      request_id: requestId,
      decision: 'allow',
    });
    assert.equal(stolen.status, 400);
  });

  test("a real browser's same-origin post (Origin: null under no-referrer) passes; cross-site fails", async () => {
    const login = async (headers: Record<string, string>) => {
      const browser = app.browser();
      const page = await browser.get('/login');
      const form = {
        csrf: formField(page.text_, 'csrf'),
        return_to: '/account',
        email: JOHN.email,
        password: JOHN.password,
      };
      return browser.post('/login', form, headers);
    };
    assert.equal((await login({ origin: 'null', 'sec-fetch-site': 'same-origin' })).status, 303);
    assert.equal((await login({ origin: app.baseUrl, 'sec-fetch-site': 'same-origin' })).status, 303);
    assert.equal((await login({ origin: 'null', 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await login({ 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await login({ origin: 'https://evil.example' })).status, 403);
  });

  test('a consent decision is used once', async () => {
    const client = await app.registerClient();
    const browser = app.browser();
    await app.signIn(browser);
    const page = await browser.get(app.authorizationUrl({ client }));
    const form = { csrf: formField(page.text_, 'csrf'), request_id: formField(page.text_, 'request_id') };
    const first = await browser.post('/oauth/v2/endpoints/authorization/decision', {
      ...form,
      decision: 'allow',
    });
    assert.equal(first.status, 303);
    const second = await browser.post('/oauth/v2/endpoints/authorization/decision', {
      ...form,
      decision: 'allow',
    });
    assert.equal(second.status, 400);
  });

  test('the login form needs its CSRF token', async () => {
    const browser = app.browser();
    await browser.get('/login');
    const response = await browser.post('/login', {
      email: JOHN.email,
      password: JOHN.password,
      return_to: '/account',
    });
    assert.equal(response.status, 403);
  });

  test('login never redirects off-site', async () => {
    for (const returnTo of [
      '//evil.example/x',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const browser = app.browser();
      const page = await browser.get('/login');
      const response = await browser.post('/login', {
        csrf: formField(page.text_, 'csrf'),
        return_to: returnTo,
        email: JOHN.email,
        password: JOHN.password,
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/account', returnTo);
    }
  });

  test('user input is escaped in pages', async () => {
    const client = await app.registerClient({
      name: '<script>alert(1)</script>',
      description: '"><img src=x>',
    });
    const browser = app.browser();
    await app.signIn(browser);
    const page = await browser.get(app.authorizationUrl({ client }));
    assert.ok(!page.text_.includes('<script>alert(1)</script>'));
    assert.ok(page.text_.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!page.text_.includes('"><img'));
  });

  test('the account page lists authorized applications; revoking kills their tokens', async () => {
    const client = await app.registerClient({ name: 'Revocable App' });
    const browser = app.browser();
    const tokens = await app.tokensFor({ client, browser });
    const account = await browser.get('/account');
    assert.match(account.text_, /Revocable App/);
    const revoke = await browser.post('/account/applications/revoke', {
      csrf: formField(account.text_, 'csrf'),
      client_id: client.id,
    });
    assert.equal(revoke.status, 303);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 401);
    assert.equal((await app.refresh(tokens.refresh_token, client)).body.error, 'invalid_grant');
    const after = await browser.get('/account');
    assert.doesNotMatch(after.text_, /Revocable App/);
    // The consent is gone too: the next authorization asks again.
    const again = await browser.get(app.authorizationUrl({ client }));
    assert.match(again.text_, /ALLOW/);
  });

  test('revoking from the account page needs the CSRF token', async () => {
    const client = await app.registerClient();
    const browser = app.browser();
    const tokens = await app.tokensFor({ client, browser });
    const response = await browser.post('/account/applications/revoke', { client_id: client.id });
    assert.equal(response.status, 403);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 200);
  });

  test('signing out ends the session', async () => {
    const browser = app.browser();
    await app.signIn(browser);
    const account = await browser.get('/account');
    assert.equal(account.status, 200);
    await browser.post('/logout', { csrf: formField(account.text_, 'csrf') });
    assert.equal((await browser.get('/account')).status, 303);
  });
});

test('in production the session cookie is also Secure', async () => {
  const app = await startTestApp({
    env: { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example' },
  });
  try {
    const response = await app.app.inject({ method: 'GET', url: '/login' });
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
  } finally {
    await app.close();
  }
});

describe('login throttling', () => {
  async function failLogin(app: TestApp, email: string, headers?: Record<string, string>) {
    const browser = app.browser();
    const page = await browser.get('/login');
    return browser.post(
      '/login',
      { csrf: formField(page.text_, 'csrf'), return_to: '/account', email, password: 'wrong-password' },
      headers,
    );
  }

  test('five failures lock the account: the right password then gets 429 with the wait', async () => {
    const clock = new ManualClock();
    const app = await startTestApp({ clock });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      const browser = app.browser();
      const locked = await app.signIn(browser);
      assert.equal(locked.status, 429);
      assert.match(locked.text_, /Too many attempts, try again in 15 minutes/);
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      // Other accounts are not locked by John's failures.
      assert.equal((await app.signIn(app.browser(), TEST_OWNER)).status, 303);
      // After the window the account opens again.
      clock.advance(15 * 60 * 1000 + 1000);
      assert.equal((await app.signIn(app.browser())).status, 303);
    } finally {
      await app.close();
    }
  });

  test('a success clears the account counter', async () => {
    const app = await startTestApp();
    try {
      for (let i = 0; i < 4; i++) await failLogin(app, JOHN.email);
      assert.equal((await app.signIn(app.browser())).status, 303);
      for (let i = 0; i < 4; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser())).status, 303);
    } finally {
      await app.close();
    }
  });

  test('a client address trying many accounts is throttled', async () => {
    const app = await startTestApp({ env: { PARQEX_LOGIN_MAX_FAILURES_PER_IP: '3' } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await failLogin(app, `nobody${i}@example.com`)).status, 401);
      assert.equal((await failLogin(app, 'someone-else@example.com')).status, 429);
    } finally {
      await app.close();
    }
  });

  test('concurrent guesses cannot slip past the limit', async () => {
    const app = await startTestApp();
    try {
      // Each attempt is recorded before the password is checked and counted including itself, so
      // however the twelve interleave, at most five reach the password check.
      const results = await Promise.all(Array.from({ length: 12 }, () => failLogin(app, JOHN.email)));
      const checked = results.filter((r) => r.status === 401).length;
      assert.ok(checked <= 5, `${checked} password checks ran; at most 5 may`);
      assert.equal(results.filter((r) => r.status === 429).length, 12 - checked);
      // The failures that were checked stay counted.
      for (let i = checked; i < 5; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser())).status, 429);
    } finally {
      await app.close();
    }
  });

  test('the throttle holds across two server processes sharing the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parqex-throttle-'));
    const first = await startTestApp(TEST_DIALECT === 'sqlite' ? { sqliteFile: join(dir, 'shared.db') } : {});
    const second = await startTestApp({ shareDatabaseWith: first });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await failLogin(first, JOHN.email)).status, 401);
      for (let i = 0; i < 2; i++) assert.equal((await failLogin(second, JOHN.email)).status, 401);
      assert.equal((await first.signIn(first.browser())).status, 429);
      assert.equal((await second.signIn(second.browser())).status, 429);
    } finally {
      await second.app.close();
      await second.database.close().catch(() => {});
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
