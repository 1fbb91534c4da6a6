/** The printed result: machine facts, then one line per row, then what went wrong, loudly. */
import { loadAverage, type MachineFacts } from './machine.ts';
import type { RowMeasurement } from './measure.ts';
import type { BenchOptions } from './options.ts';
import type { RowTarget } from './rows.ts';

export interface Verdict {
  /** Undefined when the row has no target. */
  met: boolean | undefined;
  /** e.g. `≥ 0.60 × limit, p99 < 25 ms`. */
  wanted: string;
  /** The parts not met. */
  missed: string[];
}

export function verdict(row: RowMeasurement, limitRps: number): Verdict {
  const target: RowTarget = row.target;
  const wanted: string[] = [];
  const missed: string[] = [];
  const figures = row.load?.measured;
  if (target.ratio !== undefined) {
    wanted.push(`≥ ${target.ratio.toFixed(2)} × limit`);
    const ratio = figures ? figures.rps / limitRps : 0;
    if (ratio < target.ratio) missed.push(`ratio ${ratio.toFixed(2)} < ${target.ratio.toFixed(2)}`);
  }
  if (target.p99Ms !== undefined) {
    wanted.push(`p99 < ${target.p99Ms} ms`);
    if (!figures || figures.p99Ms >= target.p99Ms)
      missed.push(`p99 ${figures ? figures.p99Ms : '?'} ms ≥ ${target.p99Ms} ms`);
  }
  if (wanted.length === 0) return { met: undefined, wanted: '', missed };
  // A row whose figures cannot be trusted meets nothing.
  return { met: missed.length === 0 && row.problems.length === 0, wanted: wanted.join(', '), missed };
}

/** True when the run is the one the targets were set for. */
export function isReferenceSetUp(options: BenchOptions, database: string): boolean {
  return database === 'sqlite' && (options.workers ?? 1) === 1 && options.connections === 50;
}

export function mb(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB`;
}

function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface Header {
  title: string;
  machine: MachineFacts;
  lines: [string, string][];
}

export function renderHeader(header: Header): string {
  const m = header.machine;
  const lines: [string, string][] = [
    [
      'machine',
      `${m.cpus} cpus (${m.cpuModel}), ${m.memoryGb} GB, ${m.platform}, Node ${m.node}, load average ${m.loadAtStart} at start, ${loadAverage()} at end`,
    ],
    ...header.lines,
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  return [header.title, ...lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`)].join('\n');
}

/** Bare runs further apart than this: the machine was not quiet. */
const BARE_SPREAD_WARNING = 0.2;

const COLUMNS = ['row', 'req/s', '× limit', 'p50 ms', 'p99 ms', 'peak RSS', 'non-2xx', 'errors', 'target'];

export function renderRows(
  bare: RowMeasurement[],
  rows: RowMeasurement[],
  limitRps: number,
  reference: boolean,
): string {
  const line = (row: RowMeasurement, isBare: boolean): string[] => {
    const f = row.load?.measured;
    const v = verdict(row, limitRps);
    const target = isBare
      ? ''
      : v.met === undefined
        ? row.problems.length > 0
          ? '!! INVALID'
          : '—'
        : `${v.wanted}: ${row.problems.length > 0 ? '!! INVALID' : v.met ? 'met' : 'NOT MET'}`;
    return [
      row.title,
      f ? thousands(f.rps) : '—',
      f ? (f.rps / limitRps).toFixed(2) : '—',
      f ? String(f.p50Ms) : '—',
      f ? String(f.p99Ms) : '—',
      row.peakRssBytes > 0 ? mb(row.peakRssBytes) : '—',
      f ? thousands(f.non2xx + (row.load?.warmup?.non2xx ?? 0)) : '—',
      f ? thousands(f.errors + (row.load?.warmup?.errors ?? 0)) : '—',
      target,
    ];
  };
  const body = [bare[0]!, ...rows, ...bare.slice(1)].map((row) => line(row, row.id === 'bare'));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((cells) => cells[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  const out = [format(COLUMNS), format(widths.map((w) => '-'.repeat(w))), ...body.map(format)];
  out.push('');
  out.push(
    `limit: ${thousands(limitRps)} req/s, the better of the two bare runs; non-2xx and errors include the warm-up`,
  );
  const bareRates = bare.map((b) => b.load?.measured.rps ?? 0);
  const spread = 1 - Math.min(...bareRates) / Math.max(...bareRates);
  if (spread > BARE_SPREAD_WARNING)
    out.push(
      `!! the two bare runs differ by ${Math.round(spread * 100)} %: something else used the CPU, every ratio is uncertain by as much`,
    );
  if (!reference)
    out.push('targets are set for SQLite, one process, 50 connections on 2 cores: here for reference only');
  return out.join('\n');
}

/** Every reason not to trust a row, one block per row; empty when every row is sound. */
export function renderProblems(rows: RowMeasurement[]): string {
  const bad = rows.filter((r) => r.problems.length > 0);
  if (bad.length === 0) return '';
  const out = [
    '',
    '!!!!!!!! ROWS WITH ERRORS OR UNEXPECTED ANSWERS: THEIR FIGURES ARE NOT A BENCHMARK !!!!!!!!',
  ];
  for (const row of bad) {
    out.push(`!! ${row.title}:`);
    for (const problem of row.problems) out.push(`   ${problem.replaceAll('\n', '\n   ')}`);
  }
  return out.join('\n');
}
