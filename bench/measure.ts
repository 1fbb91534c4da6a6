/**
 * One row measured: its check, then its load from a separate child process while the server's
 * memory is sampled, and every reason not to trust the figures.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOnce } from './check.ts';
import { runForJson } from './child-process.ts';
import type { LoadFigures, LoadResult, LoadSpec } from './load-spec.ts';
import type { Row, RowTarget } from './rows.ts';
import { RssSampler } from './rss.ts';
import { errorsSince, logOffset } from './server-log.ts';

const LOAD_SCRIPT = fileURLToPath(new URL('load.ts', import.meta.url));

export interface RowMeasurement {
  id: string;
  title: string;
  target: RowTarget;
  /** Absent when the check failed and the row was not loaded. */
  load?: LoadResult;
  peakRssBytes: number;
  /** The most server processes seen at once. */
  processes: number;
  /** Why the figures cannot be trusted (empty: they can). */
  problems: string[];
}

export interface LoadSettings {
  connections: number;
  durationS: number;
  warmupS: number;
  runDir: string;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export async function measureRow(
  row: Row,
  /** `logFile`: the server's pino log, scanned for errors the row caused. */
  server: { url: string; pid: number; logFile?: string; settlePath: string },
  settings: LoadSettings,
  refusal?: string,
): Promise<RowMeasurement> {
  const base = { id: row.id, title: row.title, target: row.target, peakRssBytes: 0, processes: 0 };
  if (refusal) return { ...base, problems: [refusal] };
  const logStart = server.logFile === undefined ? 0 : logOffset(server.logFile);
  const loggedErrors = (): string[] => {
    if (server.logFile === undefined) return [];
    const logged = errorsSince(server.logFile, logStart);
    return logged.count === 0
      ? []
      : [`the server logged ${logged.count} errors, e.g.\n${logged.first.join('\n')}`];
  };
  let failure: string | undefined;
  for (const check of row.checks) failure ??= await checkOnce(server.url, check);
  if (failure)
    return { ...base, problems: [`check request failed, not loaded: ${failure}`, ...loggedErrors()] };

  const spec: LoadSpec = {
    origin: server.url,
    connections: settings.connections,
    durationS: settings.durationS,
    warmupS: settings.warmupS,
    requests: row.load,
    settlePath: server.settlePath,
  };
  const specFile = join(settings.runDir, `load-${row.id}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const sampler = new RssSampler(server.pid);
  let load: LoadResult;
  try {
    load = await runForJson<LoadResult>([LOAD_SCRIPT, specFile], (chunk) => settings.log(chunk.trimEnd()));
  } catch (error) {
    const { peakBytes, processes } = sampler.stop();
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      peakRssBytes: peakBytes,
      processes,
      problems: [`the load child failed: ${message}`, ...loggedErrors()],
    };
  }
  const memory = sampler.stop();
  if (load.settleMs !== null && load.settleMs > 1000)
    settings.log(`  ${row.id}: the warm-up's backlog took ${(load.settleMs / 1000).toFixed(1)} s to clear`);
  const problems = [...problemsOf(load, String(row.status ?? 200)), ...loggedErrors()];
  return { ...base, load, peakRssBytes: memory.peakBytes, processes: memory.processes, problems };
}

function problemsOf(load: LoadResult, expected: string): string[] {
  const problems: string[] = [];
  const phases: [string, LoadFigures | null][] = [
    ['warm-up', load.warmup],
    ['run', load.measured],
  ];
  for (const [phase, figures] of phases) {
    if (!figures) continue;
    const unexpected = Object.entries(figures.statuses).filter(([status]) => status !== expected);
    if (unexpected.length > 0) {
      const list = unexpected.map(([status, n]) => `${n} × ${status}`).join(', ');
      problems.push(`${phase}: unexpected statuses ${list}`);
    }
    if (figures.errors > 0)
      problems.push(`${phase}: ${figures.errors} connection errors (${figures.timeouts} timeouts)`);
    if (figures.requests === 0) problems.push(`${phase}: no request completed`);
  }
  if (load.exhausted > 0)
    problems.push(
      `ran out of single-use tokens/codes after ${load.taken} (${load.exhausted} requests had none)`,
    );
  return problems;
}
