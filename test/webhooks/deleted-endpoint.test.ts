import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { dispatcherFor, insertDelivery, startReceiver, subscribedClient } from './webhook-fixtures.ts';

// Issue 9 §4.3: `parqex webhooks delete` while a dispatcher is sending one of the endpoint's
// deliveries: the answer lands on nothing, quietly (no foreign-key failure, no attempt left over).
test('an endpoint deleted while its delivery is being sent: the dispatcher records nothing and goes on', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const app = await startTestApp({ clock });
  let release!: (status: number) => void;
  let calls = 0;
  const receiver = await startReceiver({
    answer: () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    },
  });
  try {
    const { endpoint } = await subscribedClient(app, receiver.url('/hook'));
    const id = await insertDelivery(app.ctx.db, endpoint.id, clock.now());
    const dispatcher = dispatcherFor(app);
    const run = dispatcher.runOnce();
    for (let i = 0; i < 200 && calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 1, 'the dispatcher reached the receiver');

    const { deliveries } = await app.ctx.webhooks.delete(endpoint.id, clock.now());
    assert.equal(deliveries, 1);
    release(200);
    await run;

    const attempts = await app.ctx.db
      .selectFrom('webhook_attempts')
      .select('id')
      .where('delivery_id', '=', id)
      .execute();
    assert.deepEqual(attempts, []);
    assert.equal(await dispatcher.runOnce(), 0);
  } finally {
    await receiver.close();
    await app.close();
  }
});
