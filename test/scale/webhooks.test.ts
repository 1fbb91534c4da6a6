import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../../src/webhooks/signing.ts';
import { assertJson } from '../cli/parqex-process.ts';
import { type Receiver, startReceiver } from '../webhooks/webhook-fixtures.ts';
import { api, type Cluster, DEMO, DIALECT, startCluster, tokensFor, waitUntil } from './cluster.ts';
import { johnsGarage } from './races.ts';

const TOGGLES = 60;

// test/webhooks/concurrency.test.ts races two dispatchers inside one process over a prepared
// outbox. Here the events are made by two real `parqex serve` processes and sent by the dispatcher
// each of them runs (PARQEX_WEBHOOK_DISPATCHER defaults to on), with nothing shared but the database.
describe(`webhooks from two parqex serve processes, each running its dispatcher (${DIALECT})`, () => {
  let cluster: Cluster;
  let receiver: Receiver;
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  before(async () => {
    receiver = await startReceiver({
      answer: async (request) => {
        const id = String(request.headers['webhook-id']);
        if (inFlight.has(id)) overlaps.push(id);
        inFlight.add(id);
        // Hold each request a moment: batches take a while, and a second sender of an id would overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight.delete(id);
        return 200;
      },
    });
    cluster = await startCluster(2, { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' });
  });
  after(async () => {
    await cluster?.close();
    await receiver?.close();
  });

  test(`${TOGGLES} toggles made on both processes: every event delivered once, none lost, each id sent once`, async () => {
    const created = assertJson(
      await cluster.box.run([
        'webhooks',
        'create',
        '--client',
        DEMO.id,
        '--url',
        receiver.url(),
        '--events',
        'door,access',
        '--json',
      ]),
    );
    const { access_token: john } = await tokensFor(cluster);
    const garage = await johnsGarage(cluster.url(0), john);

    // Every toggle moves the door: an access_granted event, then the sensor's door1_open/close.
    let state = garage.state;
    for (let i = 0; i < TOGGLES; i++) {
      state = state === 'OPEN' ? 'CLOSED' : 'OPEN';
      const toggled = await api(cluster.url(i), '/oauth/v1/endpoint/toggle', john, {
        door_id: garage.id,
        door_state: state,
      });
      assert.equal(toggled.status, 200, JSON.stringify(toggled.body));
    }

    const db = cluster.box.db();
    const outbox = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'event_type'])
      .where('endpoint_id', '=', created.endpoint_id)
      .execute();
    assert.equal(outbox.length, 2 * TOGGLES, 'one access and one door event per toggle, for John');
    await receiver.waitFor(outbox.length, 60_000);
    await waitUntil(
      'the outbox to record every delivery',
      async () =>
        (
          await db
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('endpoint_id', '=', created.endpoint_id)
            .where('status', '!=', 'delivered')
            .execute()
        ).length === 0,
      30_000,
      100,
    );

    const received = receiver.received.map((r) => String(r.headers['webhook-id']));
    assert.deepEqual(overlaps, [], 'no webhook-id was in flight twice at once');
    assert.equal(received.length, new Set(received).size, 'no webhook-id arrived twice');
    assert.deepEqual([...received].sort(), outbox.map((d) => d.id).sort(), 'every event arrived');
    const types = receiver.received.map((r) => r.json.eventType as string);
    assert.equal(types.filter((t) => t === 'access_granted').length, TOGGLES);
    assert.equal(types.filter((t) => /^door1_(open|close)$/.test(t)).length, TOGGLES);
    const attempts = await db
      .selectFrom('webhook_attempts')
      .select('id')
      .where(
        'delivery_id',
        'in',
        outbox.map((d) => d.id),
      )
      .execute();
    assert.equal(attempts.length, outbox.length, 'one attempt each');

    // Signed with the secret the CLI sealed: both processes open it with the database's key.
    for (const request of receiver.received) {
      assert.equal(request.headers['x-parqex-api-key'], created.api_key);
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      assert.ok(
        verifyWebhook(created.signing_secret, headers, request.body, Number(headers['webhook-timestamp'])),
      );
    }
    assert.deepEqual(cluster.errors(), [], 'no process logged an error');
  });
});
