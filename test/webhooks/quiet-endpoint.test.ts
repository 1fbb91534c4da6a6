import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { GIVE_UP_AFTER_MS } from '../../src/webhooks/dispatcher.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { dispatcherFor, drain, insertDelivery, startReceiver, subscribedClient } from './webhook-fixtures.ts';

test('a quiet endpoint that fails every attempt of its one event is retried for three days, then disabled', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const app = await startTestApp({ clock });
  const receiver = await startReceiver({ answer: () => 500 });
  try {
    const { endpoint } = await subscribedClient(app, receiver.url('/hook'));
    const eventAt = clock.now();
    const deliveryId = await insertDelivery(app.ctx.db, endpoint.id, eventAt);
    const dispatcher = dispatcherFor(app);
    const row = () =>
      app.ctx.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', deliveryId)
        .executeTakeFirstOrThrow();
    // Follow the schedule: each time jump to the next attempt and let the dispatcher run.
    for (let i = 0; i < 50; i++) {
      await drain(dispatcher);
      const current = await row();
      if (current.status !== 'pending') break;
      clock.advance(Math.max(0, Number(current.next_attempt_at) - clock.now()));
    }
    const final = await row();
    assert.equal(final.status, 'failed');
    const attempts = await app.ctx.db
      .selectFrom('webhook_attempts')
      .select('attempted_at')
      .where('delivery_id', '=', deliveryId)
      .orderBy('attempted_at', 'desc')
      .execute();
    assert.equal(
      Number(attempts[0]!.attempted_at),
      eventAt + GIVE_UP_AFTER_MS,
      'the last try is on the deadline',
    );
    const after = await app.ctx.webhooks.get(endpoint.id);
    assert.notEqual(after.disabledAt, null);
    assert.match(after.disabledReason ?? '', /failed for 3 days/);
  } finally {
    await receiver.close();
    await app.close();
  }
});
