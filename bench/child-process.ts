/**
 * The bench's child processes: servers that announce their URL on stdout (sent to a file, so a
 * busy server never stalls on a full pipe), and load children that answer with one JSON line.
 * Every child runs on this process's Node (`process.execPath`: the npm-pinned Node 24).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ListeningChild {
  child: ChildProcess;
  /** The URL the child announced. */
  url: string;
  /** Where its stdout goes. */
  stdoutFile: string;
  /** What it wrote on stderr so far (kept short). */
  stderr: () => string;
}

export interface StartOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  stdoutFile: string;
  /** Matches the announcement; group 1 is the URL. */
  listening: RegExp;
  timeoutMs: number;
}

const STDERR_KEPT = 64 * 1024;

/** Spawns `node <args>` and waits until its stdout file announces the URL it listens on. */
export async function startListening(options: StartOptions): Promise<ListeningChild> {
  const out = openSync(options.stdoutFile, 'w');
  const child = spawn(process.execPath, options.args, { env: options.env, stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (stderr.length < STDERR_KEPT) stderr += chunk;
  });
  let exit: string | undefined;
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  const started = Date.now();
  while (Date.now() - started < options.timeoutMs) {
    const head = readHead(options.stdoutFile);
    const match = options.listening.exec(head);
    if (match?.[1]) return { child, url: match[1], stdoutFile: options.stdoutFile, stderr: () => stderr };
    if (exit !== undefined) {
      throw new Error(
        `node ${options.args.join(' ')} ended (${exit}) before listening:\n${stderr.trim() || head.trim()}`,
      );
    }
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`node ${options.args.join(' ')} did not announce a URL within ${options.timeoutMs} ms`);
}

/** The first 64 KiB of a file (the announcement comes before the request logs). */
function readHead(file: string): string {
  const buffer = Buffer.alloc(64 * 1024);
  const fd = openSync(file, 'r');
  try {
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The children of `runForJson` still running. */
const running = new Set<ChildProcess>();

/** SIGTERM to every child of `runForJson` still running (an interrupted run). */
export function stopRunningChildren(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** Runs `node <args>` to the end and parses the last line of its stdout as JSON. */
export async function runForJson<T>(args: string[], onStderr: (chunk: string) => void): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', onStderr);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`node ${args.join(' ')} failed (exit code ${code})`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`node ${args.join(' ')} printed no JSON result: ${JSON.stringify(last.slice(0, 200))}`);
  }
}
