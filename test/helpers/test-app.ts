import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type AppContext, createContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO_CLIENT, demoClientId, demoRedirectUri, seedDemo } from '../../src/demo/seed.ts';
import { type Clock, systemClock } from '../../src/lib/clock.ts';
import type { NewClient } from '../../src/oauth/client-registry.ts';
import { Browser, formField } from './http.ts';
import { freshDatabase, sharedDatabase, type TestDatabase } from './test-database.ts';

export const JOHN = { email: 'john.doe@parqex.com', password: 'parqex-john' };
export const TEST_OWNER = { email: 'test@parqex.com', password: 'parqex-test' };
export const PRODUCTION_OWNER = { email: 'production@parqex.com', password: 'parqex-production' };

export interface RegisteredClient {
  id: string;
  secret: string | null;
  redirectUri: string;
}

export interface TokenCall {
  status: number;
  headers: Headers;
  body: any;
}

export interface AuthorizeOptions {
  client?: RegisteredClient;
  user?: { email: string; password: string };
  scope?: string;
  /** Raw query text of `state`, sent as is. */
  rawState?: string;
  codeChallenge?: string;
  redirectUri?: string;
  browser?: Browser;
  decision?: 'allow' | 'deny';
}

/** A running ParqEx on a fresh database (SQLite, or PostgreSQL when configured), seeded like `npm start`. */
export class TestApp {
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  readonly baseUrl: string;
  readonly logs: string[];
  readonly database: TestDatabase;
  readonly demoClient: RegisteredClient;
  /**
   * Every credential that passed through this harness (passwords, client secrets, codes, tokens).
   * `close()` fails the test if any of them reached the server's log: every test is a leak test.
   */
  readonly secrets = new Set<string>();

  constructor(init: {
    ctx: AppContext;
    app: FastifyInstance;
    baseUrl: string;
    logs: string[];
    database: TestDatabase;
  }) {
    this.ctx = init.ctx;
    this.app = init.app;
    this.baseUrl = init.baseUrl;
    this.logs = init.logs;
    this.database = init.database;
    this.demoClient = {
      id: demoClientId(init.baseUrl),
      secret: DEMO_CLIENT.secret,
      redirectUri: demoRedirectUri(init.baseUrl),
    };
    this.remember(DEMO_CLIENT.secret, JOHN.password, TEST_OWNER.password, PRODUCTION_OWNER.password);
  }

  /** Notes values that must never appear in a log line (short ones are ignored: they match by chance). */
  remember(...values: (string | null | undefined)[]): void {
    for (const value of values) if (value && value.length >= 8) this.secrets.add(value);
  }

  browser(): Browser {
    return new Browser(this.baseUrl);
  }

  async registerClient(
    input: Partial<NewClient> & { redirectUris?: string[] } = {},
  ): Promise<RegisteredClient> {
    const redirectUris = input.redirectUris ?? ['https://app.example.com/oauth/callback'];
    const { client, clientSecret } = await this.ctx.clients.create(
      {
        name: 'Example App',
        environment: 'production',
        website: 'https://app.example.com',
        ...input,
        redirectUris,
      },
      this.ctx.clock.now(),
    );
    this.remember(clientSecret);
    return { id: client.id, secret: clientSecret, redirectUri: redirectUris[0]! };
  }

  /** The documented authorization URL (Step 1), with comma-separated scopes as the docs print them. */
  authorizationUrl(options: AuthorizeOptions = {}): string {
    const client = options.client ?? this.demoClient;
    const parts = [
      'response_type=code',
      `client_id=${encodeURIComponent(client.id)}`,
      `redirect_uri=${encodeURIComponent(options.redirectUri ?? client.redirectUri)}`,
      `scope=${options.scope ?? 'opendoor,closedoor'}`,
    ];
    if (options.rawState !== undefined) parts.push(`state=${options.rawState}`);
    if (options.codeChallenge)
      parts.push(`code_challenge=${options.codeChallenge}`, 'code_challenge_method=S256');
    return `/oauth/v2/endpoints/authorization/?${parts.join('&')}`;
  }

  /** Signs a browser in through the login page. */
  async signIn(browser: Browser, user = JOHN, returnTo = '/account'): Promise<Response & { text_: string }> {
    this.remember(user.password);
    const page = await browser.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    return browser.post('/login', {
      csrf: formField(page.text_, 'csrf'),
      return_to: formField(page.text_, 'return_to'),
      email: user.email,
      password: user.password,
    });
  }

  /**
   * A person completing Steps 1–2 in a browser: authorization URL → login page → consent → the
   * redirect back. Returns the redirect's Location and its parsed parameters.
   */
  async authorize(
    options: AuthorizeOptions = {},
  ): Promise<{ location: string; params: URLSearchParams; code: string }> {
    const location = await this.completeInBrowser(this.authorizationUrl(options), options);
    const params = new URL(location).searchParams;
    this.remember(params.get('code'));
    return { location, params, code: params.get('code') ?? '' };
  }

  /**
   * The browser part for any authorization URL (a path or an absolute URL, e.g. one a client library
   * built): signs in when the login page shows, answers the consent page, and returns the Location
   * of the redirect back to the application.
   */
  async completeInBrowser(
    url: string,
    options: Pick<AuthorizeOptions, 'browser' | 'user' | 'decision'> = {},
  ): Promise<string> {
    const browser = options.browser ?? this.browser();
    const user = options.user ?? JOHN;
    this.remember(user.password);
    let page = await browser.get(url);
    if (page.status === 200 && page.text_.includes('action="/login"')) {
      const login = await browser.post('/login', {
        csrf: formField(page.text_, 'csrf'),
        return_to: formField(page.text_, 'return_to'),
        email: user.email,
        password: user.password,
      });
      if (login.status !== 303) throw new Error(`login failed: ${login.status} ${login.text_.slice(0, 500)}`);
      page = await browser.get(login.headers.get('location')!);
    }
    if (page.status === 302) return page.headers.get('location')!;
    if (page.status !== 200)
      throw new Error(`authorization page: ${page.status} ${page.text_.slice(0, 500)}`);
    const decision = await browser.post('/oauth/v2/endpoints/authorization/decision', {
      csrf: formField(page.text_, 'csrf'),
      request_id: formField(page.text_, 'request_id'),
      decision: options.decision ?? 'allow',
    });
    if (decision.status !== 303)
      throw new Error(`decision: ${decision.status} ${decision.text_.slice(0, 500)}`);
    return decision.headers.get('location')!;
  }

  /** A token request. GET puts everything in the query (the documented form); POST sends a form body. */
  async token(
    params: Record<string, string> | [string, string][],
    options: { method?: 'GET' | 'POST'; basic?: { id: string; secret: string }; path?: string } = {},
  ): Promise<TokenCall> {
    const query = new URLSearchParams(params).toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (options.basic) {
      const encode = (v: string) => encodeURIComponent(v);
      headers.authorization = `Basic ${Buffer.from(`${encode(options.basic.id)}:${encode(options.basic.secret)}`).toString('base64')}`;
    }
    const path = options.path ?? '/oauth/v2/endpoints/token/';
    const method = options.method ?? 'GET';
    this.remember(options.basic?.secret);
    for (const [name, value] of new URLSearchParams(params)) {
      if (['client_secret', 'code', 'refresh_token', 'token', 'code_verifier'].includes(name))
        this.remember(value);
    }
    const response =
      method === 'GET'
        ? await fetch(`${this.baseUrl}${path}?${query}`, { headers })
        : await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: query });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    this.remember(body?.access_token, body?.refresh_token);
    return { status: response.status, headers: response.headers, body };
  }

  /** The documented Step 3 request for a code, as a GET with the client's secret in the query. */
  exchangeCode(
    code: string,
    client = this.demoClient,
    extra: Record<string, string> = {},
  ): Promise<TokenCall> {
    return this.token({
      client_id: client.id,
      client_secret: client.secret ?? '',
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      ...extra,
    });
  }

  /** The documented Step 5 refresh, duplicated grant_type and all. */
  refresh(refreshToken: string, client = this.demoClient): Promise<TokenCall> {
    return this.token([
      ['client_id', client.id],
      ['client_secret', client.secret ?? ''],
      ['grant_type', ' authorization_code'],
      ['refresh_token', refreshToken],
      ['grant_type', 'refresh_token'],
    ]);
  }

  /**
   * A resource call with the documented headers. `body`: an object is sent as JSON, a string as is
   * (to send malformed JSON).
   */
  async api(
    path: string,
    accessToken?: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'accept-charset': 'utf-8',
      ...init.headers,
    };
    if (accessToken !== undefined) headers.authorization = `Bearer ${accessToken}`;
    this.remember(accessToken);
    const body =
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body);
    const method = init.method ?? (body === undefined ? 'GET' : 'POST');
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    } as { status: number; headers: Headers; body: any };
  }

  /** Logs in as `user`, authorizes the demo app, exchanges the code: a ready token pair. */
  async tokensFor(
    options: AuthorizeOptions = {},
  ): Promise<{ access_token: string; refresh_token: string; scope: string }> {
    const { code } = await this.authorize(options);
    const result = await this.exchangeCode(code, options.client ?? this.demoClient);
    if (result.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(result.body)}`);
    return result.body;
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.ctx.redis?.close();
    await this.database.close();
    const log = this.logs.join('');
    const leaked = [...this.secrets].filter((secret) => log.includes(secret));
    if (leaked.length > 0) {
      throw new Error(`${leaked.length} secret(s) reached the server log, e.g. ${leaked[0]!.slice(0, 4)}…`);
    }
  }
}

/**
 * Starts ParqEx as `npm start` would, on port 0 with a fresh database and the development seed.
 * `env` overrides settings (as the environment would); `clock` replaces the system clock.
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Run as a second server process over this app's database (no seeding). */
    shareDatabaseWith?: TestApp;
    /** SQLite only: keep the database in this file (so that another app can share it). */
    sqliteFile?: string;
  } = {},
): Promise<TestApp> {
  const config = loadConfig({
    PORT: '0',
    PARQEX_SECRET_KEY: 'test-secret-key-test-secret-key-0123456789',
    PARQEX_LOG_LEVEL: 'info',
    ...options.env,
  });
  const database = options.shareDatabaseWith
    ? sharedDatabase(options.shareDatabaseWith.database)
    : await freshDatabase({ sqliteFile: options.sqliteFile });
  const logs: string[] = [];
  const ctx = createContext({
    config,
    db: database.db,
    dialect: database.dialect,
    clock: options.clock ?? systemClock,
    secretKey: config.secretKey!,
  });
  const app = await buildApp(ctx, { logStream: { write: (line: string) => void logs.push(line) } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  if (config.publicUrlIsDefault) ctx.publicUrl = baseUrl;
  if (!options.shareDatabaseWith) await seedDemo(ctx.db, ctx.clients, ctx.publicUrl, ctx.clock.now());
  return new TestApp({ ctx, app, baseUrl: ctx.publicUrl, logs, database });
}
