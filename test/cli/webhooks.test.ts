import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { hexId } from '../../src/lib/crypto.ts';
import { verifyWebhook } from '../../src/webhooks/signing.ts';
import { assertJson, assertRefused, field, type Sandbox, sandbox } from './parqex-process.ts';

const DELIVERY_ID = /^[0-9A-F]{32}$/;

async function createClient(box: Sandbox, environment: 'development' | 'production'): Promise<string> {
  const redirect = environment === 'development' ? 'http://127.0.0.1/cb' : 'https://app.example/cb';
  const created = assertJson(
    await box.run([
      'clients',
      'create',
      '--json',
      '--name',
      `App ${hexId().slice(0, 6)}`,
      '--environment',
      environment,
      '--redirect-uri',
      redirect,
    ]),
  );
  return created.client_id;
}

interface Created {
  endpoint_id: string;
  client_id: string;
  api_key: string;
  signing_secret: string;
}

async function createEndpoint(
  box: Sandbox,
  url = 'http://127.0.0.1:9/hook',
  extra: string[] = [],
): Promise<Created> {
  const clientId = await createClient(box, 'development');
  return assertJson(
    await box.run(['webhooks', 'create', '--json', '--client', clientId, '--url', url, ...extra]),
  );
}

async function endpointRows(box: Sandbox, clientId: string) {
  return box.db().selectFrom('webhook_endpoints').selectAll().where('client_id', '=', clientId).execute();
}

async function insertDelivery(
  box: Sandbox,
  endpointId: string,
  row: { eventAt: number; status: 'pending' | 'delivered' | 'failed'; eventType?: string; attempts?: number },
): Promise<string> {
  const id = hexId().toUpperCase();
  await box
    .db()
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      user_id: null,
      event_type: row.eventType ?? 'door1_open',
      payload: JSON.stringify({ id, eventType: row.eventType ?? 'door1_open' }),
      event_at: row.eventAt,
      seq: row.eventAt * 1000,
      status: row.status,
      attempts: row.attempts ?? 0,
      next_attempt_at: row.eventAt + 86_400_000,
      locked_until: null,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: row.eventAt,
    })
    .execute();
  return id;
}

async function deliveryRow(box: Sandbox, id: string) {
  return box.db().selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('parqex webhooks', { concurrency: true }, () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
    // One migration before the concurrent cases, so they do not race to create the schema.
    const migrated = await box.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
  });
  after(() => box.close());

  test('create prints the endpoint id, API key and whsec_ secret once; both are stored sealed', async () => {
    const clientId = await createClient(box, 'development');
    const created = await box.run([
      'webhooks',
      'create',
      '--client',
      clientId,
      '--url',
      'http://127.0.0.1:8443/hook',
      '--events',
      'door,access',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    const endpointId = field(created.stdout, 'endpoint_id');
    assert.match(endpointId, /^[0-9a-f]{32}$/);
    assert.equal(field(created.stdout, 'client_id'), clientId);
    assert.equal(field(created.stdout, 'events'), 'door, access');
    assert.equal(field(created.stdout, 'status'), 'enabled');
    const apiKey = field(created.stdout, 'api_key');
    const secret = field(created.stdout, 'signing_secret');
    assert.match(apiKey, /^pqx_[A-Za-z0-9_-]{32}$/);
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(created.stdout, /shown once/);

    const [row] = await endpointRows(box, clientId);
    assert.ok(row);
    assert.equal(row.id, endpointId);
    assert.equal(row.event_families, 'door,access');
    for (const sealed of [row.api_key_sealed, row.signing_secret_sealed]) {
      assert.match(sealed, /^v1\./, 'encrypted');
      assert.ok(!sealed.includes(apiKey) && !sealed.includes(secret.slice(6)), 'not in clear');
    }

    // Never again: show, list and deliveries know the endpoint but not its secrets.
    const outputs = await Promise.all(
      [
        ['webhooks', 'show', endpointId],
        ['webhooks', 'show', endpointId, '--json'],
        ['webhooks', 'list'],
        ['webhooks', 'list', '--json'],
        ['webhooks', 'deliveries', endpointId, '--json'],
      ].map((args) => box.run(args)),
    );
    for (const output of outputs) {
      assert.equal(output.code, 0, output.stderr);
      assert.ok(
        !output.stdout.includes(apiKey) && !output.stdout.includes(secret),
        'secrets not shown again',
      );
    }
  });

  test('create --json: one document with the endpoint and both secrets; all families by default', async () => {
    const clientId = await createClient(box, 'production');
    const result = await box.run([
      'webhooks',
      'create',
      '--json',
      '--client',
      clientId,
      '--url',
      'https://receiver.example/webhooks?source=parqex',
    ]);
    const created = assertJson(result);
    assert.ok(result.stdout.trimStart().startsWith('{') && result.stdout.endsWith('}\n'));
    assert.match(created.endpoint_id, /^[0-9a-f]{32}$/);
    assert.match(created.api_key, /^pqx_/);
    assert.match(created.signing_secret, /^whsec_/);
    assert.deepEqual(
      { ...created, endpoint_id: 'ID', api_key: 'KEY', signing_secret: 'SECRET', created_at: 'T' },
      {
        endpoint_id: 'ID',
        client_id: clientId,
        url: 'https://receiver.example/webhooks?source=parqex',
        events: ['door', 'management', 'access', 'enforcer', 'marketplace', 'guests'],
        status: 'enabled',
        created_at: 'T',
        disabled_at: null,
        disabled_reason: null,
        failing_since: null,
        last_success_at: null,
        api_key: 'KEY',
        signing_secret: 'SECRET',
      },
    );
    assert.ok(!Number.isNaN(Date.parse(created.created_at)));
  });

  const REFUSALS: Array<[string, 'development' | 'production' | 'none', string[], RegExp]> = [
    [
      'an unknown client',
      'none',
      ['--url', 'https://r.example/h'],
      /no client with id 000000000000000000\.localhost/,
    ],
    [
      'http for a production client',
      'production',
      ['--url', 'http://receiver.example/h'],
      /must start with https:\/\//,
    ],
    ['a fragment', 'development', ['--url', 'https://r.example/h#frag'], /must not contain a fragment/],
    [
      'user information',
      'development',
      ['--url', 'https://user:pw@r.example/h'],
      /must not contain user information/,
    ],
    [
      'an unknown event family',
      'development',
      ['--url', 'https://r.example/h', '--events', 'door,gossip'],
      /unknown event family "gossip"/,
    ],
    ['a missing --url', 'development', [], /webhooks create needs --url/],
  ];
  for (const [what, environment, args, message] of REFUSALS) {
    test(`create refuses ${what} and writes nothing`, async () => {
      const clientId =
        environment === 'none' ? '000000000000000000.localhost' : await createClient(box, environment);
      assertRefused(await box.run(['webhooks', 'create', '--client', clientId, ...args]), message);
      assert.deepEqual(await endpointRows(box, clientId), []);
    });
  }

  const USAGE: Array<[string[], RegExp]> = [
    [['webhooks', 'create', '--url', 'https://r.example/h'], /webhooks create needs --client/],
    [
      ['webhooks', 'create', '--json', '--client', '1.localhost', '--url', 'https://r.example/h'],
      /no client with id 1\.localhost/,
    ],
    [['webhooks', 'show'], /webhooks show needs an endpoint id/],
    [['webhooks', 'show', 'ffffffffffffffffffffffffffffffff'], /no webhook endpoint with id f{32}/],
    [['webhooks', 'disable', 'ffffffffffffffffffffffffffffffff'], /no webhook endpoint with id/],
    [['webhooks', 'deliveries', 'ffffffffffffffffffffffffffffffff', '--json'], /no webhook endpoint with id/],
    [['webhooks', 'deliveries', 'x', '--limit', 'many'], /--limit must be a whole number/],
    [['webhooks', 'ping', 'ffffffffffffffffffffffffffffffff'], /no webhook endpoint with id/],
    [['webhooks', 'resend'], /webhooks resend needs a delivery id/],
    [['webhooks', 'resend', 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'], /no webhook delivery with id F{32}/],
    [['webhooks', 'resend', '--endpoint', 'x'], /needs --since TIME/],
    [['webhooks', 'resend', '--endpoint', 'x', '--since', 'yesterday'], /--since must be an ISO 8601 time/],
    [
      ['webhooks', 'resend', '--endpoint', 'x', '--since', '2025-01-31T08:00'],
      /--since must be an ISO 8601 time with a zone/,
    ],
    [['webhooks', 'frobnicate'], /unknown command: webhooks frobnicate/],
    [['webhooks', 'list', '--bogus'], /--bogus/],
    [['webhooks', 'show', 'a', 'b'], /unexpected argument "b"/],
  ];
  for (const [args, message] of USAGE) {
    test(`parqex ${args.join(' ')} is refused`, async () => {
      assertRefused(await box.run(args), message);
    });
  }

  test('--help names every subcommand; the overview names webhooks', async () => {
    const [help, subHelp, overview] = await Promise.all([
      box.run(['webhooks', '--help']),
      box.run(['webhooks', 'resend', '--help', '--json']),
      box.run(['--help']),
    ]);
    for (const result of [help, subHelp]) {
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^parqex webhooks — /);
      for (const sub of [
        'create',
        'list',
        'show',
        'disable',
        'enable',
        'rotate-secret',
        'deliveries',
        'resend',
        'ping',
      ]) {
        assert.match(result.stdout, new RegExp(`parqex webhooks ${sub}\\b`), sub);
      }
      for (const option of [
        '--client',
        '--url',
        '--events door,management,access,enforcer,marketplace',
        '--reason',
        '--limit',
        '--endpoint',
        '--since',
        '--wait',
      ]) {
        assert.ok(result.stdout.includes(option), option);
      }
    }
    assert.match(overview.stdout, /^ {2}webhooks\b/m);
  });

  test('list, show, disable, enable and rotate-secret', async () => {
    const first = await createEndpoint(box);
    const second = assertJson(
      await box.run([
        'webhooks',
        'create',
        '--json',
        '--client',
        first.client_id,
        '--url',
        'http://localhost:9/other',
        '--events',
        'management',
      ]),
    );
    const other = await createEndpoint(box);

    const listed = assertJson(await box.run(['webhooks', 'list', '--json', '--client', first.client_id]));
    assert.deepEqual(
      listed.map((e: { endpoint_id: string; events: string[] }) => [e.endpoint_id, e.events]),
      [
        [first.endpoint_id, ['door', 'management', 'access', 'enforcer', 'marketplace', 'guests']],
        [second.endpoint_id, ['management']],
      ],
    );
    const everything = await box.run(['webhooks', 'list']);
    assert.match(everything.stdout, /^ENDPOINT_ID\s+STATUS\s+CLIENT_ID\s+URL\s+EVENTS\n/);
    assert.match(
      everything.stdout,
      new RegExp(`^${first.endpoint_id}\\s+enabled\\s+${first.client_id}`, 'm'),
    );
    assert.match(everything.stdout, new RegExp(`^${other.endpoint_id} `, 'm'));

    await insertDelivery(box, first.endpoint_id, { eventAt: 1_000, status: 'delivered' });
    await insertDelivery(box, first.endpoint_id, { eventAt: 2_000, status: 'failed' });
    await insertDelivery(box, first.endpoint_id, { eventAt: 3_000, status: 'pending' });
    await insertDelivery(box, first.endpoint_id, { eventAt: 4_000, status: 'pending' });
    const shown = assertJson(await box.run(['webhooks', 'show', first.endpoint_id, '--json']));
    assert.equal(shown.status, 'enabled');
    assert.deepEqual(shown.deliveries, { pending: 2, delivered: 1, failed: 1, cancelled: 0 });
    const shownHuman = await box.run(['webhooks', 'show', first.endpoint_id]);
    assert.equal(field(shownHuman.stdout, 'status'), 'enabled');
    assert.equal(field(shownHuman.stdout, 'last_success_at'), 'never');
    assert.equal(field(shownHuman.stdout, 'deliveries'), '2 pending, 1 delivered, 1 failed');

    const disabled = assertJson(
      await box.run(['webhooks', 'disable', first.endpoint_id, '--reason', 'receiver moving', '--json']),
    );
    assert.equal(disabled.status, 'disabled');
    assert.equal(disabled.disabled_reason, 'receiver moving');
    assert.ok(!Number.isNaN(Date.parse(disabled.disabled_at)));
    const shownDisabled = await box.run(['webhooks', 'show', first.endpoint_id]);
    assert.equal(
      field(shownDisabled.stdout, 'status'),
      `disabled since ${disabled.disabled_at}: receiver moving`,
    );
    const byDefault = assertJson(await box.run(['webhooks', 'disable', second.endpoint_id, '--json']));
    assert.equal(byDefault.disabled_reason, 'disabled by staff');

    const enabled = await box.run(['webhooks', 'enable', first.endpoint_id]);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal(enabled.stdout, `enabled ${first.endpoint_id}\n`);
    const reenabled = assertJson(await box.run(['webhooks', 'show', first.endpoint_id, '--json']));
    assert.equal(reenabled.status, 'enabled');
    assert.equal(reenabled.disabled_at, null);

    const [before] = (await endpointRows(box, first.client_id)).filter((r) => r.id === first.endpoint_id);
    const rotated = assertJson(await box.run(['webhooks', 'rotate-secret', first.endpoint_id, '--json']));
    assert.deepEqual(Object.keys(rotated).sort(), ['endpoint_id', 'signing_secret']);
    assert.equal(rotated.endpoint_id, first.endpoint_id);
    assert.match(rotated.signing_secret, /^whsec_/);
    assert.notEqual(rotated.signing_secret, first.signing_secret);
    const [afterRotation] = (await endpointRows(box, first.client_id)).filter(
      (r) => r.id === first.endpoint_id,
    );
    assert.notEqual(afterRotation!.signing_secret_sealed, before!.signing_secret_sealed);
    assert.equal(afterRotation!.api_key_sealed, before!.api_key_sealed, 'the API key stays');
    assert.ok(!afterRotation!.signing_secret_sealed.includes(rotated.signing_secret.slice(6)));
    const rotatedHuman = await box.run(['webhooks', 'rotate-secret', first.endpoint_id]);
    assert.match(field(rotatedHuman.stdout, 'signing_secret'), /^whsec_/);
    assert.match(rotatedHuman.stdout, /shown once/);
  });

  test('deliveries lists the newest first, each with its attempts', async () => {
    const endpoint = await createEndpoint(box);
    const older = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1),
      status: 'delivered',
    });
    const newer = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 2),
      status: 'pending',
      eventType: 'access_granted',
    });
    await box
      .db()
      .updateTable('webhook_deliveries')
      .set({ last_status: 503, last_error: null, attempts: 2, next_attempt_at: Date.UTC(2025, 0, 2, 0, 5) })
      .where('id', '=', newer)
      .execute();
    await box
      .db()
      .updateTable('webhook_deliveries')
      .set({ last_status: 200, delivered_at: Date.UTC(2025, 0, 1, 0, 0, 1), attempts: 1 })
      .where('id', '=', older)
      .execute();
    await box
      .db()
      .insertInto('webhook_attempts')
      .values([
        {
          id: hexId(),
          delivery_id: older,
          attempted_at: Date.UTC(2025, 0, 1, 0, 0, 1),
          status_code: 200,
          latency_ms: 42,
          error: null,
        },
        {
          id: hexId(),
          delivery_id: newer,
          attempted_at: Date.UTC(2025, 0, 2, 0, 0, 5),
          status_code: null,
          latency_ms: 10_000,
          error: 'timed out',
        },
        {
          id: hexId(),
          delivery_id: newer,
          attempted_at: Date.UTC(2025, 0, 2),
          status_code: 503,
          latency_ms: 17,
          error: null,
        },
      ])
      .execute();

    const listed = assertJson(await box.run(['webhooks', 'deliveries', endpoint.endpoint_id, '--json']));
    assert.equal(listed.endpoint_id, endpoint.endpoint_id);
    assert.deepEqual(listed.deliveries, [
      {
        delivery_id: newer,
        event_type: 'access_granted',
        event_at: '2025-01-02T00:00:00.000Z',
        user_id: null,
        status: 'pending',
        attempts: 2,
        last_status_code: 503,
        last_error: null,
        next_attempt_at: '2025-01-02T00:05:00.000Z',
        delivered_at: null,
        attempt_log: [
          { attempted_at: '2025-01-02T00:00:00.000Z', status_code: 503, latency_ms: 17, error: null },
          {
            attempted_at: '2025-01-02T00:00:05.000Z',
            status_code: null,
            latency_ms: 10000,
            error: 'timed out',
          },
        ],
      },
      {
        delivery_id: older,
        event_type: 'door1_open',
        event_at: '2025-01-01T00:00:00.000Z',
        user_id: null,
        status: 'delivered',
        attempts: 1,
        last_status_code: 200,
        last_error: null,
        next_attempt_at: null,
        delivered_at: '2025-01-01T00:00:01.000Z',
        attempt_log: [
          { attempted_at: '2025-01-01T00:00:01.000Z', status_code: 200, latency_ms: 42, error: null },
        ],
      },
    ]);

    const limited = assertJson(
      await box.run(['webhooks', 'deliveries', endpoint.endpoint_id, '--limit', '1', '--json']),
    );
    assert.deepEqual(
      limited.deliveries.map((d: { delivery_id: string }) => d.delivery_id),
      [newer],
    );

    const human = await box.run(['webhooks', 'deliveries', endpoint.endpoint_id]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stdout,
      [
        `${newer}  access_granted  pending  2 attempts  event 2025-01-02T00:00:00.000Z`,
        '  last status 503; next attempt 2025-01-02T00:05:00.000Z',
        '  2025-01-02T00:00:00.000Z  503 in 17 ms',
        '  2025-01-02T00:00:05.000Z  no answer (timed out) in 10000 ms',
        `${older}  door1_open  delivered  1 attempt  event 2025-01-01T00:00:00.000Z`,
        '  last status 200',
        '  2025-01-01T00:00:01.000Z  200 in 42 ms',
        '',
      ].join('\n'),
    );
    const empty = await box.run(['webhooks', 'deliveries', (await createEndpoint(box)).endpoint_id]);
    assert.equal(empty.stdout, 'no deliveries\n');
  });

  test('resend DELIVERY_ID puts it back to pending, due now, with the same id', async () => {
    const endpoint = await createEndpoint(box);
    const id = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1),
      status: 'failed',
      attempts: 9,
    });
    const other = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1),
      status: 'failed',
    });
    const started = Date.now();
    const resent = assertJson(await box.run(['webhooks', 'resend', id, '--json']));
    const finished = Date.now();
    assert.deepEqual(resent, { endpoint_id: endpoint.endpoint_id, resent: [id] });
    const row = await deliveryRow(box, id);
    assert.equal(row.status, 'pending');
    assert.equal(Number(row.attempts), 0, 'the retry schedule starts over');
    assert.ok(Number(row.next_attempt_at) >= started && Number(row.next_attempt_at) <= finished, 'due now');
    assert.equal((await deliveryRow(box, other)).status, 'failed', 'only the one named');

    const human = await box.run(['webhooks', 'resend', other]);
    assert.equal(human.stdout, `delivery ${other} of ${endpoint.endpoint_id} will be sent again\n`);
    assert.equal((await deliveryRow(box, other)).status, 'pending');
  });

  test('resend --endpoint ID --since TIME re-sends the deliveries of events since then', async () => {
    const endpoint = await createEndpoint(box);
    const elsewhere = await createEndpoint(box);
    const before = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1, 7, 59),
      status: 'failed',
    });
    const at = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1, 8),
      status: 'delivered',
    });
    const later = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 2),
      status: 'failed',
    });
    const otherEndpoint = await insertDelivery(box, elsewhere.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 2),
      status: 'failed',
    });

    const resent = assertJson(
      await box.run([
        'webhooks',
        'resend',
        '--endpoint',
        endpoint.endpoint_id,
        '--since',
        '2025-01-01T09:00:00+01:00',
        '--json',
      ]),
    );
    assert.deepEqual(resent, {
      endpoint_id: endpoint.endpoint_id,
      since: '2025-01-01T08:00:00.000Z',
      resent: [at, later],
    });
    assert.equal((await deliveryRow(box, before)).status, 'failed');
    assert.equal((await deliveryRow(box, at)).status, 'pending');
    assert.equal((await deliveryRow(box, later)).status, 'pending');
    assert.equal((await deliveryRow(box, otherEndpoint)).status, 'failed');

    const none = await box.run([
      'webhooks',
      'resend',
      '--endpoint',
      endpoint.endpoint_id,
      '--since',
      '2030-01-01',
    ]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^0 deliveries of .* will be sent again\n$/);
  });

  test('resend and ping refuse a disabled endpoint, changing nothing', async () => {
    const endpoint = await createEndpoint(box);
    const id = await insertDelivery(box, endpoint.endpoint_id, {
      eventAt: Date.UTC(2025, 0, 1),
      status: 'failed',
    });
    assertJson(
      await box.run(['webhooks', 'disable', endpoint.endpoint_id, '--reason', 'gone fishing', '--json']),
    );
    const disabled = new RegExp(
      `endpoint ${endpoint.endpoint_id} is disabled \\(gone fishing\\); enable it first`,
    );
    assertRefused(await box.run(['webhooks', 'resend', id]), disabled);
    assertRefused(
      await box.run([
        'webhooks',
        'resend',
        '--endpoint',
        endpoint.endpoint_id,
        '--since',
        '2020-01-01',
        '--json',
      ]),
      disabled,
    );
    assertRefused(await box.run(['webhooks', 'ping', endpoint.endpoint_id]), disabled);
    assert.equal((await deliveryRow(box, id)).status, 'failed');
    const rows = await box
      .db()
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('endpoint_id', '=', endpoint.endpoint_id)
      .execute();
    assert.deepEqual(
      rows.map((r) => r.id),
      [id],
      'no ping was queued',
    );
  });

  test('ping queues one test event as a pending delivery', async () => {
    const endpoint = await createEndpoint(box, 'http://127.0.0.1:9/hook', ['--events', 'enforcer']);
    const started = Date.now();
    const pinged = assertJson(await box.run(['webhooks', 'ping', endpoint.endpoint_id, '--json']));
    assert.match(pinged.delivery_id, DELIVERY_ID);
    assert.deepEqual(pinged, {
      endpoint_id: endpoint.endpoint_id,
      delivery_id: pinged.delivery_id,
      status: 'pending',
    });
    const row = await deliveryRow(box, pinged.delivery_id);
    assert.equal(row.endpoint_id, endpoint.endpoint_id);
    assert.equal(row.status, 'pending');
    assert.equal(row.event_type, 'ping');
    assert.ok(Number(row.next_attempt_at) >= started, 'due now');
    const payload = JSON.parse(row.payload);
    assert.deepEqual(Object.keys(payload), [
      'id',
      'eventType',
      'eventOccurred',
      'eventOccurredUTC',
      'endpointID',
    ]);
    assert.equal(payload.id, pinged.delivery_id);
    assert.equal(payload.eventType, 'ping');
    assert.equal(payload.endpointID, endpoint.endpoint_id);
    assert.equal(payload.eventOccurred, Math.floor(Number(row.event_at) / 1000));
    assert.equal(Date.parse(payload.eventOccurredUTC) / 1000, payload.eventOccurred, 'the two times agree');
    assert.match(payload.eventOccurredUTC, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    const human = await box.run(['webhooks', 'ping', endpoint.endpoint_id]);
    assert.match(human.stdout, /^ping [0-9A-F]{32} queued for http:\/\/127\.0\.0\.1:9\/hook\n/);
  });
});

// A dispatcher in the CLI sends every due delivery of its database, so these run in their own.
describe('parqex webhooks ping --wait', { concurrency: true }, () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
    const migrated = await box.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
  });
  after(() => box.close());

  test('ping --wait sends it to the receiver, signed, and prints the answer', async () => {
    const received: Array<{
      method: string;
      url: string;
      headers: IncomingHttpHeaders;
      body: string;
      nowS: number;
    }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body,
          nowS: Math.floor(Date.now() / 1000),
        });
        response.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const endpoint = await createEndpoint(box, `http://127.0.0.1:${port}/hook?x=1`);
      const result = assertJson(
        await box.run(['webhooks', 'ping', endpoint.endpoint_id, '--wait', '--json']),
      );
      assert.match(result.delivery_id, DELIVERY_ID);
      assert.equal(result.endpoint_id, endpoint.endpoint_id);
      assert.equal(result.delivered, true);
      assert.equal(result.status_code, 204);
      assert.equal(result.error, null);
      assert.equal(typeof result.latency_ms, 'number');
      assert.ok(!Number.isNaN(Date.parse(result.attempted_at)));

      assert.equal(received.length, 1);
      const [request] = received;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.url, '/hook?x=1');
      assert.equal(request!.headers['content-type'], 'application/json');
      assert.equal(request!.headers['x-parqex-api-key'], endpoint.api_key);
      assert.equal(request!.headers['webhook-id'], result.delivery_id);
      assert.match(String(request!.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]{43}=$/);
      const headers = {
        'webhook-id': String(request!.headers['webhook-id']),
        'webhook-timestamp': String(request!.headers['webhook-timestamp']),
        'webhook-signature': String(request!.headers['webhook-signature']),
      };
      assert.equal(verifyWebhook(endpoint.signing_secret, headers, request!.body, request!.nowS), true);
      assert.equal(
        verifyWebhook(endpoint.signing_secret, headers, `${request!.body} `, request!.nowS),
        false,
      );
      const body = JSON.parse(request!.body);
      assert.equal(body.id, result.delivery_id);
      assert.equal(body.eventType, 'ping');
      assert.equal(body.endpointID, endpoint.endpoint_id);

      assert.equal((await deliveryRow(box, result.delivery_id)).status, 'delivered');
      const shown = assertJson(await box.run(['webhooks', 'show', endpoint.endpoint_id, '--json']));
      assert.ok(shown.last_success_at !== null);
      assert.equal(shown.deliveries.delivered, 1);

      const human = await box.run(['webhooks', 'ping', endpoint.endpoint_id, '--wait']);
      assert.equal(human.code, 0, human.stderr);
      assert.match(
        human.stdout,
        /^ping [0-9A-F]{32} to http:\/\/127\.0\.0\.1:\d+\/hook\?x=1: delivered, 204 in \d+ ms\n$/,
      );
    } finally {
      server.close();
    }
  });

  test('ping --wait against a failing receiver prints its answer and exits non-zero', async () => {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(500).end('down'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const endpoint = await createEndpoint(box, `http://127.0.0.1:${port}/hook`);
      const result = await box.run(['webhooks', 'ping', endpoint.endpoint_id, '--wait', '--json']);
      assert.equal(result.code, 1);
      const outcome = JSON.parse(result.stdout);
      assert.equal(outcome.delivered, false);
      assert.equal(outcome.status_code, 500);
      assert.equal(result.stderr, 'parqex: the receiver did not accept the ping (500); it will be retried\n');
      const row = await deliveryRow(box, outcome.delivery_id);
      assert.equal(row.status, 'pending', 'retried later');
      assert.equal(row.last_status, 500);
    } finally {
      server.close();
    }
  });
});
