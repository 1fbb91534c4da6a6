/** `npm run bench -- [options]`: the command line, parsed and checked. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROW_IDS, type RowId } from './rows.ts';

export const HELP = `npm run bench -- [options]

Starts ParqEx (node src/cli/main.ts serve) on a fresh database, loads it with autocannon from a
separate process, row by row, and prints requests/s, p50/p99 latency and the server's peak RSS
beside a bare node:http server measured in the same run. See docs/performance.md.

Options:
  --postgres URL      PostgreSQL instead of SQLite: a fresh database parqex_bench_<time>_<pid> is
                      created on that server and dropped afterwards
  --workers N         start the server with \`parqex serve --workers N\`
  --duration S        seconds of measured load per row (default 10)
  --warmup S          seconds of unmeasured load before each row (default 2)
  --connections C     concurrent connections (default 50)
  --only ROW[,ROW]    only these rows: ${ROW_IDS.join(', ')} (the bare server always runs)
  --no-gzip           do not send the documented Accept-Encoding: gzip
  --json              print one JSON document on stdout (progress stays on stderr)
  --memory            the memory scenario: 1M access tokens, 100k doors, 1M history events,
                      a mixed load, the peak RSS against 300 MB
  --profile           start the server with --cpu-prof; prints where the profiles went
  --profile-dir DIR   where to write them (default data/profiles/<time>)
  --keep              keep the run directory (database, token files, server log)
  -h, --help          this text`;

export interface BenchOptions {
  postgres: string | undefined;
  workers: number | undefined;
  durationS: number;
  warmupS: number;
  connections: number;
  only: RowId[];
  gzip: boolean;
  json: boolean;
  memory: boolean;
  profileDir: string | undefined;
  keep: boolean;
  help: boolean;
}

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

function whole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new BenchUsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

export function parseOptions(argv: string[], now: Date): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      postgres: { type: 'string' },
      workers: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      gzip: { type: 'boolean', default: true },
      json: { type: 'boolean', default: false },
      memory: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.postgres !== undefined && !/^postgres(ql)?:\/\/.+/.test(values.postgres))
    throw new BenchUsageError('--postgres must be a postgres:// URL');
  const only = values.only === undefined ? [...ROW_IDS] : values.only.split(',').map((s) => s.trim());
  for (const id of only) {
    if (!(ROW_IDS as readonly string[]).includes(id))
      throw new BenchUsageError(`--only: unknown row ${JSON.stringify(id)}; rows: ${ROW_IDS.join(', ')}`);
  }
  const profile = values.profile || values['profile-dir'] !== undefined;
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  return {
    postgres: values.postgres,
    workers: values.workers === undefined ? undefined : whole('workers', values.workers, 1, 1),
    durationS: whole('duration', values.duration, 10, 1),
    warmupS: whole('warmup', values.warmup, 2, 0),
    connections: whole('connections', values.connections, 50, 1),
    only: ROW_IDS.filter((id) => only.includes(id)),
    gzip: values.gzip,
    json: values.json,
    memory: values.memory,
    profileDir: profile ? resolve(values['profile-dir'] ?? `data/profiles/${stamp}`) : undefined,
    keep: values.keep,
    help: values.help,
  };
}
