import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { type Env, type Sandbox, sandbox, spawnParqex } from '../cli/parqex-process.ts';
import { Browser, formField } from '../helpers/http.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

/**
 * Several real `parqex serve` processes on one database, as hosts behind a load balancer: nothing
 * shared but the database (PostgreSQL when PARQEX_TEST_DATABASE_URL is set, else one SQLite file).
 */

/** The address of the load balancer in front of the processes: one issuer, one demo redirect URI. */
export const PUBLIC_URL = 'http://parqex.localhost';
export const DEMO = {
  id: `555555555555555555.${new URL(PUBLIC_URL).hostname}`,
  secret: 'parqex-demo-secret',
  redirectUri: `${PUBLIC_URL}/demo/callback`,
};
export const JOHN = { email: 'john.doe@parqex.com', password: 'parqex-john' };
export const DIALECT = TEST_DIALECT;

const LISTENING = /^ParqEx listening on (http:\/\/\S+)$/m;
/** Generous: a loaded 2-core machine migrates and starts a server in well under this. */
const START_MS = 60_000;
const STOP_MS = 30_000;

/** `parqex serve` as a child process, its output collected as it comes. */
export class ServeProcess {
  readonly child: ChildProcess;
  readonly name: string;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(name: string, args: string[], env: Env) {
    this.name = name;
    this.child = spawnParqex(['serve', ...args], env);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The URL of the `ParqEx listening on <url>` line, waiting for it while the process lives. */
  async listening(): Promise<string> {
    await waitUntil(`${this.name} to listen`, () => LISTENING.test(this.stdout) || !this.isRunning, START_MS);
    const match = LISTENING.exec(this.stdout);
    if (!match) throw new Error(`${this.name} exited before listening:\n${this.output()}`);
    return match[1]!;
  }

  /** SIGTERM, then SIGKILL if no exit comes (generously) — never a server left behind. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.isRunning) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The pino lines at level error or worse (a 500, a failed background task). */
  errors(): any[] {
    // Complete lines only: the last one may still be arriving.
    return this.stdout
      .split('\n')
      .slice(0, -1)
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((line) => line.level >= 50);
  }

  output(): string {
    return `--- ${this.name} stdout:\n${this.stdout.slice(-4000)}\n--- ${this.name} stderr:\n${this.stderr.slice(-4000)}`;
  }
}

export interface Cluster {
  readonly box: Sandbox;
  readonly servers: ServeProcess[];
  /** The URL each server listens on, in start order: A, B, C… */
  readonly urls: string[];
  /** The server `i` modulo their number: spreads requests over the processes. */
  url(i: number): string;
  /** What the processes wrote (for failure messages). */
  output(): string;
  /** Every process's error log lines: a test over real processes asserts there are none. */
  errors(): any[];
  /** Stops every process (SIGTERM, then SIGKILL), then drops the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * `count` `parqex serve` processes with PORT=0 on one fresh database. The first one migrates and
 * seeds the empty development database (testing accounts, demo application); the rest start once
 * it listens — or, with `together`, all at once, racing for the migrations and the seed. `env` adds
 * settings to every process; `args` are passed to `serve` (e.g. --workers).
 */
export async function startCluster(
  count: number,
  env: Env = {},
  options: { args?: string[]; together?: boolean } = {},
): Promise<Cluster> {
  const box = await sandbox();
  const servers: ServeProcess[] = [];
  const urls: string[] = [];
  const processEnv: Env = {
    PORT: '0',
    PARQEX_DATABASE_URL: box.url,
    PARQEX_PUBLIC_URL: PUBLIC_URL,
    PARQEX_LOG_LEVEL: 'warn',
    ...env,
  };
  let closed = false;
  const cluster: Cluster = {
    box,
    servers,
    urls,
    url: (i) => urls[i % urls.length]!,
    output: () => servers.map((s) => s.output()).join('\n'),
    errors: () => servers.flatMap((s) => s.errors()),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(servers.map((s) => s.stop()));
      await box.close();
    },
  };
  try {
    const names = 'ABCDEFGH';
    const start = (i: number) => {
      const server = new ServeProcess(names[i] ?? `#${i}`, options.args ?? [], processEnv);
      servers.push(server);
      return server;
    };
    const first = options.together ? undefined : await start(0).listening();
    if (first) urls.push(first);
    const rest = Array.from({ length: first ? count - 1 : count }, (_, i) => start(first ? i + 1 : i));
    urls.push(...(await Promise.all(rest.map((s) => s.listening()))));
    return cluster;
  } catch (error) {
    await cluster.close();
    throw error;
  }
}

/** Polls `condition` every `everyMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Waits until the wall clock reaches `at` (epoch ms): for windows the server measures in real time. */
export async function sleepUntil(at: number): Promise<void> {
  const left = at - Date.now();
  if (left > 0) await sleep(left);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The documented authorization URL of the demo application (Step 1), a path. */
export function authorizationPath(scope = 'opendoor,closedoor', state = 'scale-test'): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: DEMO.id,
    redirect_uri: DEMO.redirectUri,
    scope,
    state,
  });
  return `/oauth/v2/endpoints/authorization/?${query}`;
}

/** The login form at `host`, as a browser posts it (GET the page for its CSRF token, then POST). */
export async function postLogin(
  browser: Browser,
  host: string,
  user: { email: string; password: string },
  returnTo = '/account',
): Promise<Response & { text_: string }> {
  const page = await browser.get(`${host}/login?return_to=${encodeURIComponent(returnTo)}`);
  assert.equal(page.status, 200, page.text_.slice(0, 500));
  return browser.post(`${host}/login`, {
    csrf: formField(page.text_, 'csrf'),
    return_to: formField(page.text_, 'return_to'),
    email: user.email,
    password: user.password,
  });
}

/**
 * A person authorizing the demo application: sign in on `hosts.login`, the authorization page on
 * `hosts.page`, ALLOW posted to `hosts.consent` — one cookie jar, any process. Returns the code.
 */
export async function authorizeDemo(
  hosts: { login: string; page: string; consent: string },
  user = JOHN,
  browser = new Browser(hosts.login),
): Promise<string> {
  const signedIn = await postLogin(browser, hosts.login, user, authorizationPath());
  assert.equal(signedIn.status, 303, signedIn.text_.slice(0, 500));
  const page = await browser.get(`${hosts.page}${signedIn.headers.get('location')}`);
  let location: string;
  if (page.status === 302) {
    location = page.headers.get('location')!; // consented before: straight back
  } else {
    assert.equal(page.status, 200, page.text_.slice(0, 500));
    const decision = await browser.post(`${hosts.consent}/oauth/v2/endpoints/authorization/decision`, {
      csrf: formField(page.text_, 'csrf'),
      request_id: formField(page.text_, 'request_id'),
      decision: 'allow',
    });
    assert.equal(decision.status, 303, decision.text_.slice(0, 500));
    location = decision.headers.get('location')!;
  }
  assert.ok(location.startsWith(`${DEMO.redirectUri}?`), location);
  const code = new URL(location).searchParams.get('code');
  assert.ok(code, location);
  return code;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: response.status, headers: response.headers, body };
}

/** A token request as the documented form (a POST with the demo client's credentials in the body). */
export async function tokenRequest(host: string, params: Record<string, string>): Promise<Answer> {
  const body = new URLSearchParams({ client_id: DEMO.id, client_secret: DEMO.secret, ...params });
  return answer(
    await fetch(`${host}/oauth/v2/endpoints/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }),
  );
}

export function exchangeCode(host: string, code: string): Promise<Answer> {
  return tokenRequest(host, { grant_type: 'authorization_code', code, redirect_uri: DEMO.redirectUri });
}

export function refresh(host: string, refreshToken: string): Promise<Answer> {
  return tokenRequest(host, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export async function revoke(host: string, token: string): Promise<Answer> {
  return answer(
    await fetch(`${host}/oauth/v2/endpoints/revoke/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: DEMO.id, client_secret: DEMO.secret, token }),
    }),
  );
}

/** A documented resource call with a bearer token; `body` makes it a JSON POST. */
export async function api(host: string, path: string, accessToken: string, body?: unknown): Promise<Answer> {
  return answer(
    await fetch(`${host}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${accessToken}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** John signs in on one process and authorizes the demo app; the code is redeemed on another. */
export async function tokensFor(cluster: Cluster, user = JOHN) {
  const code = await authorizeDemo(
    { login: cluster.url(0), page: cluster.url(1), consent: cluster.url(0) },
    user,
  );
  const tokens = await exchangeCode(cluster.url(1), code);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return tokens.body as { access_token: string; refresh_token: string; scope: string };
}

/** Counts of each status, e.g. `{ 200: 1, 429: 49 }`, for readable assertions. */
export function statusCounts(answers: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
