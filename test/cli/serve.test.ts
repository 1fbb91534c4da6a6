import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Browser, formField } from '../helpers/http.ts';
import { assertRefused, type Env, parqex, type Sandbox, sandbox, spawnParqex } from './parqex-process.ts';

const LISTENING = /^ParqEx listening on http:\/\/127\.0\.0\.1:(\d+)$/m;
const WAIT_MS = 30_000;

/** `parqex serve` as a child process, its output collected as it comes. */
class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiting = new Set<() => void>();

  constructor(env: Env, args: string[] = []) {
    this.child = spawnParqex(['serve', ...args], { PORT: '0', ...env });
    const check = () => {
      for (const waiter of this.#waiting) waiter();
    };
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      check();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      check();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        resolve({ code, signal });
        check();
      });
    });
  }

  /** The first stdout match of `pattern`, waiting for it (generously) while the process lives. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}`)), WAIT_MS);
      const done = (error?: Error, match?: RegExpExecArray) => {
        clearTimeout(timer);
        this.#waiting.delete(waiter);
        if (error) reject(new Error(`${error.message}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
        else resolve(match!);
      };
      const waiter = () => {
        const match = pattern.exec(this.stdout);
        if (match) done(undefined, match);
        else if (this.child.exitCode !== null || this.child.signalCode !== null)
          done(
            new Error(
              `the server exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}`,
            ),
          );
      };
      this.#waiting.add(waiter);
      waiter();
    });
  }

  /** Waits for the exit (generously), killing the process if it does not come. */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`no exit ${WAIT_MS} ms after ${signal}\nstdout:\n${this.stdout}`));
      }, WAIT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort for a failed test: never leave a server behind. */
  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The JSON log lines (pino) among stdout's lines. */
  logLines(): any[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  }
}

describe('parqex serve on an empty development database', () => {
  let box: Sandbox;
  let server: ServerProcess;
  let baseUrl: string;
  before(async () => {
    box = await sandbox();
    server = new ServerProcess({ PARQEX_DATABASE_URL: box.url });
    const [, port] = await server.waitFor(LISTENING);
    baseUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.kill();
    await box.close();
  });

  test('prints "ParqEx listening on <url>" with the real port', () => {
    const [line, port] = LISTENING.exec(server.stdout)!;
    assert.notEqual(Number(port), 0);
    assert.equal(line, `ParqEx listening on http://127.0.0.1:${port}`);
  });

  test('GET /healthz → 200 {"status":"ok"}; GET /readyz → 200', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${baseUrl}/readyz`);
    assert.equal(ready.status, 200);
  });

  test('it created the testing accounts and the demo application, and printed how to try them', async () => {
    const port = LISTENING.exec(server.stdout)![1];
    assert.match(server.stdout, /^ {2}client_id: +555555555555555555\.localhost$/m);
    assert.match(server.stdout, /^ {2}client_secret: +parqex-demo-secret$/m);
    assert.match(
      server.stdout,
      new RegExp(`^ {2}redirect_uri: +http://localhost:${port}/demo/callback$`, 'm'),
    );
    const printed = /^ {2}(http:\/\/localhost:\d+\/oauth\/v2\/endpoints\/authorization\/\?\S+)$/m.exec(
      server.stdout,
    );
    assert.ok(printed, `an authorization URL in:\n${server.stdout}`);

    // The printed URL works: the login page, John signs in, the demo application asks for consent.
    const url = new URL(printed[1]!);
    assert.equal(url.port, port, 'the URL has the real port');
    assert.equal(url.searchParams.get('client_id'), '555555555555555555.localhost');
    const browser = new Browser(baseUrl);
    const loginPage = await browser.get(`${url.pathname}${url.search}`);
    assert.equal(loginPage.status, 200);
    assert.match(loginPage.text_, /action="\/login"/);
    const login = await browser.post('/login', {
      csrf: formField(loginPage.text_, 'csrf'),
      return_to: formField(loginPage.text_, 'return_to'),
      email: 'john.doe@parqex.com',
      password: 'parqex-john',
    });
    assert.equal(login.status, 303, login.text_.slice(0, 500));
    const consent = await browser.get(login.headers.get('location')!);
    assert.equal(consent.status, 200);
    assert.match(consent.text_, /ParqEx Demo App/);
  });

  test('logs one JSON line per request (pino), with its request id', async () => {
    const response = await fetch(`${baseUrl}/healthz`, { headers: { 'x-request-id': 'cli-serve-test-42' } });
    assert.equal(response.headers.get('x-request-id'), 'cli-serve-test-42');
    await server.waitFor(/"reqId":"cli-serve-test-42"/);
    const [line, ...more] = server.logLines().filter((l) => l.reqId === 'cli-serve-test-42');
    assert.equal(more.length, 0, 'one line for the request');
    assert.equal(line.msg, 'request');
    assert.equal(line.method, 'GET');
    assert.equal(line.url, '/healthz');
    assert.equal(line.status, 200);
    assert.equal(typeof line.level, 'number');
    assert.equal(typeof line.time, 'number');
    // Every request line has a request id, and every line that is not for people is JSON.
    for (const log of server.logLines().filter((l) => l.msg === 'request'))
      assert.equal(typeof log.reqId, 'string');
  });

  test('SIGTERM: exits with code 0, having printed the listening line once and nothing on stderr', async () => {
    const { code, signal } = await server.stop('SIGTERM');
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.equal(server.stdout.match(/^ParqEx listening on /gm)?.length, 1);
    assert.ok(server.logLines().some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
    assert.equal(server.stderr, '');
  });

  test('restarted on the same database, it does not seed again', async () => {
    const again = new ServerProcess({ PARQEX_DATABASE_URL: box.url });
    try {
      await again.waitFor(LISTENING);
      assert.doesNotMatch(again.stdout, /Created the testing accounts/);
      assert.doesNotMatch(again.stdout, /parqex-demo-secret/);
      assert.equal((await again.stop('SIGINT')).code, 0);
    } finally {
      again.kill();
    }
  });
});

describe('parqex serve --workers 2', () => {
  let box: Sandbox;
  let server: ServerProcess;
  let baseUrl: string;
  before(async () => {
    box = await sandbox();
    server = new ServerProcess({ PARQEX_DATABASE_URL: box.url }, ['--workers', '2']);
    const [, port] = await server.waitFor(LISTENING);
    baseUrl = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.kill();
    await box.close();
  });

  /** The pids that answered `count` requests, each on a new connection. */
  async function answeringPids(count: number): Promise<Set<number>> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `workers-${Date.now()}-${i}`;
      const response = await fetch(`${baseUrl}/healthz`, {
        headers: { 'x-request-id': id, connection: 'close' },
      });
      assert.equal(response.status, 200);
      ids.push(id);
    }
    await server.waitFor(new RegExp(`"reqId":"${ids.at(-1)}"`));
    return new Set(
      server
        .logLines()
        .filter((l) => ids.includes(l.reqId))
        .map((l) => l.pid as number),
    );
  }

  test('one port, two worker processes answering it; seeded once, announced once', async () => {
    assert.match(server.stdout, /^Workers: 2 processes \(node:cluster\)/m);
    assert.equal(server.stdout.match(/^ParqEx listening on /gm)?.length, 1);
    assert.equal(server.stdout.match(/^Created the testing accounts/gm)?.length, 1);
    const pids = await answeringPids(12);
    assert.equal(pids.size, 2, `two workers answered: ${[...pids].join(', ')}`);
    assert.ok(!pids.has(server.child.pid!), 'the primary serves no request itself');
  });

  test('a worker that dies is replaced, and the port keeps answering', async () => {
    const [victim] = await answeringPids(4);
    process.kill(victim!, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (!/worker \d+ exited \(SIGKILL\); starting another/.test(server.stderr)) {
      assert.ok(Date.now() < deadline, `no replacement announced; stderr:\n${server.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Eventually two live workers again, neither of them the dead one.
    let pids = new Set<number>();
    while (pids.size < 2) {
      assert.ok(Date.now() < deadline, `no second worker again: ${[...pids].join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      pids = await answeringPids(8);
      pids.delete(victim!);
    }
  });

  test('SIGTERM to the primary: every worker shuts down gracefully, exit 0', async () => {
    const { code, signal } = await server.stop('SIGTERM');
    assert.equal(signal, null);
    assert.equal(code, 0);
    const shutdowns = server.logLines().filter((l) => l.msg === 'shutting down');
    assert.equal(shutdowns.length, 2, 'both live workers logged their shutdown');
    await assert.rejects(fetch(`${baseUrl}/healthz`));
  });

  test('--workers must be a number from 1 to 64', async () => {
    for (const bad of ['0', '65', 'two', '-1']) {
      const result = await box.run(['serve', `--workers=${bad}`]);
      assertRefused(result, /--workers must be a whole number from 1 to 64/);
    }
    assertRefused(await box.run(['serve', '--workers']), /--workers/);
  });
});

describe('parqex serve in production', () => {
  test('with an https public URL and a secret key: serves, seeds nothing, prints the issuer', async () => {
    const box = await sandbox();
    const server = new ServerProcess({
      PARQEX_DATABASE_URL: box.url,
      PARQEX_ENV: 'production',
      PARQEX_PUBLIC_URL: 'https://parqex.example',
      PARQEX_SECRET_KEY: 'k'.repeat(64),
    });
    try {
      // Production: stdout is JSON lines only (issue 9 §4.5); the notices are log lines too.
      const [, port] = await server.waitFor(/"msg":"ParqEx listening on http:\/\/127\.0\.0\.1:(\d+)"/);
      await server.waitFor(/"msg":"Public URL \(issuer\): https:\/\/parqex\.example"/);
      assert.doesNotMatch(server.stdout, /testing accounts|parqex-demo-secret/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
      const users = await box.db().selectFrom('users').select('id').execute();
      assert.equal(users.length, 0, 'no demo data in production');
      assert.equal((await server.stop()).code, 0);
    } finally {
      server.kill();
      await box.close();
    }
  });
});

describe('parqex serve stops at start on a malformed setting, with one line naming it', {
  concurrency: true,
}, () => {
  const production = { PARQEX_ENV: 'production', PARQEX_SECRET_KEY: 'k'.repeat(64) };
  const cases: Array<[string, Env, RegExp]> = [
    ['PORT=abc', { PORT: 'abc' }, /PORT must be a whole number, got "abc"/],
    ['PORT=70000', { PORT: '70000' }, /PORT must be between 0 and 65535/],
    [
      'PARQEX_ENV=staging',
      { PARQEX_ENV: 'staging' },
      /PARQEX_ENV must be development or production, got "staging"/,
    ],
    ['an unknown PARQEX_FOO', { PARQEX_FOO: '1' }, /PARQEX_FOO is not a ParqEx setting/],
    ['PARQEX_LOG_LEVEL=loud', { PARQEX_LOG_LEVEL: 'loud' }, /PARQEX_LOG_LEVEL must be one of .*got "loud"/],
    [
      'PARQEX_DATABASE_URL=mysql://…',
      { PARQEX_DATABASE_URL: 'mysql://db/parqex' },
      /PARQEX_DATABASE_URL must be/,
    ],
    ['a short PARQEX_SECRET_KEY', { PARQEX_SECRET_KEY: 'hunter2' }, /PARQEX_SECRET_KEY must be at least 32/],
    ['PARQEX_TOGGLE_COOLDOWN_S=-1', { PARQEX_TOGGLE_COOLDOWN_S: '-1' }, /PARQEX_TOGGLE_COOLDOWN_S must be/],
    [
      'a PARQEX_PUBLIC_URL that is no URL',
      { PARQEX_PUBLIC_URL: 'parqex.example' },
      /PARQEX_PUBLIC_URL must be/,
    ],
    [
      'PARQEX_ENV=production without PARQEX_SECRET_KEY',
      { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example' },
      /PARQEX_SECRET_KEY is required when PARQEX_ENV=production/,
    ],
    [
      'PARQEX_ENV=production with an http public URL',
      { ...production, PARQEX_PUBLIC_URL: 'http://parqex.example' },
      /PARQEX_PUBLIC_URL must be https:\/\/ when PARQEX_ENV=production/,
    ],
    [
      'PARQEX_ENV=production with the default public URL (http://localhost)',
      production,
      /PARQEX_PUBLIC_URL must be https:\/\//,
    ],
  ];
  for (const [what, env, message] of cases) {
    test(what, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'parqex-cli-'));
      try {
        const file = join(dir, 'parqex.db');
        assertRefused(await parqex(['serve'], { PARQEX_DATABASE_URL: `sqlite:${file}`, ...env }), message);
        if (!('PARQEX_DATABASE_URL' in env))
          assert.equal(existsSync(file), false, 'the database was not touched');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('a PORT already in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const box = await sandbox();
    try {
      const port = (taken.address() as { port: number }).port;
      assertRefused(
        await box.run(['serve'], { PORT: String(port) }),
        new RegExp(`PORT ${port} is already in use on 127\\.0\\.0\\.1`),
      );
    } finally {
      taken.close();
      await box.close();
    }
  });
});

describe('parqex serve: SIGTERM while a request is still being worked on', () => {
  test('the database stays open until every handler has finished, even one whose client has gone', async () => {
    const box = await sandbox();
    const server = new ServerProcess({ PARQEX_DATABASE_URL: box.url });
    try {
      const [, port] = await server.waitFor(LISTENING);
      const base = `http://127.0.0.1:${port}`;
      const page = await fetch(`${base}/login`);
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const html = await page.text();
      // The right password: the handler spends tens of milliseconds in scrypt, then writes the
      // session. Its client gives up, and the server is told to stop, while it is in there.
      const aborter = new AbortController();
      const login = fetch(`${base}/login`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          csrf: formField(html, 'csrf'),
          return_to: '/account',
          email: 'john.doe@parqex.com',
          password: 'parqex-john',
        }).toString(),
        signal: aborter.signal,
      }).catch(() => undefined);
      // The attempt is recorded before the password is checked: once it is there, scrypt is running.
      const deadline = Date.now() + 10_000;
      while ((await box.db().selectFrom('login_attempts').select('id').execute()).length === 0) {
        assert.ok(Date.now() < deadline, 'the sign-in never reached the password check');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      aborter.abort();
      const { code } = await server.stop('SIGTERM');
      await login;
      const failures = server.logLines().filter((l) => l.level >= 50);
      assert.deepEqual(failures, [], 'no error while shutting down');
      assert.ok(
        server.logLines().some((l) => l.msg === 'login succeeded'),
        'the sign-in finished before the database closed',
      );
      assert.equal(code, 0);
    } finally {
      server.kill();
      await box.close();
    }
  });
});
