import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OpenDatabase, openDatabase } from '../../src/storage/database.ts';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/test-database.ts';

/** The command as an operator runs it: `parqex …` is `node src/cli/main.ts …` under the test's Node 24. */
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type Env = Record<string, string | undefined>;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without any ParqEx setting (nor the test runner's), plus `env`. */
export function childEnv(env: Env): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('PARQEX_') || name === 'PORT' || name === 'HOST' || name === 'NODE_TEST_CONTEXT')
      continue;
    result[name] = value;
  }
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/** Starts `parqex <args>` with exactly the ParqEx settings in `env`. */
export function spawnParqex(args: string[], env: Env): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `parqex <args>` to its end. */
export function parqex(args: string[], env: Env): Promise<Finished> {
  const child = spawnParqex(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Exit 0, nothing on stderr, and stdout parses as one JSON document (JSON.parse refuses anything more). */
export function assertJson(result: Finished): any {
  assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
  assert.equal(result.stderr, '', 'nothing on stderr');
  return JSON.parse(result.stdout);
}

/** A refusal as running.md wants it: non-zero exit, nothing on stdout, one clear line on stderr. */
export function assertRefused(result: Finished, message: RegExp): void {
  assert.ok(result.code !== 0 && result.code !== null, `a non-zero exit, got ${result.code}`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^parqex: /);
  assert.match(lines[0]!, message);
}

/** The value of a `name: value` line of the human output. */
export function field(stdout: string, name: string): string {
  const match = new RegExp(`^${name}:\\s+(\\S.*)$`, 'm').exec(stdout);
  assert.ok(match, `a "${name}:" line in:\n${stdout}`);
  return match[1]!;
}

/**
 * A private database for one test and the commands run against it. SQLite (the default): a file in
 * a fresh temporary directory. When PARQEX_TEST_DATABASE_URL is set: a fresh PostgreSQL schema,
 * named in the URL the child processes get (`?options=-c search_path=…`), dropped on close.
 */
export interface Sandbox {
  /** `PARQEX_DATABASE_URL` for the commands. */
  readonly url: string;
  /** The temporary directory (it holds the SQLite file). */
  readonly dir: string;
  /** The SQLite file, or undefined on PostgreSQL. */
  readonly file: string | undefined;
  run(args: string[], env?: Env): Promise<Finished>;
  /** The database as the commands see it, opened on first use. */
  db(): OpenDatabase['db'];
  close(): Promise<void>;
}

export async function sandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-cli-'));
  let url: string;
  let file: string | undefined;
  let dropSchema = async () => {};
  if (TEST_DATABASE_URL) {
    const schema = `cli_${randomBytes(6).toString('hex')}`;
    await adminQuery(`create schema ${schema}`);
    const withSchema = new URL(TEST_DATABASE_URL);
    withSchema.searchParams.set('options', `-c search_path=${schema}`);
    url = withSchema.href;
    dropSchema = () => adminQuery(`drop schema ${schema} cascade`);
  } else {
    file = join(dir, 'parqex.db');
    url = `sqlite:${file}`;
  }
  let opened: OpenDatabase | undefined;
  return {
    url,
    dir,
    file,
    run: (args, env = {}) => parqex(args, { PARQEX_DATABASE_URL: url, ...env }),
    db() {
      opened ??= openDatabase(url, { poolSize: 2 });
      return opened.db;
    },
    async close() {
      await opened?.close();
      await dropSchema();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
