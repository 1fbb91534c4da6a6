import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Spec §3.2: refresh tokens rotate; reuse inside a 10 s grace window returns the same successor,
// after it revokes the whole grant (RFC 9700 §4.14.2).
describe('refresh token rotation', () => {
  let app: TestApp;
  const clock = new ManualClock();
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  test('each refresh returns a new pair; the old access token still works until it expires', async () => {
    const first = await app.tokensFor();
    const second = (await app.refresh(first.refresh_token)).body;
    const third = (await app.refresh(second.refresh_token)).body;
    assert.equal(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size, 3);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', third.access_token)).status, 200);
  });

  test('reuse inside the grace window returns the same successor pair', async () => {
    const first = await app.tokensFor();
    const successor = await app.refresh(first.refresh_token);
    clock.advance(9_000);
    const retry = await app.refresh(first.refresh_token);
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, successor.body);
  });

  test('reuse after the grace window fails and revokes the whole grant', async () => {
    const first = await app.tokensFor();
    const successor = (await app.refresh(first.refresh_token)).body;
    clock.advance(10_001);
    const reuse = await app.refresh(first.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    // Everything the grant issued is dead: the successor pair too.
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', successor.access_token)).status, 401);
    assert.equal((await app.refresh(successor.refresh_token)).body.error, 'invalid_grant');
  });

  test('twenty refreshes racing with one token: one successor pair, no errors', async () => {
    const first = await app.tokensFor();
    const results = await Promise.all(Array.from({ length: 20 }, () => app.refresh(first.refresh_token)));
    assert.deepEqual(
      results.map((r) => r.status),
      results.map(() => 200),
    );
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
    assert.equal(new Set(results.map((r) => r.body.access_token)).size, 1);
    assert.equal((await app.refresh(results[0]!.body.refresh_token)).status, 200);
  });

  test('a refresh token belongs to its client', async () => {
    const other = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const tokens = await app.tokensFor();
    const stolen = await app.refresh(tokens.refresh_token, other);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
  });

  test('scope may be narrowed on refresh, never widened', async () => {
    const narrow = await app.tokensFor({ scope: 'opendoor' });
    const widened = await app.token([
      ['client_id', app.demoClient.id],
      ['client_secret', app.demoClient.secret!],
      ['grant_type', 'refresh_token'],
      ['refresh_token', narrow.refresh_token],
      ['scope', 'opendoor closedoor'],
    ]);
    assert.equal(widened.status, 400);
    assert.equal(widened.body.error, 'invalid_scope');

    const full = await app.tokensFor();
    const narrowed = await app.token([
      ['client_id', app.demoClient.id],
      ['client_secret', app.demoClient.secret!],
      ['grant_type', 'refresh_token'],
      ['refresh_token', full.refresh_token],
      ['scope', 'OPENDOOR'],
    ]);
    assert.equal(narrowed.status, 200);
    assert.equal(narrowed.body.scope, 'OPENDOOR');
  });

  test('an access token expires after expires_in; a refresh token after 90 days unused', async () => {
    const tokens = await app.tokensFor();
    clock.advance(3600 * 1000);
    assert.equal((await app.api('/oauth/v1/endpoints/user-info', tokens.access_token)).status, 401);
    const refreshed = await app.refresh(tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    clock.advance(90 * 86_400_000);
    const stale = await app.refresh(refreshed.body.refresh_token);
    assert.equal(stale.status, 400);
    assert.match(stale.body.error_description, /expired/);
  });
});
