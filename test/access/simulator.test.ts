import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { startTestApp, TEST_OWNER } from '../helpers/test-app.ts';

test('an online simulated controller keeps talking (last_contact advances); an offline one does not', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 15, 0, 0));
  const app = await startTestApp({ clock });
  try {
    const token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    const sync = async () => {
      const response = await app.api('/oauth/v1/endpoints/sync', token);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response;
    };
    const contacts = async () =>
      Object.fromEntries((await sync()).body.devices.map((d: any) => [d.blackbox_code, d.last_contact]));
    const before = await contacts();
    clock.advance(30 * 60 * 1000);
    await app.ctx.simulator.heartbeat(clock.now());
    const after = await contacts();
    assert.equal(after['30000c2a691dd625'], '2026-11-22 10:30:00', 'half an hour later, in New York time');
    assert.notEqual(after['30000c2a691dd625'], before['30000c2a691dd625']);
    assert.equal(
      after['40000c2a69aa0001'],
      before['40000c2a69aa0001'],
      'the offline controller stays silent',
    );
  } finally {
    await app.close();
  }
});
