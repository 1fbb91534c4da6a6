import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Env, type Sandbox, sandbox, spawnParqex } from './parqex-process.ts';

// Issue 9 §4.5: stdout mixed the plain banner and `ParqEx listening on …` with the JSON log lines,
// in production too, which breaks log shippers. In production every stdout line is JSON; in
// development the plain `ParqEx listening on <url>` line stays (outside tools read it).
const BOUND_MS = 60_000;
const PRODUCTION: Env = {
  PARQEX_ENV: 'production',
  PARQEX_PUBLIC_URL: 'https://parqex.example',
  PARQEX_SECRET_KEY: 'k'.repeat(64),
};

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

function start(box: Sandbox, env: Env, args: string[] = []): Run {
  const child = spawnParqex(['serve', ...args], { PORT: '0', PARQEX_DATABASE_URL: box.url, ...env });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function waitFor(run: Run, pattern: RegExp): Promise<void> {
  for (let waited = 0; waited < BOUND_MS; waited += 100) {
    if (pattern.test(run.stdout())) return;
    if (run.child.exitCode !== null) break;
    await sleep(100);
  }
  assert.fail(`no ${pattern} on stdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
}

/** SIGTERM and a bounded wait for the exit (SIGKILL if it does not come). */
async function stop(run: Run): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const exited = new Promise<number | null>((resolve) => run.child.on('exit', (code) => resolve(code)));
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), BOUND_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Every line of stdout, parsed: a line that is not JSON fails the test, naming it. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  assert.ok(lines.length > 0, 'something was logged');
  return lines.map((line) => {
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {}
    assert.ok(parsed, `a stdout line that is not JSON: ${JSON.stringify(line)}`);
    return parsed;
  });
}

describe('stdout of parqex serve (issue 9 §4.5)', { concurrency: true }, () => {
  for (const [what, args] of [
    ['one process', []],
    ['--workers 2', ['--workers', '2']],
  ] as const) {
    test(`production, ${what}: every stdout line is a JSON log line, the notices and warnings included`, async () => {
      const box = await sandbox();
      // No PARQEX_SMTP_URL: its start-up warning must be a JSON line too.
      const run = start(box, { ...PRODUCTION }, [...args]);
      try {
        await waitFor(run, /"msg":"ParqEx listening on http:\/\/127\.0\.0\.1:\d+"/);
        const port = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(run.stdout())![1];
        assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
        assert.equal(await stop(run), 0);
        const lines = jsonLines(run.stdout());
        const messages = lines.map((l) => l.msg);
        assert.ok(messages.includes('Public URL (issuer): https://parqex.example'), messages.join('\n'));
        assert.ok(
          lines.some(
            (l) =>
              l.level === 40 &&
              l.msg === 'PARQEX_SMTP_URL is not set: invitation mail is kept in the database, not delivered',
          ),
          messages.join('\n'),
        );
        assert.ok(messages.includes('shutting down'));
        if (args.length) assert.ok(messages.some((m) => /^Workers: 2 processes/.test(String(m))));
      } finally {
        run.child.kill('SIGKILL');
        await box.close();
      }
    });
  }

  test('development keeps the plain `ParqEx listening on <url>` line', async () => {
    const box = await sandbox();
    const run = start(box, {});
    try {
      await waitFor(run, /^ParqEx listening on http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(run.stdout(), /^Created the testing accounts/m);
      assert.equal(await stop(run), 0);
    } finally {
      run.child.kill('SIGKILL');
      await box.close();
    }
  });
});
