import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 9 §4.2: a `return_to` with CR/LF, NUL or non-Latin-1 characters, or given twice, was a 500
// (`ERR_INVALID_CHAR` in `Location`, or an array without `startsWith`) — on POST after the session
// had already been switched. Now every value answers below 500 with a Location of this site only.
const HOSTILE: [string, string][] = [
  ['CR/LF', '/account\r\nSet-Cookie: stolen=1'],
  ['LF', '/doors\nX: y'],
  ['NUL', '/doors\u0000x'],
  ['DEL', '/doors\u007f'],
  ['tab', '/\t/evil.example'],
  ['non-Latin-1', '/路径?q=ü'],
  ['emoji', '/😀'],
  ['line separator', '/doors\u2028'],
  ['scheme-relative', '//evil.example/x'],
  ['backslash', '/\\evil.example'],
  ['absolute', 'https://evil.example/'],
  ['empty', ''],
];

/** What a browser would follow: printable ASCII, a path of this very site. */
function assertSafeLocation(app: TestApp, location: string | null, what: string): void {
  assert.ok(location !== null, `${what}: no Location`);
  assert.match(location, /^\/[\x21-\x7e]*$/, what);
  assert.ok(!location.startsWith('//'), what);
  assert.equal(new URL(location, app.baseUrl).origin, new URL(app.baseUrl).origin, what);
}

describe('login with a hostile return_to (issue 9 §4.2)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('GET /login shows the form with a safe return_to, whatever was asked', async () => {
    const queries = [
      ...HOSTILE.map(([what, value]) => [what, `return_to=${encodeURIComponent(value)}`]),
      ['repeated', 'return_to=%2Fdoors&return_to=%2Fhistory'],
    ];
    for (const [what, query] of queries) {
      const page = await app.browser().get(`/login?${query}`);
      assert.equal(page.status, 200, what);
      assertSafeLocation(app, formField(page.text_, 'return_to'), what!);
    }
  });

  test('GET /login when signed in redirects to a safe Location, whatever was asked', async () => {
    const browser = app.browser();
    await app.signIn(browser, JOHN);
    const queries = [
      ...HOSTILE.map(([what, value]) => [what, `return_to=${encodeURIComponent(value)}`]),
      ['repeated', 'return_to=%2Fdoors&return_to=%2Fhistory'],
    ];
    for (const [what, query] of queries) {
      const response = await browser.get(`/login?${query}`);
      assert.equal(response.status, 303, what);
      assertSafeLocation(app, response.headers.get('location'), what!);
    }
    assert.equal((await browser.get('/login?return_to=%2Fdoors%0D%0A')).headers.get('location'), '/account');
    assert.equal(
      (await browser.get('/login?return_to=%2Fdoors&return_to=%2Fhistory')).headers.get('location'),
      '/account',
    );
    assert.equal(
      (await browser.get(`/login?return_to=${encodeURIComponent('/路径?q=ü')}`)).headers.get('location'),
      '/%E8%B7%AF%E5%BE%84?q=%C3%BC',
    );
  });

  test('POST /login signs in fully and redirects safely, whatever return_to was posted', async () => {
    const bodies: [string, (csrf: string) => string][] = [
      ...HOSTILE.map(
        ([what, value]) =>
          [
            what,
            (csrf: string) =>
              new URLSearchParams({
                csrf,
                return_to: value,
                email: JOHN.email,
                password: JOHN.password,
              }).toString(),
          ] as [string, (csrf: string) => string],
      ),
      [
        'repeated',
        (csrf) =>
          `${new URLSearchParams({ csrf, email: JOHN.email, password: JOHN.password })}&return_to=%2Fdoors&return_to=%2Fhistory`,
      ],
    ];
    for (const [what, body] of bodies) {
      const browser = app.browser();
      const page = await browser.get('/login');
      const anonymous = await app.ctx.db.selectFrom('sessions').select('id_hash').execute();
      const response = await browser.request('/login', {
        method: 'POST',
        rawForm: body(formField(page.text_, 'csrf')),
      });
      assert.equal(response.status, 303, what);
      assertSafeLocation(app, response.headers.get('location'), what);
      // The new session is fully established: the cookie it set opens the account pages.
      const account = await browser.get('/account');
      assert.equal(account.status, 200, `${what}: signed in`);
      const sessions = await app.ctx.db.selectFrom('sessions').select('id_hash').execute();
      assert.equal(sessions.length, anonymous.length, `${what}: the old session was replaced, not added to`);
    }
  });

  test('a hostile return_to on a refused sign-in leaves the old session as it was', async () => {
    const browser = app.browser();
    await app.signIn(browser, JOHN);
    // John's browser posts a wrong password with a CR/LF return_to: still John, still signed in.
    const signInPage = await browser.get('/doors');
    assert.equal(signInPage.status, 200);
    const csrf = formField(signInPage.text_, 'csrf');
    const refused = await browser.post('/login', {
      csrf,
      return_to: '/doors\r\nX: y',
      email: JOHN.email,
      password: 'not-the-password',
    });
    assert.equal(refused.status, 401);
    assertSafeLocation(app, formField(refused.text_, 'return_to'), 'refused');
    assert.equal((await browser.get('/account')).status, 200);
  });
});
