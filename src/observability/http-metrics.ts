import type { Metric, Registry } from 'prom-client';

/** One sample line, in the form prom-client's Registry prints and its cluster aggregation sums. */
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/** Upper bounds of the request latency histogram, in seconds: 1 ms … 2.5 s, for a fast API. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** The route label of a request no route matched (its raw URL would make a label per scanner probe). */
export const UNMATCHED_ROUTE = 'unmatched';

/** One method of one route: its responses by status, and its latency histogram. */
class RouteSeries {
  readonly method: string;
  readonly route: string;
  readonly statuses = new Map<number, number>();
  /** Observations per bucket (not cumulative); the last one is above the highest bound. */
  readonly buckets = new Float64Array(REQUEST_DURATION_BUCKETS.length + 1);
  sum = 0;
  count = 0;

  constructor(method: string, route: string) {
    this.method = method;
    this.route = route;
  }
}

/**
 * `parqex_http_requests_total{method,route,status}` and `parqex_http_request_duration_seconds{method,route}`.
 *
 * Kept by hand rather than with prom-client's Counter and Histogram, whose `inc`/`observe` build a
 * label-hash string and a label object on every call (about 1 µs per request with cached children,
 * measured): here a request costs two Map lookups, one Map update and a few additions (about 40 ns),
 * and allocates nothing once its route, method and status have been seen. The text is built at
 * scrape time, where cost does not matter.
 */
export class HttpMetrics {
  /** route → method → series. */
  readonly #series = new Map<string, Map<string, RouteSeries>>();

  /** One response. `route`: the route template (`request.routeOptions.url`), undefined when none matched. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    const routeLabel = route ?? UNMATCHED_ROUTE;
    let byMethod = this.#series.get(routeLabel);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.#series.set(routeLabel, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = new RouteSeries(method, routeLabel);
      byMethod.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    series.sum += seconds;
    series.count += 1;
    let bucket = 0;
    while (bucket < REQUEST_DURATION_BUCKETS.length && seconds > REQUEST_DURATION_BUCKETS[bucket]!) bucket++;
    series.buckets[bucket]! += 1;
  }

  /** Adds both metrics to `registry`, which reads them when scraped (and aggregates them over workers). */
  register(registry: Registry): void {
    // prom-client's Registry reads any object with a name and get(); its own cluster aggregation
    // registers plain objects the same way.
    registry.registerMetric(this.#requestsMetric() as unknown as Metric);
    registry.registerMetric(this.#durationMetric() as unknown as Metric);
  }

  #all(): RouteSeries[] {
    return [...this.#series.values()].flatMap((byMethod) => [...byMethod.values()]);
  }

  #requestsMetric() {
    const name = 'parqex_http_requests_total';
    const help = 'HTTP requests answered, by method, route template and status code';
    return {
      name,
      help,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'counter',
        aggregator: 'sum',
        values: this.#all().flatMap((s): Sample[] =>
          [...s.statuses].map(([status, value]) => ({
            labels: { method: s.method, route: s.route, status },
            value,
          })),
        ),
      }),
      reset: () => this.#series.clear(),
    };
  }

  #durationMetric() {
    const name = 'parqex_http_request_duration_seconds';
    const help = 'Time from receiving a request to having sent its response, by method and route template';
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: this.#all().flatMap((s) => {
          const labels = { method: s.method, route: s.route };
          const values: Sample[] = [];
          let cumulative = 0;
          REQUEST_DURATION_BUCKETS.forEach((le, i) => {
            cumulative += s.buckets[i]!;
            values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
          });
          values.push(
            { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count },
            { metricName: `${name}_sum`, labels, value: s.sum },
            { metricName: `${name}_count`, labels, value: s.count },
          );
          return values;
        }),
      }),
      reset: () => this.#series.clear(),
    };
  }
}
