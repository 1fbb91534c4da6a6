/**
 * The load child: runs autocannon against one row, in its own process (never in the server's, nor
 * in the orchestrator's event loop), and prints the result as one JSON line on stdout.
 *
 * Usage: node bench/load.ts <spec.json>   (a LoadSpec; see load-spec.ts)
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadFigures, LoadRequest, LoadResult, LoadSpec, VaryingPart } from './load-spec.ts';

/** The values of a varying part, and which one comes next (shared by every connection). */
class ValueSource {
  readonly #values: string[];
  readonly #order: VaryingPart['order'];
  #next = 0;
  exhausted = 0;
  constructor(part: VaryingPart) {
    this.#values = readFileSync(part.file, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    this.#order = part.order;
    if (this.#values.length === 0) throw new Error(`${part.file} holds no values`);
  }
  get taken(): number {
    return this.#order === 'once' ? Math.min(this.#next, this.#values.length) : 0;
  }
  /** The next value, or undefined when a `once` source has none left. */
  take(): string | undefined {
    if (this.#order === 'random') return this.#values[Math.floor(Math.random() * this.#values.length)];
    if (this.#order === 'cycle') return this.#values[this.#next++ % this.#values.length];
    if (this.#next >= this.#values.length) {
      this.exhausted++;
      return undefined;
    }
    return this.#values[this.#next++];
  }
}

// A value that no server accepts: sent (and answered 4xx, so counted) once a `once` file ran out.
const EXHAUSTED_VALUE = 'bench-ran-out-of-single-use-values';

function toAutocannon(
  request: LoadRequest,
  source: ValueSource | undefined,
  onExhausted: () => void,
): autocannon.Request {
  const base: autocannon.Request = {
    method: request.method,
    path: request.path,
    headers: { ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  };
  const vary = request.vary;
  if (!vary || !source) return base;
  return {
    ...base,
    // Called for every request sent: each one takes the next value (autocannon builds the bytes).
    setupRequest: (built) => {
      let value = source.take();
      if (value === undefined) {
        onExhausted();
        value = EXHAUSTED_VALUE;
      }
      const filled = vary.template.replace('{value}', () => value);
      if (vary.into === 'body') return { ...built, body: filled };
      if (vary.into === 'path') return { ...built, path: filled };
      return { ...built, headers: { ...built.headers, Authorization: filled } };
    },
  };
}

function figures(result: autocannon.Result): LoadFigures {
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count;
  const requests = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  return {
    rps: result.duration > 0 ? requests / result.duration : 0,
    requests,
    durationS: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function run(spec: LoadSpec, sources: (ValueSource | undefined)[], durationS: number) {
  let instance: autocannon.Instance | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // Stopping from inside setupRequest would re-enter autocannon: do it on the next turn.
    setImmediate(() => instance?.stop());
  };
  instance = autocannon({
    url: spec.origin,
    connections: spec.connections,
    duration: durationS,
    requests: spec.requests.map((request, i) => toAutocannon(request, sources[i], stop)),
  });
  return figures(await instance);
}

/** Waits for the server to answer a cheap request: the requests left over by the warm-up are done. */
async function settle(spec: LoadSpec): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL(spec.settlePath, spec.origin), {
    signal: AbortSignal.timeout(120_000),
  });
  await response.arrayBuffer();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/load.ts <spec.json>');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as LoadSpec;
  const sources = spec.requests.map((r) => (r.vary ? new ValueSource(r.vary) : undefined));
  const warmup = spec.warmupS > 0 ? await run(spec, sources, spec.warmupS) : null;
  const settleMs = warmup ? await settle(spec) : null;
  const measured = await run(spec, sources, spec.durationS);
  const result: LoadResult = {
    warmup,
    settleMs,
    measured,
    exhausted: sources.reduce((sum, s) => sum + (s?.exhausted ?? 0), 0),
    taken: sources.reduce((sum, s) => sum + (s?.taken ?? 0), 0),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
