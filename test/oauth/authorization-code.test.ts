import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('authorization codes', () => {
  let app: TestApp;
  const clock = new ManualClock();
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  test('a reused authorization code fails and revokes what it issued (RFC 6749 §4.1.2)', async () => {
    const { code } = await app.authorize();
    const first = await app.exchangeCode(code);
    assert.equal(first.status, 200);

    const again = await app.exchangeCode(code);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');

    const userInfo = await app.api('/oauth/v1/endpoints/user-info', first.body.access_token);
    assert.equal(userInfo.status, 401);
    const refreshed = await app.refresh(first.body.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  test('two concurrent redemptions of one code: never two successes', async () => {
    const { code } = await app.authorize();
    const results = await Promise.all(Array.from({ length: 8 }, () => app.exchangeCode(code)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(results.every((r) => r.status === 200 || r.body.error === 'invalid_grant'));
  });

  test('a code is bound to the client it was issued to', async () => {
    const other = await app.registerClient({
      environment: 'development',
      redirectUris: [app.demoClient.redirectUri],
    });
    const { code } = await app.authorize();
    const stolen = await app.exchangeCode(code, other);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    // The attempt burned the code: the rightful client cannot use it either.
    assert.equal((await app.exchangeCode(code)).status, 400);
  });

  test('a code is bound to the redirect_uri of its request, compared exactly', async () => {
    for (const redirect of [`${app.demoClient.redirectUri}/`, 'http://127.0.0.1/callback', undefined]) {
      const { code } = await app.authorize();
      const params: Record<string, string> = {
        client_id: app.demoClient.id,
        client_secret: app.demoClient.secret!,
        grant_type: 'authorization_code',
        code,
      };
      if (redirect !== undefined) params.redirect_uri = redirect;
      const result = await app.token(params);
      assert.equal(result.status, 400, String(redirect));
      assert.equal(result.body.error, 'invalid_grant');
    }
  });

  test('an unknown or expired code is invalid_grant (codes live 10 minutes)', async () => {
    assert.equal((await app.exchangeCode('made-up')).body.error, 'invalid_grant');
    const { code } = await app.authorize();
    clock.advance(10 * 60 * 1000 + 1);
    const late = await app.exchangeCode(code);
    assert.equal(late.status, 400);
    assert.equal(late.body.error, 'invalid_grant');
    assert.match(late.body.error_description, /expired/);
  });

  test('codes and tokens are stored only as hashes', async () => {
    const { code } = await app.authorize();
    const tokens = (await app.exchangeCode(code)).body;
    const secrets = [code, tokens.access_token, tokens.refresh_token, app.demoClient.secret!];
    for (const table of [
      'authorization_codes',
      'access_tokens',
      'refresh_tokens',
      'clients',
      'grants',
    ] as const) {
      const rows = await app.ctx.db.selectFrom(table).selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const secret of secrets) assert.ok(!dump.includes(secret), `${table} holds a raw secret`);
    }
  });
});

describe('PKCE (RFC 7636, RFC 9700 §2.1.1)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  test('with S256: the right verifier works, a wrong or missing one does not', async () => {
    const { verifier, challenge } = pkce();
    const ok = await app.authorize({ codeChallenge: challenge });
    assert.equal((await app.exchangeCode(ok.code, app.demoClient, { code_verifier: verifier })).status, 200);

    const wrong = await app.authorize({ codeChallenge: challenge });
    const bad = await app.exchangeCode(wrong.code, app.demoClient, { code_verifier: pkce().verifier });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_grant');

    const missing = await app.authorize({ codeChallenge: challenge });
    const none = await app.exchangeCode(missing.code);
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'invalid_grant');
  });

  test('downgrade: a verifier for a code issued without a challenge is refused', async () => {
    const { code } = await app.authorize();
    const result = await app.exchangeCode(code, app.demoClient, { code_verifier: pkce().verifier });
    assert.equal(result.status, 400);
    assert.equal(result.body.error, 'invalid_grant');
  });

  test('plain and malformed challenges are refused with invalid_request', async () => {
    const browser = app.browser();
    const base = app.authorizationUrl({ rawState: 'p' });
    for (const extra of [
      `&code_challenge=${pkce().challenge}&code_challenge_method=plain`,
      `&code_challenge=${pkce().challenge}`,
      '&code_challenge=short&code_challenge_method=S256',
      '&code_challenge_method=S256',
    ]) {
      const response = await browser.get(base + extra);
      assert.equal(response.status, 302, extra);
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_request', extra);
      assert.equal(location.searchParams.get('state'), 'p');
    }
  });

  test('a public client must use PKCE and has no secret', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/callback'],
      isPublic: true,
    });
    const refused = await app.browser().get(app.authorizationUrl({ client, rawState: 'x' }));
    assert.equal(refused.status, 302);
    assert.equal(new URL(refused.headers.get('location')!).searchParams.get('error'), 'invalid_request');

    const { verifier, challenge } = pkce();
    const { code } = await app.authorize({ client, codeChallenge: challenge });
    const tokens = await app.token(
      {
        client_id: client.id,
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
      },
      { method: 'POST' },
    );
    assert.equal(tokens.status, 200);

    const { code: second } = await app.authorize({ client, codeChallenge: challenge });
    const withSecret = await app.token(
      {
        client_id: client.id,
        client_secret: 'anything',
        grant_type: 'authorization_code',
        code: second,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
      },
      { method: 'POST' },
    );
    assert.equal(withSecret.status, 401);
    assert.equal(withSecret.body.error, 'invalid_client');
  });
});
