import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { dispatcherFor, insertDelivery, startReceiver, subscribedClient } from './webhook-fixtures.ts';

test('a stalled dispatcher loses its lease: another delivers, and the late answer changes nothing', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const app = await startTestApp({ clock });
  let releaseFirst!: (status: number) => void;
  let calls = 0;
  const receiver = await startReceiver({
    answer: () => {
      calls++;
      // The first request hangs (the stalled dispatcher's), every later one is answered at once.
      return calls === 1 ? new Promise<number>((resolve) => (releaseFirst = resolve)) : 200;
    },
  });
  try {
    const { endpoint } = await subscribedClient(app, receiver.url('/hook'));
    const id = await insertDelivery(app.ctx.db, endpoint.id, clock.now());
    const stalled = dispatcherFor(app, { leaseMs: 1_000, timeoutMs: 120_000 });
    const healthy = dispatcherFor(app, { leaseMs: 1_000 });

    const stalledRun = stalled.runOnce();
    for (let i = 0; i < 200 && calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 1, 'the stalled dispatcher reached the receiver');
    assert.equal(await healthy.runOnce(), 0, 'the lease still holds');

    clock.advance(1_001);
    assert.equal(await healthy.runOnce(), 1, 'the lease ran out: taken over');
    releaseFirst(500);
    await stalledRun;

    const row = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'delivered', 'the late 500 did not undo the delivery');
    const attempts = await app.ctx.db
      .selectFrom('webhook_attempts')
      .select('status_code')
      .where('delivery_id', '=', id)
      .orderBy('status_code')
      .execute();
    assert.deepEqual(
      attempts.map((a) => a.status_code),
      [200, 500],
      'both attempts are on record',
    );
    assert.deepEqual(
      new Set(receiver.received.map((r) => r.headers['webhook-id'])),
      new Set([id]),
      'the same webhook-id both times: the receiver de-duplicates',
    );
  } finally {
    await receiver.close();
    await app.close();
  }
});
