import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, type TestApp } from '../helpers/test-app.ts';

// running.md: logs never hold a secret, token, password, PIN or the token endpoint's query string.
describe('the server log of a whole run holds no secret', () => {
  let app: TestApp;
  const secrets = new Set<string>();
  const keep = (...values: (string | null | undefined)[]) => {
    for (const value of values) if (value && value.length >= 8) secrets.add(value);
  };

  before(async () => {
    app = await startTestApp({ env: { PARQEX_LOG_LEVEL: 'trace' } });
    keep(JOHN.password, app.demoClient.secret, 'parqex-test', 'parqex-production');
  });
  after(() => app.close());

  test('every kind of request, successful and failed', async () => {
    const browser = app.browser();
    const state = `state-${randomBytes(12).toString('hex')}`;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const { code } = await app.authorize({ browser, rawState: state, codeChallenge: challenge });
    keep(code, state, verifier);

    const tokens = (await app.exchangeCode(code, app.demoClient, { code_verifier: verifier })).body;
    keep(tokens.access_token, tokens.refresh_token);
    await app.exchangeCode(code); // replay
    await app.api('/oauth/v1/endpoints/user-info', tokens.access_token);
    await app.api(`/oauth/v1/endpoints/user-info?access_token=${tokens.access_token}`);
    const refreshed = (await app.refresh(tokens.refresh_token)).body;
    keep(refreshed.access_token, refreshed.refresh_token);
    await app.refresh(tokens.refresh_token);
    await app.token(
      {
        client_id: app.demoClient.id,
        client_secret: 'wrong-secret-value',
        grant_type: 'refresh_token',
        refresh_token: 'x',
      },
      { method: 'POST' },
    );
    keep('wrong-secret-value');
    const basic = { id: app.demoClient.id, secret: app.demoClient.secret! };
    await app.token(
      { token: refreshed.access_token },
      { method: 'POST', path: '/oauth/v2/endpoints/introspect/', basic },
    );
    await app.token(
      { token: refreshed.refresh_token },
      { method: 'POST', path: '/oauth/v2/endpoints/revoke/', basic },
    );

    // A wrong password, a throttled one, and the session cookies of the browser.
    const stranger = app.browser();
    const page = await stranger.get('/login');
    await stranger.post('/login', {
      csrf: formField(page.text_, 'csrf'),
      return_to: '/account',
      email: JOHN.email,
      password: 'a-wrong-password',
    });
    keep('a-wrong-password', formField(page.text_, 'csrf'));
    const fresh = await app.browser().get('/login');
    for (const cookie of fresh.headers.getSetCookie()) keep(cookie.split(';')[0]!.split('=')[1]);

    const client = await app.registerClient();
    keep(client.secret);
    await app.ctx.clients.rotateSecret(client.id, Date.now()).then((s) => keep(s));
  });

  test('none of those values appears in any log line', () => {
    assert.ok(app.logs.length >= 15, `the run was logged (${app.logs.length} lines)`);
    const log = app.logs.join('');
    assert.match(log, /"url":"\/oauth\/v2\/endpoints\/token\/\?\[redacted\]"/);
    for (const secret of secrets) {
      assert.ok(!log.includes(secret), `a secret appears in the log: ${secret.slice(0, 4)}…`);
    }
    // Every request line carries its request id.
    const requests = app.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    assert.ok(requests.length > 10);
    assert.ok(requests.every((l) => typeof l.reqId === 'string' && l.reqId.length > 0));
  });
});
