import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { startMetricsListener } from '../../src/observability/metrics-listener.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { formField } from '../helpers/http.ts';
import { startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import {
  deliveriesOf,
  dispatcherFor,
  freePort,
  insertDelivery,
  startReceiver,
  subscribedClient,
} from '../webhooks/webhook-fixtures.ts';
import { type Family, parseExposition, sampleValue } from './exposition.ts';

const USER_INFO = '/oauth/v1/endpoints/user-info';
const TOKEN = '/oauth/v2/endpoints/token/';
const TOGGLE = '/oauth/v1/endpoint/toggle';
const PRODUCTION = { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example' };

/** GET /metrics as a scraper would; the text must parse strictly. */
async function scrape(url: string, headers: Record<string, string> = {}): Promise<Map<string, Family>> {
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return parseExposition(await response.text());
}

/** Where the app listens (in production `baseUrl` is the public https URL, not this). */
function listening(app: TestApp): string {
  return `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
}

async function withApp(
  options: Parameters<typeof startTestApp>[0],
  run: (app: TestApp) => Promise<void>,
): Promise<void> {
  const app = await startTestApp(options);
  try {
    await run(app);
  } finally {
    await app.close();
  }
}

describe('GET /metrics (development: open on the main port)', () => {
  test('requests are counted by route template and status, and timed per route', () =>
    withApp({}, async (app) => {
      const { access_token } = await app.tokensFor();
      assert.equal((await app.api(USER_INFO, access_token)).status, 200);
      assert.equal((await app.api(USER_INFO, 'not-a-valid-token')).status, 401);
      assert.equal((await app.api('/api/oauth/v1/endpoint/user-info/?probe=1', access_token)).status, 200);
      assert.equal((await fetch(`${app.baseUrl}/no/such/page?secret=shh`)).status, 404);

      const metrics = await scrape(`${app.baseUrl}/metrics`);
      const requests = (route: string, status: string, method = 'GET') =>
        sampleValue(metrics, 'parqex_http_requests_total', { method, route, status });
      assert.equal(requests(USER_INFO, '200'), 1);
      assert.equal(requests(USER_INFO, '401'), 1);
      assert.equal(
        requests('/api/oauth/v1/endpoint/user-info', '200'),
        1,
        'each spelling is its own template',
      );
      assert.equal(requests('unmatched', '404'), 1);
      const routes = new Set(metrics.get('parqex_http_requests_total')!.samples.map((s) => s.labels.route));
      for (const route of routes) assert.doesNotMatch(route!, /\?|no\/such/, 'never a raw URL');

      const count = (route: string) =>
        sampleValue(metrics, 'parqex_http_request_duration_seconds_count', { method: 'GET', route });
      assert.equal(count(USER_INFO), 2);
      assert.equal(
        sampleValue(metrics, 'parqex_http_request_duration_seconds_bucket', {
          method: 'GET',
          route: USER_INFO,
          le: '+Inf',
        }),
        2,
      );
      const buckets = metrics
        .get('parqex_http_request_duration_seconds')!
        .samples.filter((s) => s.name.endsWith('_bucket') && s.labels.route === USER_INFO)
        .map((s) => s.labels.le);
      assert.deepEqual(buckets, [
        '0.001',
        '0.0025',
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1',
        '2.5',
        '+Inf',
      ]);
      assert.ok(
        sampleValue(metrics, 'parqex_http_request_duration_seconds_sum', {
          method: 'GET',
          route: USER_INFO,
        })! > 0,
      );
    }));

  test('token responses by grant type, refusals by error code', () =>
    withApp({}, async (app) => {
      const { code } = await app.authorize();
      const first = await app.exchangeCode(code);
      assert.equal(first.status, 200);
      assert.equal((await app.refresh(first.body.refresh_token)).status, 200);
      const reused = await app.exchangeCode(code);
      assert.equal(reused.body.error, 'invalid_grant');
      const wrongSecret = await app.exchangeCode('no-such-code', {
        ...app.demoClient,
        secret: 'not-the-secret',
      });
      assert.equal(wrongSecret.status, 401);

      const metrics = await scrape(`${app.baseUrl}/metrics`);
      const issued = (grant_type: string) =>
        sampleValue(metrics, 'parqex_oauth_tokens_issued_total', { grant_type });
      assert.equal(issued('authorization_code'), 1);
      assert.equal(issued('refresh_token'), 1);
      const refused = (error: string) => sampleValue(metrics, 'parqex_oauth_token_errors_total', { error });
      assert.equal(refused('invalid_grant'), 1);
      assert.equal(refused('invalid_client'), 1);
      const requests = (status: string) =>
        sampleValue(metrics, 'parqex_http_requests_total', { method: 'GET', route: TOKEN, status });
      assert.deepEqual([requests('200'), requests('400'), requests('401')], [2, 1, 1]);
    }));

  test('toggles by outcome and channel, the 429 of the cooldown included', () =>
    withApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '20' } }, async (app) => {
      const doors = await testingDoors(app);
      const john = (await app.tokensFor()).access_token;
      const owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
      const toggle = (token: string, doorId: string, state: string) =>
        app.api(TOGGLE, token, { body: { door_id: doorId, door_state: state } });
      assert.equal((await toggle(john, doors.garage.id, 'OPEN')).status, 200);
      const again = await toggle(john, doors.garage.id, 'CLOSED');
      assert.equal(again.status, 429);
      assert.ok(again.headers.get('retry-after'));
      assert.equal((await toggle(owner, doors.backGate.id, 'OPEN')).status, 503);
      // The owner opens the Lobby Door on the doors page.
      const browser = app.browser();
      await app.signIn(browser, TEST_OWNER);
      const page = await browser.get('/doors');
      const pressed = await browser.post('/doors/toggle', {
        csrf: formField(page.text_, 'csrf'),
        door_id: doors.lobby.id,
        state: 'OPEN',
      });
      assert.equal(pressed.status, 303);

      const metrics = await scrape(`${app.baseUrl}/metrics`);
      const toggles = (outcome: string, channel: string) =>
        sampleValue(metrics, 'parqex_toggles_total', { outcome, channel });
      assert.equal(toggles('done', 'api'), 1);
      assert.equal(toggles('cooldown', 'api'), 1);
      assert.equal(toggles('offline', 'api'), 1);
      assert.equal(toggles('done', 'web'), 1);
      assert.equal(
        metrics.get('parqex_toggles_total')!.samples.reduce((sum, s) => sum + s.value, 0),
        4,
      );
      const requests = (status: string) =>
        sampleValue(metrics, 'parqex_http_requests_total', { method: 'POST', route: TOGGLE, status });
      assert.deepEqual([requests('200'), requests('429'), requests('503')], [1, 1, 1]);
    }));

  test('webhook attempts by outcome, endpoints disabled, and the lag from event to delivery', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 22, 15, 0, 0));
    const receiver = await startReceiver({
      answer: (request) => (request.path === '/ok' ? 200 : request.path === '/gone' ? 410 : 500),
    });
    try {
      await withApp({ clock }, async (app) => {
        const ok = await subscribedClient(app, receiver.url('/ok'), { name: 'Receives' });
        const gone = await subscribedClient(app, receiver.url('/gone'), { name: 'Gone' });
        const broken = await subscribedClient(app, receiver.url('/broken'), { name: 'Broken' });
        // An event 2 s old when it is delivered: lag 2 s.
        await insertDelivery(app.ctx.db, ok.endpoint.id, clock.now() - 2_000);
        await insertDelivery(app.ctx.db, gone.endpoint.id, clock.now());
        await insertDelivery(app.ctx.db, broken.endpoint.id, clock.now());
        const dispatcher = dispatcherFor(app, { metrics: app.ctx.metrics });
        assert.equal(await dispatcher.runOnce(), 3);
        // The broken receiver: retried until three days have passed, then the delivery has failed.
        let retries = 0;
        for (;;) {
          const [delivery] = await deliveriesOf(app.ctx.db, broken.endpoint.id);
          if (delivery!.status !== 'pending') {
            assert.equal(delivery!.status, 'failed');
            break;
          }
          clock.advance(delivery!.next_attempt_at - clock.now());
          assert.equal(await dispatcher.runOnce(), 1);
          retries++;
          assert.ok(retries < 50, 'gives up within three days');
        }

        const metrics = await scrape(`${app.baseUrl}/metrics`);
        const attempts = (outcome: string) =>
          sampleValue(metrics, 'parqex_webhook_deliveries_total', { outcome });
        assert.equal(attempts('delivered'), 1);
        assert.equal(
          attempts('retrying'),
          1 + retries,
          'the 410 and every attempt of the broken one but the last',
        );
        assert.equal(attempts('failed'), 1);
        const disabled = (reason: string) =>
          sampleValue(metrics, 'parqex_webhook_endpoints_disabled_total', { reason });
        assert.equal(disabled('gone'), 1);
        assert.equal(disabled('failing'), 1);
        const lag = (le: string) =>
          sampleValue(metrics, 'parqex_webhook_delivery_lag_seconds_bucket', { le });
        assert.deepEqual([lag('1'), lag('2.5'), lag('+Inf')], [0, 1, 1]);
        assert.equal(sampleValue(metrics, 'parqex_webhook_delivery_lag_seconds_sum'), 2);
        assert.equal(sampleValue(metrics, 'parqex_webhook_delivery_lag_seconds_count'), 1);
      });
    } finally {
      await receiver.close();
    }
  });

  test('database pool gauges, and the process metrics of prom-client', () =>
    withApp({}, async (app) => {
      const metrics = await scrape(`${app.baseUrl}/metrics`);
      const pool = (state: string) => sampleValue(metrics, 'parqex_db_pool_connections', { state });
      const max = sampleValue(metrics, 'parqex_db_pool_max_connections');
      assert.equal(metrics.get('parqex_db_pool_connections')!.type, 'gauge');
      assert.equal(
        max,
        TEST_DIALECT === 'postgres' ? 5 : 1,
        'the test pool: 5 connections (SQLite: its one)',
      );
      assert.ok(pool('total')! >= 1 && pool('total')! <= max!);
      assert.ok(pool('idle')! >= 0 && pool('idle')! <= pool('total')!);
      assert.equal(pool('waiting'), 0);
      assert.equal(metrics.get('nodejs_eventloop_lag_seconds')?.type, 'gauge');
      assert.equal(metrics.get('process_cpu_user_seconds_total')?.type, 'counter');
      for (const family of metrics.values()) {
        if (family.name.startsWith('parqex_') && family.type === 'counter')
          assert.match(family.name, /_total$/, `${family.name}: a counter's name ends in _total`);
      }
    }));
});

describe('who may read /metrics', () => {
  test('PARQEX_METRICS_TOKEN: no token or a wrong one → 401 with a Bearer challenge; the token → 200', async () => {
    const token = randomBytes(24).toString('hex');
    await withApp({ env: { ...PRODUCTION, PARQEX_METRICS_TOKEN: token } }, async (app) => {
      app.remember(token);
      const url = `${listening(app)}/metrics`;
      const none = await fetch(url);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="parqex-metrics"');
      assert.equal(((await none.json()) as any).errors[0].code, 'unauthorized');
      for (const authorization of [
        `Bearer ${token}x`,
        `Bearer ${token.slice(1)}`,
        `Basic ${token}`,
        'Bearer',
      ]) {
        const wrong = await fetch(url, { headers: { authorization } });
        assert.equal(wrong.status, 401, authorization);
        assert.equal(
          wrong.headers.get('www-authenticate'),
          'Bearer realm="parqex-metrics", error="invalid_token"',
        );
      }
      const metrics = await scrape(url, { authorization: `Bearer ${token}` });
      assert.equal(
        sampleValue(metrics, 'parqex_http_requests_total', {
          method: 'GET',
          route: '/metrics',
          status: '401',
        }),
        5,
      );
      assert.ok(!app.logs.join('').includes('metrics are off'));
    });
  });

  test('production with neither a token nor a port: no /metrics, and one warning at start', () =>
    withApp({ env: PRODUCTION }, async (app) => {
      assert.equal((await fetch(`${listening(app)}/metrics`)).status, 404);
      const warnings = app.logs.filter((line) => line.includes('metrics are off'));
      assert.equal(warnings.length, 1);
      assert.equal(JSON.parse(warnings[0]!).level, 40);
    }));

  test('PARQEX_METRICS_PORT: /metrics is served there, and no longer on the main port', async () => {
    const port = await freePort();
    let metricsUrl = '';
    await withApp({ env: { ...PRODUCTION, PARQEX_METRICS_PORT: String(port) } }, async (app) => {
      metricsUrl = `http://127.0.0.1:${port}/metrics`;
      assert.equal((await fetch(`${listening(app)}/metrics`)).status, 404);
      assert.equal((await fetch(`${listening(app)}${USER_INFO}`)).status, 401);
      const metrics = await scrape(metricsUrl);
      assert.equal(
        sampleValue(metrics, 'parqex_http_requests_total', {
          method: 'GET',
          route: 'unmatched',
          status: '404',
        }),
        1,
      );
      assert.equal(
        sampleValue(metrics, 'parqex_http_requests_total', {
          method: 'GET',
          route: USER_INFO,
          status: '401',
        }),
        1,
      );
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
      assert.equal((await fetch(metricsUrl, { method: 'POST' })).status, 404);
      assert.ok(
        app.logs.some((line) => line.includes(metricsUrl)),
        'the start-up log names the metrics URL',
      );
      assert.ok(!app.logs.join('').includes('metrics are off'));
    });
    await assert.rejects(fetch(metricsUrl), 'closed with the app');
  });

  test('PARQEX_METRICS_PORT with PARQEX_METRICS_TOKEN: the port asks for the token too', async () => {
    const port = await freePort();
    const token = randomBytes(24).toString('hex');
    await withApp(
      { env: { PARQEX_METRICS_PORT: String(port), PARQEX_METRICS_TOKEN: token } },
      async (app) => {
        app.remember(token);
        const url = `http://127.0.0.1:${port}/metrics`;
        assert.equal((await fetch(url)).status, 401);
        await scrape(url, { authorization: `Bearer ${token}` });
        assert.equal(
          (await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status,
          404,
        );
      },
    );
  });

  test('a metrics port in use stops the start with one line naming the setting', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      await assert.rejects(
        startMetricsListener({
          host: '127.0.0.1',
          port,
          token: undefined,
          contentType: 'text/plain',
          exposition: async () => '',
        }),
        (error: Error) =>
          error instanceof ConfigError &&
          error.message === `PARQEX_METRICS_PORT ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      busy.close();
    }
  });

  test('the settings are checked at start, each refusal one line naming its variable', () => {
    const base = { PARQEX_SECRET_KEY: 'k'.repeat(64) };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.message;
      }
      return undefined;
    };
    assert.equal(
      refusal({ ...PRODUCTION, PARQEX_METRICS_TOKEN: 'short-token' }),
      'PARQEX_METRICS_TOKEN must be at least 32 characters when PARQEX_ENV=production (e.g. `openssl rand -hex 32`)',
    );
    assert.equal(refusal({ ...PRODUCTION, PARQEX_METRICS_TOKEN: 'x'.repeat(32) }), undefined);
    assert.equal(refusal({ PARQEX_METRICS_TOKEN: 'short-token' }), undefined, 'development takes any token');
    assert.equal(
      refusal({ PARQEX_METRICS_TOKEN: 'has a space' }),
      'PARQEX_METRICS_TOKEN must be printable ASCII without spaces',
    );
    assert.equal(
      refusal({ PORT: '9464', PARQEX_METRICS_PORT: '9464' }),
      'PARQEX_METRICS_PORT must differ from PORT (9464)',
    );
    assert.match(
      refusal({ PARQEX_METRICS_PORT: 'nine' }) ?? '',
      /^PARQEX_METRICS_PORT must be a whole number/,
    );
    assert.match(
      refusal({ PARQEX_METRICS_PORT: '70000' }) ?? '',
      /^PARQEX_METRICS_PORT must be between 1 and 65535/,
    );
    assert.equal(
      refusal({ PARQEX_METRICS_HOST: '0.0.0.0' }),
      'PARQEX_METRICS_HOST needs PARQEX_METRICS_PORT',
    );
    const config = loadConfig({ ...base, PARQEX_METRICS_PORT: '9464' });
    assert.deepEqual(
      [config.metricsPort, config.metricsHost, config.metricsToken],
      [9464, '127.0.0.1', undefined],
    );
  });
});
