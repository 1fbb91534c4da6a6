/**
 * `npm run bench -- --memory`: a server holding a million access tokens, a hundred thousand doors
 * and a million history events must stay under 300 MB RSS under load — the database holds the
 * data, not the heap. Seeds in bulk, starts the server, loads it with a mix (user-info with tokens
 * drawn from the million, sync, a history page) and reports the peak RSS against the limit.
 */
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { migrate, openDatabase } from '../src/storage/database.ts';
import { analyzeAfterBulkLoad, prepareBulkLoad } from './bulk-insert.ts';
import { type LoadSettings, measureRow, type RowMeasurement } from './measure.ts';
import { MEMORY_DATA, seedMemoryData } from './memory-seed.ts';
import { buildRows, type Row } from './rows.ts';
import { treeRss } from './rss.ts';
import type { RunContext } from './run-context.ts';
import { startParqex } from './server.ts';

export const MEMORY_LIMIT_BYTES = 300 * 2 ** 20;

export interface MemoryResult {
  seeded: {
    seconds: number;
    accessTokens: number;
    doors: number;
    historyEvents: number;
    people: number;
    /** SQLite only: the database file, for scale. */
    databaseFileBytes: number | undefined;
  };
  idleRssBytes: number;
  serverProcesses: number;
  mix: RowMeasurement;
  peakRssBytes: number;
  limitBytes: number;
  /** Peak under the limit (and the mix's figures sound). */
  met: boolean;
  problems: string[];
}

export async function runMemoryScenario(context: RunContext): Promise<MemoryResult> {
  const { options, runDir, database, log } = context;
  log(
    `seeding ${database.description}: ${MEMORY_DATA.accessTokens.toLocaleString('en-US')} access tokens, ${MEMORY_DATA.doors.toLocaleString('en-US')} doors, ${MEMORY_DATA.historyEvents.toLocaleString('en-US')} history events …`,
  );
  const open = openDatabase(database.url, { poolSize: 2 });
  let seed: Awaited<ReturnType<typeof seedMemoryData>>;
  try {
    await migrate(open.db, open.dialect);
    await prepareBulkLoad(open.db, open.dialect);
    seed = await seedMemoryData(open.db, runDir, log);
    await analyzeAfterBulkLoad(open.db, open.dialect);
  } finally {
    await open.close();
  }
  log(`seeded in ${seed.seconds.toFixed(1)} s`);
  const databaseFileBytes = database.dialect === 'sqlite' ? sqliteBytes(database.url) : undefined;

  const server = await startParqex({
    databaseUrl: database.url,
    runDir,
    workers: options.workers,
    profileDir: options.profileDir,
  });
  const stopServer = context.cleanup.add('stop the server', server.stop);
  log(`server listening on ${server.url} (pid ${server.pid})`);
  await sleep(1000);
  const idle = treeRss(server.pid);

  const settings: LoadSettings = {
    connections: options.connections,
    durationS: options.durationS,
    warmupS: options.warmupS,
    runDir,
    log,
  };
  log(`mix: ${options.warmupS} s warm-up, ${options.durationS} s measured …`);
  const mix = await measureRow(mixRow(seed.fixture, seed.accessTokensFile, options.gzip), server, settings);
  for (const problem of mix.problems) log(`  !! mix: ${problem}`);
  await stopServer();

  const peakRssBytes = Math.max(mix.peakRssBytes, idle.bytes);
  return {
    seeded: {
      seconds: seed.seconds,
      accessTokens: MEMORY_DATA.accessTokens,
      doors: MEMORY_DATA.doors,
      historyEvents: MEMORY_DATA.historyEvents,
      people: seed.people,
      databaseFileBytes,
    },
    idleRssBytes: idle.bytes,
    serverProcesses: Math.max(idle.processes, mix.processes),
    mix,
    peakRssBytes,
    limitBytes: MEMORY_LIMIT_BYTES,
    met: peakRssBytes < MEMORY_LIMIT_BYTES && mix.problems.length === 0,
    problems: mix.problems,
  };
}

/**
 * user-info with a token drawn at random from the million (each connection: user-info, then sync,
 * then a history page, round and round).
 */
function mixRow(fixture: Parameters<typeof buildRows>[0], tokensFile: string, gzip: boolean): Row {
  const [userInfo, sync, history] = buildRows(fixture, ['user-info', 'sync', 'history'], gzip) as [
    Row,
    Row,
    Row,
  ];
  const drawn = {
    ...userInfo.load[0]!,
    vary: {
      file: tokensFile,
      order: 'random' as const,
      into: 'authorization' as const,
      template: 'Bearer {value}',
    },
  };
  return {
    id: 'mix',
    title: 'mix: user-info (1M tokens), sync, history',
    target: {},
    // user-info is checked with the bench person's token: a drawn one answers for another person.
    checks: [...userInfo.checks, ...sync.checks, ...history.checks],
    load: [drawn, ...sync.load, ...history.load],
  };
}

function sqliteBytes(url: string): number {
  const file = url.slice('sqlite:'.length);
  return [file, `${file}-wal`].reduce((sum, f) => {
    try {
      return sum + statSync(f).size;
    } catch {
      return sum;
    }
  }, 0);
}
