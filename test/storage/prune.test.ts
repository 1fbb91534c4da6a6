import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { pruneExpired } from '../../src/storage/prune.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

describe('pruning what can no longer be used', () => {
  let app: TestApp;
  const clock = new ManualClock();
  before(async () => {
    app = await startTestApp({ clock });
  });
  after(() => app.close());

  const count = async (table: 'sessions' | 'authorization_codes' | 'login_attempts') =>
    Number(
      (
        await app.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('a refresh successor is kept sealed only for the grace window', async () => {
    const tokens = await app.tokensFor();
    await app.refresh(tokens.refresh_token);
    const sealed = async () =>
      (
        await app.ctx.db
          .selectFrom('refresh_tokens')
          .select('successor_sealed')
          .where('rotated_at', 'is not', null)
          .execute()
      )
        .map((r) => r.successor_sealed)
        .filter((s) => s !== null).length;
    assert.equal(await sealed(), 1);
    await pruneExpired(app.ctx.db, app.ctx.config, clock.now());
    assert.equal(await sealed(), 1, 'still inside the window');
    clock.advance(10_001);
    await pruneExpired(app.ctx.db, app.ctx.config, clock.now());
    assert.equal(await sealed(), 0);
    // Reuse after the window is still detected (and revokes the grant).
    assert.equal((await app.refresh(tokens.refresh_token)).body.error, 'invalid_grant');
  });

  test('expired sessions, codes and old login attempts are deleted', async () => {
    await app.authorize();
    const browser = app.browser();
    const page = await browser.get('/login');
    await browser.post('/login', {
      csrf: /name="csrf" value="([^"]*)"/.exec(page.text_)![1]!,
      return_to: '/account',
      email: 'john.doe@parqex.com',
      password: 'wrong-password',
    });
    assert.ok((await count('sessions')) > 0);
    assert.ok((await count('authorization_codes')) > 0);
    assert.ok((await count('login_attempts')) > 0);
    clock.advance(2 * 86_400_000);
    await pruneExpired(app.ctx.db, app.ctx.config, clock.now());
    assert.equal(await count('sessions'), 0);
    assert.equal(await count('authorization_codes'), 0);
    assert.equal(await count('login_attempts'), 0);
  });
});
