import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Metrics, MetricsSnapshot } from './metrics.ts';
import { METRICS_OFF_WARNING, metricsExposure } from './metrics-access.ts';
import { type MetricsListener, startMetricsListener } from './metrics-listener.ts';

/**
 * Metrics of `parqex serve --workers N`: each worker counts in its own `ctx.metrics`; the primary
 * sums them (prom-client's `AggregatorRegistry.aggregate`: counters and histograms add up, gauges
 * too, event-loop lag is averaged) and is the one place that answers with the sum — on the
 * metrics port itself, and to any worker whose `/metrics` route is asked on the main port.
 *
 * The messages, tagged like serve's own (`{ parqex: … }`):
 * worker → primary `metrics-join` | `metrics-request {id}` | `metrics-snapshot {id, metrics|error}`;
 * primary → worker `metrics-collect {id}` | `metrics-response {id, text|error}`.
 */
type ToPrimary =
  | { parqex: 'metrics-join' }
  | { parqex: 'metrics-request'; id: number }
  | { parqex: 'metrics-snapshot'; id: number; metrics?: MetricsSnapshot; error?: string };
type ToWorker =
  | { parqex: 'metrics-collect'; id: number }
  | { parqex: 'metrics-response'; id: number; text?: string; error?: string };

/** The primary waits this long for every worker's numbers; a worker waits a little longer for the sum. */
export const COLLECT_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 5_000;

export interface ClusterMetrics {
  /** The metrics port's URL when `PARQEX_METRICS_PORT` is set. */
  readonly url: string | undefined;
  /** Closes the metrics port and stops answering workers. */
  close(): Promise<void>;
}

interface Collection {
  waiting: Set<number>;
  snapshots: MetricsSnapshot[];
  resolve: (snapshots: MetricsSnapshot[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const ignore = () => {};

/**
 * PRIMARY of `parqex serve --workers N`. Call once in the primary, after `loadConfig()` and before
 * the first `cluster.fork()`; `await close()` when the primary stops. It
 * - answers workers' `metrics-request`s with the sum over every worker that called `joinClusterMetrics`;
 * - when `PARQEX_METRICS_PORT` is set, listens there itself (workers do not) and serves the sum —
 *   a port that cannot be bound rejects with a ConfigError naming the setting;
 * - in production with neither `PARQEX_METRICS_TOKEN` nor `PARQEX_METRICS_PORT`, calls `warn` once
 *   with the "metrics are off" line (workers do not warn).
 *
 * `metrics`: numbers the primary records itself, added to the workers' (none today: the primary
 * serves no request).
 */
export async function serveClusterMetrics(options: {
  config: Config;
  warn?: (line: string) => void;
  metrics?: Metrics;
  timeoutMs?: number;
}): Promise<ClusterMetrics> {
  const { config } = options;
  const timeoutMs = options.timeoutMs ?? COLLECT_TIMEOUT_MS;
  const warn = options.warn ?? ((line: string) => process.stderr.write(`parqex: ${line}\n`));
  const joined = new Set<Worker>();
  const collections = new Map<number, Collection>();
  let nextId = 0;

  const settle = (id: number, workerId: number, snapshot?: MetricsSnapshot) => {
    const collection = collections.get(id);
    if (!collection?.waiting.delete(workerId)) return;
    if (snapshot) collection.snapshots.push(snapshot);
    if (collection.waiting.size > 0) return;
    clearTimeout(collection.timer);
    collections.delete(id);
    collection.resolve(collection.snapshots);
  };

  const fromWorkers = () =>
    new Promise<MetricsSnapshot[]>((resolve, reject) => {
      const id = ++nextId;
      const workers = [...joined].filter((w) => w.isConnected());
      const collection: Collection = {
        waiting: new Set(workers.map((w) => w.id)),
        snapshots: [],
        resolve,
        reject,
        timer: setTimeout(() => {
          collections.delete(id);
          const late = [...collection.waiting].join(', ');
          reject(new Error(`cluster metrics: worker ${late} did not answer within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      collections.set(id, collection);
      if (workers.length === 0) {
        clearTimeout(collection.timer);
        collections.delete(id);
        resolve([]);
      }
      for (const worker of workers) worker.send({ parqex: 'metrics-collect', id } satisfies ToWorker, ignore);
    });

  const sum = async (): Promise<string> => {
    const snapshots = await fromWorkers();
    if (options.metrics) snapshots.push(await options.metrics.snapshot());
    return AggregatorRegistry.aggregate(snapshots).metrics();
  };

  const onMessage = (worker: Worker, message: ToPrimary) => {
    switch (message?.parqex) {
      case 'metrics-join':
        joined.add(worker);
        return;
      case 'metrics-snapshot': {
        if (message.error === undefined) return settle(message.id, worker.id, message.metrics);
        const collection = collections.get(message.id);
        if (!collection) return;
        clearTimeout(collection.timer);
        collections.delete(message.id);
        collection.reject(new Error(`cluster metrics: worker ${worker.id}: ${message.error}`));
        return;
      }
      case 'metrics-request':
        sum().then(
          (text) =>
            worker.send({ parqex: 'metrics-response', id: message.id, text } satisfies ToWorker, ignore),
          (error: Error) =>
            worker.send(
              { parqex: 'metrics-response', id: message.id, error: error.message } satisfies ToWorker,
              ignore,
            ),
        );
        return;
    }
  };
  // A worker that dies mid-collection is not waited for: the sum is over the living.
  const onExit = (worker: Worker) => {
    joined.delete(worker);
    for (const id of [...collections.keys()]) settle(id, worker.id);
  };
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  const stopAnswering = () => {
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
  };

  const exposure = metricsExposure(config);
  if (exposure === 'off') warn(METRICS_OFF_WARNING);
  let listener: MetricsListener | undefined;
  if (exposure === 'port') {
    try {
      listener = await startMetricsListener({
        host: config.metricsHost,
        port: config.metricsPort!,
        token: config.metricsToken,
        contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE,
        exposition: sum,
        onError: (error) => warn(`metrics unavailable: ${(error as Error).message}`),
      });
    } catch (error) {
      stopAnswering();
      throw error;
    }
  }
  return {
    url: listener?.url,
    close: async () => {
      stopAnswering();
      await listener?.close();
    },
  };
}

/**
 * WORKER of `parqex serve --workers N`. Call once in each worker, right after its context exists
 * (after `startServer(config)` in `serveAsWorker`): `joinClusterMetrics(server.ctx.metrics)`. From
 * then on the primary collects this worker's numbers for the sum, and this worker's `/metrics`
 * route (on the main port, when it is served there) answers with the sum over all workers, asked
 * of the primary over IPC (503 when it does not answer within `timeoutMs`).
 */
export function joinClusterMetrics(metrics: Metrics, options: { timeoutMs?: number } = {}): void {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) throw new Error('joinClusterMetrics runs in a node:cluster worker');
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const toPrimary = (message: ToPrimary, onError: (error: Error) => void = ignore) =>
    send(message, undefined, undefined, (error: Error | null) => {
      if (error) onError(error);
    });
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;

  process.on('message', (message: ToWorker) => {
    if (message?.parqex === 'metrics-collect') {
      metrics.snapshot().then(
        (snapshot) => toPrimary({ parqex: 'metrics-snapshot', id: message.id, metrics: snapshot }),
        (error: Error) => toPrimary({ parqex: 'metrics-snapshot', id: message.id, error: error.message }),
      );
    } else if (message?.parqex === 'metrics-response') {
      const request = pending.get(message.id);
      if (!request) return;
      pending.delete(message.id);
      if (message.text !== undefined) request.resolve(message.text);
      else request.reject(new Error(message.error ?? 'cluster metrics: no answer'));
    }
  });

  metrics.exposeFrom(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`cluster metrics: the primary did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        const done =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            clearTimeout(timer);
            pending.delete(id);
            settle(value);
          };
        pending.set(id, { resolve: done(resolve), reject: done(reject) });
        toPrimary({ parqex: 'metrics-request', id }, done(reject));
      }),
  );
  toPrimary({ parqex: 'metrics-join' });
}
