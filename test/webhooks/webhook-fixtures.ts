import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/lib/clock.ts';
import type { Db } from '../../src/storage/schema.ts';
import { type DispatcherDeps, WebhookDispatcher } from '../../src/webhooks/dispatcher.ts';
import { newDeliveryId, nextSeq } from '../../src/webhooks/outbox.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** One request a receiver got: what a real webhook consumer would see. */
export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

export type Answer = number | { status: number; headers?: Record<string, string> };

export interface Receiver {
  readonly port: number;
  readonly received: Received[];
  url(path?: string): string;
  /** Resolves once `count` requests arrived (bounded: rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP(S) webhook receiver on 127.0.0.1. `answer` picks the response per request (default
 * 200); `port` reuses a port (a receiver coming back after being down).
 */
export async function startReceiver(
  options: {
    answer?: (request: Received) => Answer | Promise<Answer>;
    tls?: { key: string; cert: string };
    port?: number;
    host?: string;
  } = {},
): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const entry: Received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        json,
      };
      received.push(entry);
      const answer = (await options.answer?.(entry)) ?? 200;
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      response.writeHead(status, headers).end();
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https://localhost' : 'http://127.0.0.1';
  return {
    port,
    received,
    url: (path = '/hooks') => `${scheme}:${port}${path}`,
    waitFor(count, timeoutMs = 60_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the receiver got ${received.length} of ${count} requests`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (for now): a receiver that is down refuses the connection. */
export async function freePort(): Promise<number> {
  const probe = await startReceiver();
  await probe.close();
  return probe.port;
}

/** A self-signed certificate for `localhost` (and 127.0.0.1), made with openssl for this run. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The dispatcher the brief describes, over the app's database and clock. */
export function dispatcherFor(app: TestApp, extra: Partial<DispatcherDeps> = {}): WebhookDispatcher {
  return new WebhookDispatcher({
    db: app.ctx.db,
    dialect: app.ctx.dialect,
    box: app.ctx.webhookBox,
    clock: app.ctx.clock,
    serverEnv: 'development',
    log: app.app.log,
    random: () => 0.5,
    ...extra,
  });
}

/** Runs the dispatcher until nothing is due (bounded). Returns how many attempts were made. */
export async function drain(dispatcher: WebhookDispatcher, maxRounds = 100): Promise<number> {
  let total = 0;
  for (let round = 0; round < maxRounds; round++) {
    const attempted = await dispatcher.runOnce();
    if (attempted === 0) return total;
    total += attempted;
  }
  throw new Error(`the dispatcher still had work after ${maxRounds} rounds`);
}

/** A development application subscribed to `families` at `url`, with its one-time credentials. */
export async function subscribedClient(
  app: TestApp,
  url: string,
  options: { families?: string[]; name?: string; environment?: 'development' | 'production' } = {},
) {
  const client = await app.registerClient({
    environment: options.environment ?? 'development',
    redirectUris: [
      options.environment === 'production' ? 'https://app.example.com/cb' : 'http://127.0.0.1/cb',
    ],
    ...(options.name ? { name: options.name } : {}),
  });
  const created = await app.ctx.webhooks.create(
    { clientId: client.id, url, families: options.families },
    app.ctx.clock.now(),
  );
  app.remember(created.apiKey, created.signingSecret);
  return { client, ...created };
}

/** A pending delivery written straight into the outbox (as `enqueueForDoor` would). */
export async function insertDelivery(
  db: Db,
  endpointId: string,
  eventAt: number,
  payload: object = {},
): Promise<string> {
  const id = newDeliveryId();
  await db
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      user_id: null,
      event_type: 'door1_open',
      payload: JSON.stringify({ id, eventType: 'door1_open', ...payload }),
      event_at: eventAt,
      seq: nextSeq(),
      status: 'pending',
      next_attempt_at: eventAt,
      locked_until: null,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: eventAt,
    })
    .execute();
  return id;
}

export function deliveriesOf(db: Db, endpointId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_at')
    .orderBy('id')
    .execute();
}

export function attemptsOf(db: Db, deliveryId: string) {
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempted_at')
    .execute();
}

export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
