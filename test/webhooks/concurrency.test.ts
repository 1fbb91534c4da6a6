import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { newDeliveryId } from '../../src/webhooks/outbox.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { sharedDatabase, TEST_DIALECT, type TestDatabase } from '../helpers/test-database.ts';
import { startReceiver, subscribedClient } from './webhook-fixtures.ts';

const EVENTS = 1000;

test(`${EVENTS} events, ${TEST_DIALECT === 'postgres' ? 'two dispatchers on two pools' : 'one dispatcher (SQLite)'}: each delivered once, never in flight twice`, async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 15, 0, 0));
  const app = await startTestApp({ clock });
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  const receiver = await startReceiver({
    answer: async (request) => {
      const id = String(request.headers['webhook-id']);
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
      // Hold the request a moment, so a second sender of the same id would overlap it.
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight.delete(id);
      return 200;
    },
  });
  const pools: TestDatabase[] = [];
  try {
    const { endpoint } = await subscribedClient(app, receiver.url());
    const at = clock.now();
    const ids: string[] = [];
    for (let chunk = 0; chunk < EVENTS; chunk += 100) {
      const rows = Array.from({ length: 100 }, (_, i) => {
        const id = newDeliveryId();
        ids.push(id);
        return {
          id,
          endpoint_id: endpoint.id,
          user_id: null,
          event_type: 'door1_open',
          payload: JSON.stringify({ id, eventType: 'door1_open', n: chunk + i }),
          event_at: at - EVENTS + chunk + i,
          seq: chunk + i,
          status: 'pending' as const,
          next_attempt_at: at - EVENTS + chunk + i,
          locked_until: null,
          last_status: null,
          last_error: null,
          delivered_at: null,
          created_at: at,
        };
      });
      await app.ctx.db.insertInto('webhook_deliveries').values(rows).execute();
    }

    const databases =
      TEST_DIALECT === 'postgres'
        ? [sharedDatabase(app.database), sharedDatabase(app.database)]
        : [app.database];
    if (TEST_DIALECT === 'postgres') pools.push(...databases);
    const dispatchers = databases.map(
      (database) =>
        new WebhookDispatcher({
          db: database.db,
          dialect: database.dialect,
          box: app.ctx.webhookBox,
          clock,
          serverEnv: 'development',
          log: app.app.log,
        }),
    );
    const attemptedBy = await Promise.all(
      dispatchers.map(async (dispatcher) => {
        let attempted = 0;
        for (let round = 0; round < EVENTS; round++) {
          const claimed = await dispatcher.runOnce(25);
          if (claimed === 0) return attempted;
          attempted += claimed;
        }
        throw new Error('a dispatcher never ran out of work');
      }),
    );

    assert.deepEqual(overlaps, [], 'no webhook-id was in flight twice at once');
    const received = receiver.received.map((r) => String(r.headers['webhook-id']));
    assert.equal(new Set(received).size, EVENTS, 'every event arrived');
    assert.equal(received.length, EVENTS, 'none twice: every receiver answer was a 200');
    assert.deepEqual([...new Set(received)].sort(), ids.sort());
    assert.equal(
      attemptedBy.reduce((a, b) => a + b, 0),
      EVENTS,
    );
    if (dispatchers.length === 2) {
      assert.ok(
        attemptedBy.every((n) => n > 0),
        `both dispatchers shared the work: ${attemptedBy}`,
      );
    }
    const stored = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .select(({ fn }) => ['status', fn.countAll<number>().as('count'), fn.max('attempts').as('most')])
      .groupBy('status')
      .execute();
    assert.deepEqual(
      stored.map((s) => [s.status, Number(s.count), Number(s.most)]),
      [['delivered', EVENTS, 1]],
    );
    const attempts = await app.ctx.db
      .selectFrom('webhook_attempts')
      .select(({ fn }) => fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(attempts.count), EVENTS);
  } finally {
    for (const pool of pools) await pool.close();
    await receiver.close();
    await app.close();
  }
});
