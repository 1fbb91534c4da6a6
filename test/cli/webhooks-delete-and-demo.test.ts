import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hexId } from '../../src/lib/crypto.ts';
import { assertJson, assertRefused, type Sandbox, sandbox } from './parqex-process.ts';

// Issue 9 §4.3: `parqex demo` failed with `FOREIGN KEY constraint failed` once the demo application
// had a webhook endpoint, and there was no way to delete an endpoint.
const DEMO_CLIENT_ID = '555555555555555555.localhost';

async function inSandbox(run: (box: Sandbox) => Promise<void>): Promise<void> {
  const box = await sandbox();
  try {
    await run(box);
  } finally {
    await box.close();
  }
}

async function createEndpoint(box: Sandbox, clientId: string): Promise<string> {
  const created = assertJson(
    await box.run(['webhooks', 'create', '--json', '--client', clientId, '--url', 'http://127.0.0.1:9/hook']),
  );
  return created.endpoint_id;
}

async function createClient(box: Sandbox): Promise<string> {
  return assertJson(
    await box.run([
      ...['clients', 'create', '--json', '--name', `App ${hexId().slice(0, 6)}`],
      ...['--environment', 'development', '--redirect-uri', 'http://127.0.0.1/cb'],
    ]),
  ).client_id;
}

/** A delivery with one recorded attempt, as the dispatcher leaves them. */
async function deliveryWithAttempt(box: Sandbox, endpointId: string): Promise<string> {
  const id = hexId().toUpperCase();
  const at = Date.now();
  await box
    .db()
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      user_id: null,
      event_type: 'ping',
      payload: JSON.stringify({ id, eventType: 'ping' }),
      event_at: at,
      seq: at * 1000,
      status: 'pending',
      attempts: 1,
      next_attempt_at: at + 60_000,
      locked_until: null,
      last_status: 500,
      last_error: null,
      delivered_at: null,
      created_at: at,
    })
    .execute();
  await box
    .db()
    .insertInto('webhook_attempts')
    .values({ id: hexId(), delivery_id: id, attempted_at: at, status_code: 500, latency_ms: 3, error: null })
    .execute();
  return id;
}

async function counts(box: Sandbox, endpointId: string) {
  const db = box.db();
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', '=', endpointId)
    .execute();
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('endpoint_id', '=', endpointId)
    .execute();
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select('id')
    .where('delivery_id', 'in', deliveries.length ? deliveries.map((d) => d.id) : ['none'])
    .execute();
  return { endpoints: endpoints.length, deliveries: deliveries.length, attempts: attempts.length };
}

describe('parqex demo with webhook endpoints (issue 9 §4.3)', { concurrency: true }, () => {
  test('the reset deletes the demo application’s endpoints with their deliveries, and leaves a working demo', () =>
    inSandbox(async (box) => {
      assertJson(await box.run(['demo', '--json']));
      const demoEndpoint = await createEndpoint(box, DEMO_CLIENT_ID);
      const delivery = await deliveryWithAttempt(box, demoEndpoint);
      const otherEndpoint = await createEndpoint(box, await createClient(box));
      await deliveryWithAttempt(box, otherEndpoint);

      const again = await box.run(['demo']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, '');
      assert.match(
        again.stdout,
        new RegExp(`deleted the demo application's webhook endpoints: ${demoEndpoint}`),
      );
      assert.deepEqual(await counts(box, demoEndpoint), { endpoints: 0, deliveries: 0, attempts: 0 });
      const gone = await box
        .db()
        .selectFrom('webhook_attempts')
        .select('id')
        .where('delivery_id', '=', delivery)
        .execute();
      assert.equal(gone.length, 0);
      // Another application's endpoint is not the demo's business.
      assert.deepEqual(await counts(box, otherEndpoint), { endpoints: 1, deliveries: 1, attempts: 1 });

      // A working demo: the application is back, a receiver can be registered again, and reset again.
      const demo = assertJson(await box.run(['clients', 'show', DEMO_CLIENT_ID, '--json']));
      assert.equal(demo.client_id, DEMO_CLIENT_ID);
      const fresh = await createEndpoint(box, DEMO_CLIENT_ID);
      const third = assertJson(await box.run(['demo', '--json']));
      assert.deepEqual(third.deleted_webhook_endpoints, [fresh]);
      assert.equal(
        (await box.run(['demo', '--help'])).stdout.includes('webhook endpoints are deleted'),
        true,
      );
    }));
});

describe('parqex webhooks delete (issue 9 §4.3)', { concurrency: true }, () => {
  test('deletes one endpoint with its deliveries and their attempts; the others stay', () =>
    inSandbox(async (box) => {
      const clientId = await createClient(box);
      const doomed = await createEndpoint(box, clientId);
      const kept = await createEndpoint(box, clientId);
      await deliveryWithAttempt(box, doomed);
      await deliveryWithAttempt(box, doomed);
      await deliveryWithAttempt(box, kept);

      const deleted = await box.run(['webhooks', 'delete', doomed]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.stderr, '');
      assert.equal(deleted.stdout, `deleted ${doomed} (http://127.0.0.1:9/hook) with its 2 deliveries\n`);
      assert.deepEqual(await counts(box, doomed), { endpoints: 0, deliveries: 0, attempts: 0 });
      assert.deepEqual(await counts(box, kept), { endpoints: 1, deliveries: 1, attempts: 1 });
      const listed = assertJson(await box.run(['webhooks', 'list', '--json']));
      assert.deepEqual(
        listed.map((e: { endpoint_id: string }) => e.endpoint_id),
        [kept],
      );

      assertRefused(
        await box.run(['webhooks', 'delete', doomed]),
        new RegExp(`no webhook endpoint with id ${doomed}`),
      );
      assertRefused(await box.run(['webhooks', 'show', doomed]), /no webhook endpoint/);
      assertRefused(await box.run(['webhooks', 'delete']), /webhooks delete needs an endpoint id/);
    }));

  test('--json says what went', () =>
    inSandbox(async (box) => {
      const clientId = await createClient(box);
      const endpoint = await createEndpoint(box, clientId);
      await deliveryWithAttempt(box, endpoint);
      assert.deepEqual(assertJson(await box.run(['webhooks', 'delete', endpoint, '--json'])), {
        endpoint_id: endpoint,
        client_id: clientId,
        deleted: true,
        deliveries_deleted: 1,
      });
      const help = await box.run(['webhooks', '--help']);
      assert.match(help.stdout, /parqex webhooks delete ID/);
    }));
});
