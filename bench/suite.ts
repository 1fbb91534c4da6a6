/**
 * The row benchmark: the bare server first (the limit, and how many single-use tokens the run can
 * use up), the data seeded, ParqEx started, every row checked and loaded in turn, the bare server
 * again at the end (the machine is shared: the limit is the better of the two).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { QUOTE_TTL_MS } from './marketplace-seed.ts';
import { type LoadSettings, measureRow, type RowMeasurement } from './measure.ts';
import type { BenchOptions } from './options.ts';
import { type Seeded, seedRowFixture } from './row-fixture.ts';
import { bareRow, buildRows, type RowFixture } from './rows.ts';
import { treeRss } from './rss.ts';
import type { RunContext } from './run-context.ts';
import { CODE_TTL_MS } from './seed.ts';
import { type RunningServer, startBare, startParqex } from './server.ts';

export interface SuiteResult {
  bare: RowMeasurement[];
  /** Requests per second of the better bare measurement: the ratios' denominator. */
  limitRps: number;
  rows: RowMeasurement[];
  seeded: Seeded;
  /** The server's RSS once started, before any load. */
  idleRssBytes: number;
  serverProcesses: number;
}

export async function runSuite(context: RunContext): Promise<SuiteResult> {
  const { options, runDir, log } = context;
  const settings: LoadSettings = {
    connections: options.connections,
    durationS: options.durationS,
    warmupS: options.warmupS,
    runDir,
    log,
  };

  const bare: RowMeasurement[] = [await measureBare(context, settings, 'start')];
  const bareRps = bare[0]!.load?.measured.rps ?? 0;
  if (bareRps === 0)
    throw new Error(`the bare server could not be measured: ${bare[0]!.problems.join('; ')}`);

  const singleUse = singleUseCount(bareRps, options);
  log(`seeding ${context.database.description} …`);
  const { fixture, seeded } = await seedRowFixture(context.database, runDir, options.only, singleUse);
  log(`seeded in ${seeded.seconds.toFixed(1)} s`);

  log('starting the server …');
  const server = await startParqex({
    databaseUrl: context.database.url,
    runDir,
    workers: options.workers,
    profileDir: options.profileDir,
  });
  const stopServer = context.cleanup.add('stop the server', server.stop);
  log(`server listening on ${server.url} (pid ${server.pid})`);
  await sleep(1000);
  const idle = treeRss(server.pid);

  const rows: RowMeasurement[] = [];
  for (const row of buildRows(fixture, options.only, options.gzip)) {
    log(`row ${row.id}: ${options.warmupS} s warm-up, ${options.durationS} s measured …`);
    const refusal =
      row.id === 'code'
        ? codesTooOld(fixture, options)
        : row.id === 'book'
          ? quotesTooOld(fixture, options)
          : undefined;
    rows.push(await measureRow(row, server, settings, refusal));
    logProblems(rows.at(-1)!, log);
    await sleep(500);
  }
  await stopServer();

  bare.push(await measureBare(context, settings, 'end'));
  const limitRps = Math.max(...bare.map((b) => b.load?.measured.rps ?? 0));
  return {
    bare,
    limitRps,
    rows,
    seeded,
    idleRssBytes: idle.bytes,
    serverProcesses: idle.processes,
  };
}

async function measureBare(
  context: RunContext,
  settings: LoadSettings,
  when: 'start' | 'end',
): Promise<RowMeasurement> {
  context.log(`bare node:http server (${when}) …`);
  const bare: RunningServer = await startBare(context.runDir);
  const stop = context.cleanup.add('stop the bare server', bare.stop);
  try {
    const measured = await measureRow(bareRow(context.options.gzip), bare, settings);
    return { ...measured, title: `${measured.title}, ${when}` };
  } finally {
    await stop();
  }
}

// On a shared machine the first bare run may be slowed down: never size for less than this.
const MIN_SIZING_RPS = 10_000;

/**
 * Single-use tokens and codes one row can use up: no row outruns the bare server, so its rate over
 * the warm-up and the run, with workers and a margin, is enough.
 */
function singleUseCount(bareRps: number, options: BenchOptions): number {
  const seconds = options.warmupS + options.durationS;
  const rate = Math.max(bareRps, MIN_SIZING_RPS) * Math.max(1, options.workers ?? 1);
  return Math.ceil(rate * seconds * 1.25) + 2 * options.connections;
}

/** Codes live 10 minutes from seeding: refuse to load a row whose codes would expire during it. */
function codesTooOld(fixture: RowFixture, options: BenchOptions): string | undefined {
  const needed = (options.warmupS + options.durationS + 30) * 1000;
  if (fixture.codes && fixture.codes.expiresAt - Date.now() < needed)
    return `not loaded: the seeded codes (valid ${CODE_TTL_MS / 60_000} min) would expire during the row; use a shorter --duration or --only code`;
  return undefined;
}

/** Quotes live 10 minutes from seeding, like codes. */
function quotesTooOld(fixture: RowFixture, options: BenchOptions): string | undefined {
  const needed = (options.warmupS + options.durationS + 30) * 1000;
  if (fixture.book && fixture.book.expiresAt - Date.now() < needed)
    return `not loaded: the seeded quotes (valid ${QUOTE_TTL_MS / 60_000} min) would expire during the row; use a shorter --duration or --only book`;
  return undefined;
}

function logProblems(row: RowMeasurement, log: (line: string) => void): void {
  for (const problem of row.problems) log(`  !! ${row.id}: ${problem}`);
}
