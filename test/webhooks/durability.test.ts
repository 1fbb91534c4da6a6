import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyWebhook } from '../../src/webhooks/signing.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { type Env, spawnParqex } from '../cli/parqex-process.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DATABASE_URL } from '../helpers/test-database.ts';
import { startReceiver, subscribedClient } from './webhook-fixtures.ts';

const SECRET_KEY = 'test-secret-key-test-secret-key-0123456789';
const LISTENING = /^ParqEx listening on (http:\/\/\S+)$/m;

/** The URL a `parqex` process uses to reach the test app's data (PostgreSQL: its private schema). */
function childDatabaseUrl(app: TestApp, sqliteFile: string): string {
  if (!TEST_DATABASE_URL) return `sqlite:${sqliteFile}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${app.database.searchPath}`);
  return url.href;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Env): Running {
  const child = spawnParqex(args, env);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Waits (bounded) for the listening line of `parqex serve`. */
async function listeningUrl(server: Running, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = LISTENING.exec(server.output());
    if (match) return match[1]!;
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`parqex serve did not start:\n${server.output()}`);
}

for (const restart of ['serve', 'worker'] as const) {
  test(`deliveries pending when the server is SIGKILLed are sent by the next ${restart}: none lost, no new ids`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parqex-webhooks-'));
    const sqliteFile = join(dir, 'parqex.db');
    const setup = await startTestApp({ sqliteFile: TEST_DATABASE_URL ? undefined : sqliteFile });
    const receiver = await startReceiver();
    const started: Running[] = [];
    try {
      const { client, apiKey, signingSecret } = await subscribedClient(setup, receiver.url(), {
        families: ['door', 'access'],
      });
      const johnToken = (await setup.tokensFor({ client, user: JOHN })).access_token;
      await setup.tokensFor({ client, user: TEST_OWNER });
      const { garage } = await testingDoors(setup);
      const env: Env = {
        PORT: '0',
        PARQEX_DATABASE_URL: childDatabaseUrl(setup, sqliteFile),
        PARQEX_SECRET_KEY: SECRET_KEY,
        PARQEX_TOGGLE_COOLDOWN_S: '0',
        PARQEX_SIMULATOR_TRAVEL_MS: '0',
        PARQEX_LOG_LEVEL: 'warn',
      };

      // A server that does not send webhooks: what it accepts stays in the outbox.
      const server = run(['serve'], { ...env, PARQEX_WEBHOOK_DISPATCHER: 'off' });
      started.push(server);
      const base = await listeningUrl(server);
      for (const state of ['OPEN', 'CLOSED', 'OPEN']) {
        const response = await fetch(`${base}/oauth/v1/endpoint/toggle`, {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            authorization: `Bearer ${johnToken}`,
          },
          body: JSON.stringify({ door_id: garage.id, door_state: state }),
        });
        assert.equal(response.status, 200, await response.text());
      }
      const pending = await setup.ctx.db.selectFrom('webhook_deliveries').select(['id', 'status']).execute();
      // 3 toggles × (access_granted + door<N>_…) × (John + test@parqex.com).
      assert.equal(pending.length, 12);
      assert.ok(pending.every((d) => d.status === 'pending'));
      server.child.kill('SIGKILL');
      assert.equal((await server.exited).signal, 'SIGKILL');
      assert.equal(receiver.received.length, 0);

      const next = run(restart === 'serve' ? ['serve'] : ['worker'], env);
      started.push(next);
      await Promise.race([
        receiver.waitFor(12, 60_000),
        next.exited.then((how) => {
          throw new Error(
            `parqex ${restart} exited (${JSON.stringify(how)}) before sending:\n${next.output()}`,
          );
        }),
      ]);
      // Bounded wait for the outbox to record the last answers.
      for (let i = 0; i < 600; i++) {
        const left = await setup.ctx.db
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('status', '!=', 'delivered')
          .execute();
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const stored = await setup.ctx.db.selectFrom('webhook_deliveries').select(['id', 'status']).execute();
      assert.ok(
        stored.every((d) => d.status === 'delivered'),
        JSON.stringify(stored),
      );
      const receivedIds = receiver.received.map((r) => String(r.headers['webhook-id']));
      assert.deepEqual(
        [...new Set(receivedIds)].sort(),
        pending.map((d) => d.id).sort(),
        'every event arrived; any repeat carries an id already sent',
      );
      const kinds = receiver.received.map((r) => r.json.eventType).sort();
      assert.deepEqual(kinds.filter((k) => k === 'access_granted').length, 6);
      assert.deepEqual(kinds.filter((k) => k.startsWith('door1_')).length, 6);
      for (const request of receiver.received) {
        assert.equal(request.headers['x-parqex-api-key'], apiKey);
        assert.equal(request.json.id, request.headers['webhook-id']);
        const timestamp = Number(request.headers['webhook-timestamp']);
        assert.ok(
          verifyWebhook(
            signingSecret,
            {
              'webhook-id': String(request.headers['webhook-id']),
              'webhook-timestamp': String(request.headers['webhook-timestamp']),
              'webhook-signature': String(request.headers['webhook-signature']),
            },
            request.body,
            timestamp,
          ),
        );
      }

      next.child.kill('SIGTERM');
      const stopped = await next.exited;
      assert.equal(stopped.code, 0, next.output());
    } finally {
      for (const process of started) if (process.child.exitCode === null) process.child.kill('SIGKILL');
      await Promise.all(started.map((p) => p.exited));
      await receiver.close();
      await setup.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
