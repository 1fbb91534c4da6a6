import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { retryDelayMs } from '../../src/webhooks/dispatcher.ts';
import { WebhookInputError } from '../../src/webhooks/endpoints.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  attemptsOf,
  deliveriesOf,
  dispatcherFor,
  drain,
  freePort,
  insertDelivery,
  startReceiver,
  subscribedClient,
} from './webhook-fixtures.ts';

const START = Date.UTC(2026, 10, 22, 15, 0, 0);
const HOUR = 3_600_000;

async function withApp(run: (app: TestApp, clock: ManualClock) => Promise<void>): Promise<void> {
  const clock = new ManualClock(START);
  const app = await startTestApp({ clock });
  try {
    await run(app, clock);
  } finally {
    await app.close();
  }
}

function endpointRow(app: TestApp, id: string) {
  return app.ctx.db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe('retries', () => {
  test('a receiver that is down: the delivery waits retryDelayMs, then arrives once it is back, same webhook-id', () =>
    withApp(async (app, clock) => {
      const port = await freePort();
      const { endpoint } = await subscribedClient(app, `http://127.0.0.1:${port}/hooks`);
      const id = await insertDelivery(app.ctx.db, endpoint.id, clock.now());
      const dispatcher = dispatcherFor(app, { random: () => 0.5 });

      assert.equal(await dispatcher.runOnce(), 1);
      const [failed] = await deliveriesOf(app.ctx.db, endpoint.id);
      assert.equal(failed!.status, 'pending');
      assert.equal(failed!.next_attempt_at, clock.now() + retryDelayMs(1, () => 0.5));
      assert.match(failed!.last_error ?? '', /ECONNREFUSED/);

      const receiver = await startReceiver({ port });
      try {
        assert.equal(await dispatcher.runOnce(), 0, 'not before its time');
        clock.advance(retryDelayMs(1, () => 0.5) - 1);
        assert.equal(await dispatcher.runOnce(), 0);
        clock.advance(1);
        assert.equal(await dispatcher.runOnce(), 1);
        assert.equal(receiver.received.length, 1);
        assert.equal(receiver.received[0]!.headers['webhook-id'], id, 'the same id on every attempt');
        assert.equal(receiver.received[0]!.json.id, id);
        const [delivered] = await deliveriesOf(app.ctx.db, endpoint.id);
        assert.equal(delivered!.status, 'delivered');
        assert.equal(delivered!.attempts, 2);
        const attempts = await attemptsOf(app.ctx.db, id);
        assert.deepEqual(
          attempts.map((a) => a.status_code),
          [null, 200],
        );
        assert.equal(await drain(dispatcher), 0, 'nothing sent twice');
      } finally {
        await receiver.close();
      }
    }));

  test('a 302 is not followed: the redirect target gets nothing, the delivery is retried', () =>
    withApp(async (app, clock) => {
      const elsewhere = await startReceiver();
      const receiver = await startReceiver({
        answer: () => ({ status: 302, headers: { location: elsewhere.url('/stolen') } }),
      });
      try {
        const { endpoint } = await subscribedClient(app, receiver.url());
        const id = await insertDelivery(app.ctx.db, endpoint.id, clock.now());
        const dispatcher = dispatcherFor(app);
        assert.equal(await dispatcher.runOnce(), 1);
        clock.advance(retryDelayMs(1, () => 0.5));
        assert.equal(await dispatcher.runOnce(), 1, 'retried');
        assert.equal(receiver.received.length, 2);
        assert.equal(elsewhere.received.length, 0, 'the redirect was not followed');
        const [delivery] = await deliveriesOf(app.ctx.db, endpoint.id);
        assert.equal(delivery!.status, 'pending');
        assert.equal(delivery!.last_status, 302);
        assert.deepEqual(
          (await attemptsOf(app.ctx.db, id)).map((a) => a.status_code),
          [302, 302],
        );
        assert.equal((await endpointRow(app, endpoint.id)).disabled_at, null);
      } finally {
        await receiver.close();
        await elsewhere.close();
      }
    }));
});

describe('disabling', () => {
  test('410 Gone disables the endpoint at once: disabled_reason set, nothing more sent', () =>
    withApp(async (app, clock) => {
      const receiver = await startReceiver({ answer: () => 410 });
      try {
        const { endpoint } = await subscribedClient(app, receiver.url());
        // Three due at once: one claim takes them all.
        await insertDelivery(app.ctx.db, endpoint.id, clock.now() - 2);
        await insertDelivery(app.ctx.db, endpoint.id, clock.now() - 1);
        await insertDelivery(app.ctx.db, endpoint.id, clock.now());
        const dispatcher = dispatcherFor(app);
        await drain(dispatcher);
        assert.equal(receiver.received.length, 1, 'one 410, then silence');
        const row = await endpointRow(app, endpoint.id);
        assert.equal(row.disabled_at, clock.now());
        assert.match(row.disabled_reason ?? '', /410/);
        clock.advance(7 * 24 * HOUR);
        await insertDelivery(app.ctx.db, endpoint.id, clock.now());
        assert.equal(await drain(dispatcher), 0);
        assert.equal(receiver.received.length, 1);
        const waiting = (await deliveriesOf(app.ctx.db, endpoint.id)).filter((d) => d.status === 'pending');
        assert.equal(waiting.length, 4, 'the rest wait for the endpoint to be enabled again');
      } finally {
        await receiver.close();
      }
    }));

  test('an endpoint whose every attempt failed for 3 days is disabled, not before', () =>
    withApp(async (app, clock) => {
      const receiver = await startReceiver({ answer: () => 500 });
      try {
        const { endpoint } = await subscribedClient(app, receiver.url());
        const dispatcher = dispatcherFor(app);
        // A new event every six hours, each retried on its schedule.
        for (let hour = 0; hour < 71; hour++) {
          if (hour % 6 === 0) await insertDelivery(app.ctx.db, endpoint.id, clock.now());
          await drain(dispatcher);
          clock.advance(HOUR);
        }
        let row = await endpointRow(app, endpoint.id);
        assert.equal(row.disabled_at, null, 'still on after 70 hours');
        assert.equal(row.failing_since, START);
        for (let hour = 71; hour < 80 && row.disabled_at === null; hour++) {
          await insertDelivery(app.ctx.db, endpoint.id, clock.now());
          await drain(dispatcher);
          row = await endpointRow(app, endpoint.id);
          clock.advance(HOUR);
        }
        assert.ok(row.disabled_at !== null, 'disabled after 3 days of failures');
        assert.ok(row.disabled_at >= START + 72 * HOUR);
        assert.match(row.disabled_reason ?? '', /3 days/);
        const sent = receiver.received.length;
        clock.advance(24 * HOUR);
        await insertDelivery(app.ctx.db, endpoint.id, clock.now());
        assert.equal(await drain(dispatcher), 0);
        assert.equal(receiver.received.length, sent, 'nothing more sent');
      } finally {
        await receiver.close();
      }
    }));

  test('a success clears the failing streak', () =>
    withApp(async (app, clock) => {
      let healthy = false;
      const receiver = await startReceiver({ answer: () => (healthy ? 204 : 503) });
      try {
        const { endpoint } = await subscribedClient(app, receiver.url());
        const dispatcher = dispatcherFor(app);
        await insertDelivery(app.ctx.db, endpoint.id, clock.now());
        await drain(dispatcher);
        assert.equal((await endpointRow(app, endpoint.id)).failing_since, START);
        healthy = true;
        clock.advance(HOUR);
        await drain(dispatcher);
        const row = await endpointRow(app, endpoint.id);
        assert.equal(row.failing_since, null);
        assert.equal(row.last_success_at, clock.now());
        assert.equal((await deliveriesOf(app.ctx.db, endpoint.id))[0]!.status, 'delivered', '204 is a 2xx');
      } finally {
        await receiver.close();
      }
    }));
});

describe('refused targets', () => {
  test('plain http for a production application is refused at creation', () =>
    withApp(async (app) => {
      const client = await app.registerClient({ environment: 'production' });
      for (const url of [
        'http://127.0.0.1:9/hooks',
        'http://hooks.example.com/hooks',
        'http://localhost/x',
      ]) {
        await assert.rejects(
          app.ctx.webhooks.create({ clientId: client.id, url }, app.ctx.clock.now()),
          (error: Error) =>
            error instanceof WebhookInputError &&
            /https:\/\/|allowed only for development clients/.test(error.message),
          url,
        );
      }
      const dev = await app.registerClient({
        environment: 'development',
        redirectUris: ['http://127.0.0.1/cb'],
      });
      await assert.rejects(
        app.ctx.webhooks.create({ clientId: dev.id, url: 'http://hooks.example.com/x' }, app.ctx.clock.now()),
        WebhookInputError,
        'plain http only on loopback, even for development',
      );
      assert.equal((await app.ctx.webhooks.list()).length, 0);
      const ok = await app.ctx.webhooks.create(
        { clientId: client.id, url: 'https://hooks.example.com/parqex' },
        app.ctx.clock.now(),
      );
      app.remember(ok.apiKey, ok.signingSecret);
      assert.equal(ok.endpoint.url, 'https://hooks.example.com/parqex');
    }));

  test('on a production server, a host resolving to a private, loopback or metadata address is refused at delivery', () =>
    withApp(async (app, clock) => {
      // Anything that does connect is counted: nothing may.
      let connections = 0;
      const trap = net.createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      const port = (trap.address() as net.AddressInfo).port;
      try {
        const client = await app.registerClient({ environment: 'production' });
        const created = await app.ctx.webhooks.create(
          { clientId: client.id, url: `https://hooks.example.com:${port}/parqex` },
          clock.now(),
        );
        app.remember(created.apiKey, created.signingSecret);
        for (const [address, label] of [
          ['10.0.0.1', /private/],
          ['127.0.0.1', /loopback/],
          ['169.254.169.254', /link-local|metadata/],
        ] as const) {
          const id = await insertDelivery(app.ctx.db, created.endpoint.id, clock.now());
          const dispatcher = dispatcherFor(app, {
            serverEnv: 'production',
            lookup: async (host) => {
              assert.equal(host, 'hooks.example.com');
              return [{ address, family: 4 }];
            },
          });
          assert.equal(await dispatcher.runOnce(), 1);
          const [attempt] = await attemptsOf(app.ctx.db, id);
          assert.ok(attempt, `an attempt is recorded for ${address}`);
          assert.equal(attempt.status_code, null);
          assert.match(attempt.error ?? '', /^refused target: /);
          assert.match(
            attempt.error ?? '',
            new RegExp(`hooks\\.example\\.com resolves to ${address.replace(/\./g, '\\.')}`),
          );
          assert.match(attempt.error ?? '', label);
          assert.match(attempt.error ?? '', /production server/);
          const delivery = await app.ctx.db
            .selectFrom('webhook_deliveries')
            .selectAll()
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          assert.equal(delivery.status, 'pending', 'a failed attempt, retried like any other');
          assert.equal(delivery.last_error, attempt.error);
          clock.advance(HOUR);
          // Finish it off so the next round starts clean.
          await app.ctx.db
            .updateTable('webhook_deliveries')
            .set({ status: 'cancelled' })
            .where('id', '=', id)
            .execute();
        }
        assert.equal(connections, 0, 'no connection was made');
      } finally {
        await new Promise((resolve) => trap.close(resolve));
      }
    }));
});

describe('order', () => {
  test('a healthy endpoint receives its events in event order, across claims', () =>
    withApp(async (app, clock) => {
      const receiver = await startReceiver();
      try {
        const first = await subscribedClient(app, receiver.url('/a'));
        const second = await subscribedClient(app, receiver.url('/b'));
        // Written out of order, 60 per endpoint (more than one claim of 25).
        const offsets = Array.from({ length: 60 }, (_, i) => (i * 37) % 60);
        for (const offset of offsets) {
          await insertDelivery(app.ctx.db, first.endpoint.id, clock.now() - 60_000 + offset * 1000, {
            n: offset,
          });
          await insertDelivery(app.ctx.db, second.endpoint.id, clock.now() - 60_000 + offset * 500, {
            n: offset,
          });
        }
        await drain(dispatcherFor(app));
        for (const path of ['/a', '/b']) {
          const got = receiver.received.filter((r) => r.path === path).map((r) => r.json.n);
          assert.deepEqual(
            got,
            Array.from({ length: 60 }, (_, i) => i),
          );
        }
      } finally {
        await receiver.close();
      }
    }));
});
