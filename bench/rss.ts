/**
 * The resident memory of a process and all its descendants (a server with workers), read from
 * /proc: `VmRSS` of each, summed. Pages shared between processes count once per process, so with
 * workers the sum is an upper bound.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The pid and every descendant's pid. */
function processTree(root: number): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...childrenOf(tree[i]!));
  return tree;
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended meanwhile
    }
  }
  return children;
}

/** VmRSS of one process in bytes; 0 when it is gone. */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The summed RSS of a process tree, in bytes, and how many processes it has. */
export function treeRss(root: number): { bytes: number; processes: number } {
  const pids = processTree(root);
  return { bytes: pids.reduce((sum, pid) => sum + rssOf(pid), 0), processes: pids.length };
}

/** Samples a process tree's RSS every `intervalMs` until stopped; reports the peak. */
export class RssSampler {
  readonly #root: number;
  readonly #timer: NodeJS.Timeout;
  #peak = 0;
  #processes = 0;
  constructor(root: number, intervalMs = 100) {
    this.#root = root;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }
  #sample(): void {
    const { bytes, processes } = treeRss(this.#root);
    if (bytes > this.#peak) this.#peak = bytes;
    this.#processes = Math.max(this.#processes, processes);
  }
  /** Stops sampling (idempotent). */
  pause(): void {
    clearInterval(this.#timer);
  }
  /** Stops sampling; the peak in bytes and the most processes seen at once. */
  stop(): { peakBytes: number; processes: number } {
    this.pause();
    return { peakBytes: this.#peak, processes: this.#processes };
  }
}
