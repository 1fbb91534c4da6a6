import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolUsage } from '../storage/database.ts';
import type { DeliveryMetrics, DeliveryOutcome } from '../webhooks/dispatcher.ts';
import { HttpMetrics } from './http-metrics.ts';

/** Where a toggle came from: the documented API or a person on the doors page. */
export type ToggleChannel = 'api' | 'web';

/** What metrics JSON looks like between processes (prom-client's `getMetricsAsJSON`). */
export type MetricsSnapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Seconds from an event to its webhook's delivery: a fast receiver within a second, retries for up to 3 days. */
const WEBHOOK_LAG_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 21_600, 86_400, 259_200,
];

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, file descriptors, event loop lag, GC, heap): one set
 * per process, however many apps it builds (the test suite builds many).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * What this process counts, in Prometheus form, in its own registry (never prom-client's global
 * one). Names follow the Prometheus conventions with a `parqex_` prefix; label values are bounded
 * (route templates, never raw URLs). Built once per context; `/metrics` exposes it.
 */
export class Metrics implements DeliveryMetrics {
  readonly registry = new Registry();
  /** Requests by route: kept allocation-free, see HttpMetrics. */
  readonly http = new HttpMetrics();
  readonly #tokensIssued: Counter<'grant_type'>;
  readonly #tokenErrors: Counter<'error'>;
  readonly #toggles: Counter<'outcome' | 'channel'>;
  readonly #webhookDeliveries: Counter<'outcome'>;
  readonly #webhookLag: Histogram;
  readonly #endpointsDisabled: Counter<'reason'>;
  #source: (() => Promise<string>) | undefined;

  /** `poolUsage`: read at scrape time for the database pool gauges. */
  constructor(options: { poolUsage?: () => PoolUsage | undefined } = {}) {
    processMetrics();
    const registers = [this.registry];
    this.http.register(this.registry);
    this.#tokensIssued = new Counter({
      name: 'parqex_oauth_tokens_issued_total',
      help: 'Token responses with a new access token, by grant type',
      labelNames: ['grant_type'],
      registers,
    });
    for (const grantType of ['authorization_code', 'refresh_token'])
      this.#tokensIssued.inc({ grant_type: grantType }, 0);
    this.#tokenErrors = new Counter({
      name: 'parqex_oauth_token_errors_total',
      help: 'Token requests refused, by RFC 6749 error code',
      labelNames: ['error'],
      registers,
    });
    this.#toggles = new Counter({
      name: 'parqex_toggles_total',
      help: 'Toggle attempts, by outcome (done, cooldown, offline, …) and channel (api, web)',
      labelNames: ['outcome', 'channel'],
      registers,
    });
    this.#webhookDeliveries = new Counter({
      name: 'parqex_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by what they led to: delivered, retrying (will be retried), failed (given up)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['delivered', 'retrying', 'failed'] satisfies DeliveryOutcome[])
      this.#webhookDeliveries.inc({ outcome }, 0);
    this.#webhookLag = new Histogram({
      name: 'parqex_webhook_delivery_lag_seconds',
      help: 'Time from an event to the delivery of its webhook (retries included)',
      buckets: WEBHOOK_LAG_BUCKETS,
      registers,
    });
    this.#endpointsDisabled = new Counter({
      name: 'parqex_webhook_endpoints_disabled_total',
      help: 'Webhook endpoints disabled by the dispatcher: gone (410) or failing (every attempt for 3 days)',
      labelNames: ['reason'],
      registers,
    });
    const poolUsage = options.poolUsage ?? (() => undefined);
    new Gauge({
      name: 'parqex_db_pool_connections',
      help: 'Database connections of this process: total open, idle, and queries waiting for one',
      labelNames: ['state'],
      registers,
      collect() {
        const usage = poolUsage();
        if (!usage) return;
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
    new Gauge({
      name: 'parqex_db_pool_max_connections',
      help: 'The most database connections this process opens (PARQEX_DB_POOL_SIZE; 1 on SQLite)',
      registers,
      collect() {
        const usage = poolUsage();
        if (usage) this.set(usage.max);
      },
    });
  }

  tokenIssued(grantType: string): void {
    this.#tokensIssued.inc({ grant_type: grantType });
  }

  /** `error`: the RFC 6749 §5.2 code sent (invalid_grant, invalid_client, …). */
  tokenRefused(error: string): void {
    this.#tokenErrors.inc({ error });
  }

  toggled(outcome: string, channel: ToggleChannel): void {
    this.#toggles.inc({ outcome, channel });
  }

  webhookAttempted(outcome: DeliveryOutcome, eventAgeMs: number): void {
    this.#webhookDeliveries.inc({ outcome });
    if (outcome === 'delivered') this.#webhookLag.observe(Math.max(0, eventAgeMs) / 1000);
  }

  webhookEndpointDisabled(reason: 'gone' | 'failing'): void {
    this.#endpointsDisabled.inc({ reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * The text `/metrics` answers: this process's metrics and its process metrics, or — once
   * `exposeFrom` was called (a cluster worker) — whatever that source gives.
   */
  exposition(): Promise<string> {
    if (this.#source) return this.#source();
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }

  /** This process's metrics as JSON, for another process to aggregate (node:cluster). */
  async snapshot(): Promise<MetricsSnapshot> {
    return [...(await processMetrics().getMetricsAsJSON()), ...(await this.registry.getMetricsAsJSON())];
  }

  /** Makes `exposition()` answer from `source` (a cluster worker asks its primary for every worker's sum). */
  exposeFrom(source: () => Promise<string>): void {
    this.#source = source;
  }
}
