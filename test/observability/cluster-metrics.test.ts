import assert from 'node:assert/strict';
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { type ClusterMetrics, serveClusterMetrics } from '../../src/observability/cluster-metrics.ts';
import { freePort } from '../webhooks/webhook-fixtures.ts';
import { parseExposition, sampleValue } from './exposition.ts';

/** The next message of `worker` tagged `test: kind`. */
function nextMessage(worker: Worker, kind: string): Promise<any> {
  return new Promise((resolve) => {
    const listener = (message: any) => {
      if (message?.test !== kind) return;
      worker.off('message', listener);
      resolve(message);
    };
    worker.on('message', listener);
  });
}

describe('parqex serve --workers N: /metrics sums every worker', () => {
  let metricsUrl: string;
  let served: ClusterMetrics;
  const workers: Worker[] = [];
  const warnings: string[] = [];

  before(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    served = await serveClusterMetrics({
      config: loadConfig({ PARQEX_METRICS_PORT: String(port) }),
      warn: (line) => warnings.push(line),
    });
    cluster.setupPrimary({
      exec: fileURLToPath(new URL('./cluster-worker.fixture.ts', import.meta.url)),
      execArgv: [],
    });
    for (const tokens of ['2', '3']) {
      const worker = cluster.fork({ TOKENS: tokens });
      workers.push(worker);
      await nextMessage(worker, 'ready');
    }
  });

  after(async () => {
    for (const worker of workers) if (!worker.isDead()) worker.kill();
    await served.close();
  });

  test('the primary serves the sum on the metrics port', async () => {
    assert.equal(served.url, metricsUrl);
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const metrics = parseExposition(await response.text());
    assert.equal(
      sampleValue(metrics, 'parqex_oauth_tokens_issued_total', { grant_type: 'authorization_code' }),
      5,
    );
    assert.equal(
      sampleValue(metrics, 'parqex_oauth_tokens_issued_total', { grant_type: 'refresh_token' }),
      0,
    );
    const route = { method: 'GET', route: '/healthz' };
    assert.equal(sampleValue(metrics, 'parqex_http_requests_total', { ...route, status: '200' }), 2);
    assert.equal(sampleValue(metrics, 'parqex_http_request_duration_seconds_count', route), 2);
    assert.equal(sampleValue(metrics, 'parqex_http_request_duration_seconds_sum', route), 0.005);
    // 2 ms and 3 ms: both in the 5 ms bucket, neither in the 2.5 ms one.
    assert.equal(
      sampleValue(metrics, 'parqex_http_request_duration_seconds_bucket', { ...route, le: '0.0025' }),
      1,
    );
    assert.equal(
      sampleValue(metrics, 'parqex_http_request_duration_seconds_bucket', { ...route, le: '0.005' }),
      2,
    );
    assert.ok(sampleValue(metrics, 'process_resident_memory_bytes')! > 0, 'process metrics, summed');
    assert.deepEqual(warnings, []);
  });

  test("a worker's /metrics asks the primary and answers the same sum", async () => {
    const answer = nextMessage(workers[0]!, 'scraped');
    workers[0]!.send({ test: 'scrape' });
    const { text, error } = await answer;
    assert.equal(error, undefined);
    const metrics = parseExposition(text);
    assert.equal(
      sampleValue(metrics, 'parqex_oauth_tokens_issued_total', { grant_type: 'authorization_code' }),
      5,
    );
  });

  test('a worker that died no longer counts, and the scrape does not wait for it', async () => {
    const dead = workers[1]!;
    dead.kill();
    await once(dead, 'exit');
    const started = Date.now();
    const metrics = parseExposition(await (await fetch(metricsUrl)).text());
    assert.equal(
      sampleValue(metrics, 'parqex_oauth_tokens_issued_total', { grant_type: 'authorization_code' }),
      2,
    );
    assert.ok(Date.now() - started < 2_000);
  });
});

test('production without a token or a port: the primary warns once, and serves nothing', async () => {
  const warnings: string[] = [];
  const served = await serveClusterMetrics({
    config: loadConfig({
      PARQEX_ENV: 'production',
      PARQEX_PUBLIC_URL: 'https://parqex.example',
      PARQEX_SECRET_KEY: 'k'.repeat(64),
    }),
    warn: (line) => warnings.push(line),
  });
  await served.close();
  assert.equal(served.url, undefined);
  assert.deepEqual(warnings, [
    'metrics are off: set PARQEX_METRICS_TOKEN or PARQEX_METRICS_PORT to serve /metrics in production',
  ]);
});
