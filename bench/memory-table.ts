/** The memory scenario's printed result. */
import type { MemoryResult } from './memory.ts';
import { mb, renderProblems } from './table.ts';

export function renderMemory(
  result: MemoryResult,
  header: (title: string, extra: [string, string][]) => string,
): string {
  const s = result.seeded;
  const f = result.mix.load?.measured;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [
    header('ParqEx memory scenario', [
      [
        'seeded',
        `in ${s.seconds.toFixed(1)} s: ${n(s.accessTokens)} access tokens, ${n(s.doors)} doors, ${n(s.historyEvents)} history events, ${n(s.people)} people${s.databaseFileBytes === undefined ? '' : ` (database file ${mb(s.databaseFileBytes)})`}`,
      ],
      ['server', `${result.serverProcesses} process(es), idle RSS ${mb(result.idleRssBytes)}`],
    ]),
    '',
    `load      ${result.mix.title}`,
    `          ${f ? `${n(f.rps)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${n(f.non2xx)} non-2xx, ${n(f.errors)} errors` : 'not loaded'}`,
    `peak RSS  ${mb(result.peakRssBytes)} (limit ${mb(result.limitBytes)}): ${result.problems.length > 0 ? '!! INVALID' : result.met ? 'met' : 'NOT MET'}`,
    renderProblems([result.mix]),
  ];
  return lines.join('\n');
}
