/**
 * `npm run bench`: the orchestrator. Makes a fresh database, runs the row suite (or, with
 * `--memory`, the memory scenario), prints the table, and undoes everything it set up however the
 * run ends. It never loads the server itself: every load runs in a child process.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopRunningChildren } from './child-process.ts';
import { Cleanup } from './cleanup.ts';
import { type FreshDatabase, freshPostgres, freshSqlite } from './fresh-database.ts';
import { machineFacts } from './machine.ts';
import { runMemoryScenario } from './memory.ts';
import { renderMemory } from './memory-table.ts';
import { type BenchOptions, BenchUsageError, HELP, parseOptions } from './options.ts';
import { runSuite } from './suite.ts';
import { isReferenceSetUp, mb, renderHeader, renderProblems, renderRows, verdict } from './table.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const startedAt = new Date();
  const options = parseOptions(process.argv.slice(2), startedAt);
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const machine = machineFacts();
  const cleanup = new Cleanup();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      log(`\n${signal}: stopping and cleaning up …`);
      stopRunningChildren();
      void cleanup.runAll(log).finally(() => process.exit(130));
    });
  }

  const runDir = mkdtempSync(join(tmpdir(), 'parqex-bench-'));
  cleanup.add('remove the run directory', async () => {
    if (options.keep) log(`kept the run directory ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  });
  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  try {
    const database = await openFresh(options, runDir);
    cleanup.add('drop the database', database.drop);
    const context = { options, runDir, database, cleanup, log };
    const header = (title: string, extra: [string, string][]) =>
      renderHeader({
        title: `${title}, ${startedAt.toISOString()}`,
        machine,
        lines: [
          ['database', database.description],
          ...extra,
          [
            'load',
            `autocannon in a child process per row, ${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s per row${options.gzip ? ', Accept-Encoding: gzip' : ', no Accept-Encoding'}`,
          ],
        ],
      });

    if (options.memory) {
      const result = await runMemoryScenario(context);
      await cleanup.runAll(log);
      if (options.json) process.stdout.write(`${JSON.stringify({ machine, options, ...result }, null, 2)}\n`);
      else process.stdout.write(`\n${renderMemory(result, header)}\n`);
      return result.problems.length > 0 ? 1 : 0;
    }

    const result = await runSuite(context);
    await cleanup.runAll(log);
    const reference = isReferenceSetUp(options, database.dialect);
    const rows = [...result.bare, ...result.rows];
    if (options.json) {
      const withVerdicts = result.rows.map((row) => ({ ...row, verdict: verdict(row, result.limitRps) }));
      const document = { date: startedAt, machine, database: database.description, options, ...result };
      process.stdout.write(`${JSON.stringify({ ...document, rows: withVerdicts, reference }, null, 2)}\n`);
    } else {
      const workers = options.workers === undefined ? 'workers not set' : `--workers ${options.workers}`;
      const s = result.seeded;
      const text = [
        header('ParqEx benchmark', [
          [
            'server',
            `node src/cli/main.ts serve (${workers}), ${result.serverProcesses} process(es), idle RSS ${mb(result.idleRssBytes)}${options.profileDir ? `, CPU profiles in ${options.profileDir}` : ''}`,
          ],
          [
            'seeded',
            `in ${s.seconds.toFixed(1)} s: ${s.controllers} controllers / ${s.doors} doors, ${s.historyEvents.toLocaleString('en-US')} history events, ${s.refreshTokens.toLocaleString('en-US')} refresh tokens, ${s.codes.toLocaleString('en-US')} codes${s.listings > 0 ? `, ${s.listings.toLocaleString('en-US')} listings, ${s.quotes.toLocaleString('en-US')} quotes` : ''}`,
          ],
        ]),
        '',
        renderRows(result.bare, result.rows, result.limitRps, reference),
        renderProblems(rows),
      ];
      process.stdout.write(`\n${text.join('\n')}\n`);
    }
    if (options.profileDir)
      log(`CPU profiles of the server: ${options.profileDir} (open in Chrome DevTools)`);
    return rows.some((r) => r.problems.length > 0) ? 1 : 0;
  } finally {
    await cleanup.runAll(log);
  }
}

function openFresh(options: BenchOptions, runDir: string): Promise<FreshDatabase> {
  return options.postgres ? freshPostgres(options.postgres) : freshSqlite(runDir);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchUsageError || (error instanceof TypeError && 'code' in error)) {
      log(`bench: ${error.message}`);
      process.exit(2);
    }
    log(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
