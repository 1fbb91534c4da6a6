import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { childEnv } from './parqex-process.ts';

// Issue 9 §4.4: `kill -TERM <pid of npm start>` left the server orphaned and serving. npm passes
// SIGTERM to its child, the `sh -c` of the script, which died without passing it on to node. Under
// Docker or systemd that is every deployment. Now the script execs node (npm's signal reaches the
// server itself), and a server started by npm stops when npm goes away without a word (SIGKILL).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BOUND_MS = 60_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether the process runs (a zombie waiting for its reaper has stopped running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/** `npm start` on a free port and a fresh SQLite file; resolves once the server answers, with its pid. */
async function npmStart(): Promise<{
  npm: ChildProcess;
  serverPid: number;
  port: number;
  cleanup: () => void;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-npm-start-'));
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: childEnv({ PORT: String(port), PARQEX_DATABASE_URL: `sqlite:${join(dir, 'parqex.db')}` }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  npm.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let serverPid: number | undefined;
  const cleanup = () => {
    // Whatever the test's outcome, nothing it started keeps running (by pid, never by name).
    if (serverPid !== undefined && isRunning(serverPid)) process.kill(serverPid, 'SIGKILL');
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let waited = 0; waited < BOUND_MS; waited += 100) {
    const pid = /"pid":(\d+)/.exec(stdout);
    if (pid && /ParqEx listening on/.test(stdout)) {
      serverPid = Number(pid[1]);
      break;
    }
    if (npm.exitCode !== null) break;
    await sleep(100);
  }
  if (serverPid === undefined) {
    cleanup();
    assert.fail(`npm start did not come up:\n${stdout}\n${stderr}`);
  }
  assert.notEqual(serverPid, npm.pid, 'the pid of the server, not of npm');
  assert.ok(await answers(port), 'the server answers');
  return { npm, serverPid, port, cleanup };
}

/** Waits (bounded) until the server process is gone and its port no longer answers. */
async function waitUntilGone(
  serverPid: number,
  port: number,
): Promise<{ running: boolean; serving: boolean }> {
  for (let waited = 0; waited < BOUND_MS; waited += 200) {
    if (!isRunning(serverPid) && !(await answers(port))) break;
    await sleep(200);
  }
  return { running: isRunning(serverPid), serving: await answers(port) };
}

describe('npm start and its signals (issue 9 §4.4)', { concurrency: true }, () => {
  test('SIGTERM to the pid of npm start stops the server: the port stops answering, the process is gone', async () => {
    const { npm, serverPid, port, cleanup } = await npmStart();
    try {
      process.kill(npm.pid!, 'SIGTERM');
      assert.deepEqual(await waitUntilGone(serverPid, port), { running: false, serving: false });
    } finally {
      cleanup();
    }
  });

  test('npm killed outright (SIGKILL): the server notices its parent gone and stops too', async () => {
    const { npm, serverPid, port, cleanup } = await npmStart();
    try {
      process.kill(npm.pid!, 'SIGKILL');
      assert.deepEqual(await waitUntilGone(serverPid, port), { running: false, serving: false });
    } finally {
      cleanup();
    }
  });
});
