/**
 * What the orchestrator asks of a load child (`bench/load.ts`) and what the child answers: the
 * contract between two processes, as JSON.
 */

/** A request whose every sending takes a new value from a file, one value per line. */
export interface VaryingPart {
  /** A file of values, one per line. */
  file: string;
  /**
   * `once`: each value is sent at most once (single-use tokens and codes); running out stops the
   * run and is reported as `exhausted`. `cycle`: round and round. `random`: any line, each time.
   */
  order: 'once' | 'cycle' | 'random';
  /** Where `{value}` is substituted: the body, the Authorization header, or the path (a query string). */
  into: 'body' | 'authorization' | 'path';
  /** The body, header or path with a `{value}` placeholder. */
  template: string;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  vary?: VaryingPart;
}

export interface LoadSpec {
  /** The origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  connections: number;
  durationS: number;
  /** Seconds of load before the measured run, same requests; not measured. */
  warmupS: number;
  /** Each connection sends these in turn, round and round. */
  requests: LoadRequest[];
  /**
   * A cheap path asked once after the warm-up: its answer means the server has worked off the
   * warm-up's backlog, which would otherwise be billed to the measured run.
   */
  settlePath: string;
}

export interface LoadFigures {
  /** Completed requests per second over the run (2xx or not). */
  rps: number;
  requests: number;
  durationS: number;
  /** Latency percentiles, milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Responses by HTTP status. */
  statuses: Record<string, number>;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
}

export interface LoadResult {
  warmup: LoadFigures | null;
  /** Milliseconds the settle request took after the warm-up. */
  settleMs: number | null;
  measured: LoadFigures;
  /** Requests that found no unused value left in a `once` file (the run was stopped). */
  exhausted: number;
  /** How many values of each `once` file were taken. */
  taken: number;
}
