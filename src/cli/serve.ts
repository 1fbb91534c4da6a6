import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp, handlersDrained } from '../app.ts';
import type { AppContext } from '../app-context.ts';
import { startBackgroundWork } from '../background.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { demoClientId, demoRedirectUri, seedIfEmpty } from '../demo/seed.ts';
import { joinClusterMetrics, serveClusterMetrics } from '../observability/cluster-metrics.ts';
import { createDispatcher } from '../webhooks/start-dispatcher.ts';
import { openContext } from './context.ts';
import { UsageError } from './output.ts';
import { withServerNodeFlags } from './server-node-flags.ts';
import { type StartUpNotices, startUpNotices } from './start-up-notices.ts';
import { watchParent } from './watch-parent.ts';

export const SERVE_HELP = `parqex serve — migrate the database and serve ParqEx over HTTP

Usage: parqex serve [--workers N]

  --workers N   serve from N processes sharing one port (node:cluster: a primary process
                migrates, seeds and supervises N worker processes, restarting any that dies;
                the workers share every state through the database). Default 1: one process.
                Any number of hosts, each with its own workers, may serve one PostgreSQL
                database side by side; no sticky sessions are needed.

Metrics: /metrics (Prometheus), protected by PARQEX_METRICS_TOKEN or served on PARQEX_METRICS_PORT
(with --workers: summed over every worker). See the README, Metrics.

Reads PORT, HOST, PARQEX_ENV, PARQEX_PUBLIC_URL, PARQEX_DATABASE_URL and the other settings of the README.
On an empty development database it creates the testing accounts and the demo application.
Prints "ParqEx listening on <url>" once listening (with --workers: once every worker listens).
Output: in development, plain lines for people (the line above, the demo) beside the JSON log
lines, and warnings on stderr. With PARQEX_ENV=production stdout carries JSON lines only: the
notices are log lines ({"msg":"ParqEx listening on <url>","url":"<url>",…}), warnings too.
A PARQEX_… variable that is no setting is a warning naming the closest one; the server starts.
SIGTERM or SIGINT: stop accepting, finish in-flight requests, close the database, exit 0.
Started by npm (npm start execs node, so npm's SIGTERM reaches the server): when npm goes away
without passing a signal on (SIGKILL), the server notices and stops the same way.`;

const MAX_WORKERS = 64;
const DRAIN_TIMEOUT_MS = 10_000;

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { workers: { type: 'string' } } });
  const workers = values.workers === undefined ? 1 : parseWorkers(values.workers);
  if (workers === 1) return serve();
  if (cluster.isPrimary) return supervise(workers);
  return serveAsWorker();
}

function parseWorkers(text: string): number {
  const n = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, got "${text}"`);
  return n;
}

/** One process: migrate, seed, listen, background work and the webhook dispatcher. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const notices = startUpNotices(config);
  const server = await startServer(config);
  const { ctx, port } = server;
  await seedAndWarn(ctx, ctx.publicUrl, notices);
  server.startBackground();
  const stop = onSignals((signal) => server.stop(signal).then(() => process.exit(0)));
  watchParent(() => stop('parent exited'));
  announce(config, port, ctx.publicUrl, notices);
}

interface RunningServer {
  ctx: AppContext;
  app: FastifyInstance;
  port: number;
  /** Sensor reports, heartbeat, pruning and (where configured) the webhook dispatcher. */
  startBackground: () => void;
  stop: (signal: string) => Promise<void>;
}

async function startServer(config: Config): Promise<RunningServer> {
  const { ctx, close } = await openContext(config);
  const app = await buildApp(ctx);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await close();
    throw listenError(error, config);
  }
  const { port } = app.server.address() as AddressInfo;
  if (config.publicUrlIsDefault) ctx.publicUrl = `http://localhost:${port}`;

  let stopBackground: (() => void) | undefined;
  let dispatcher: ReturnType<typeof createDispatcher> | undefined;
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    app,
    port,
    startBackground: () => {
      if (stopBackground || stopping) return;
      stopBackground = startBackgroundWork(ctx, app.log);
      // On SQLite the one dispatcher runs in the server; elsewhere it may run in `parqex worker`s too.
      dispatcher = config.webhookDispatcherInServe ? createDispatcher(ctx, app.log) : undefined;
      dispatcher?.start();
    },
    stop: (signal) => {
      stopping ??= (async () => {
        app.log.info({ signal }, 'shutting down');
        stopBackground?.();
        await dispatcher?.stop();
        await app.close();
        // A handler whose client has gone is not waited for by close(): wait for it here.
        if (!(await handlersDrained(app, DRAIN_TIMEOUT_MS)))
          app.log.warn('requests still working after 10 s: closing the database anyway');
        await close();
      })();
      return stopping;
    },
  };
}

// --- node:cluster -------------------------------------------------------------------------------

/** Messages between the primary and its workers. */
type ToWorker = { parqex: 'lead' };
type ToPrimary = { parqex: 'listening'; port: number } | { parqex: 'failed'; message: string };

const RESTART_DELAY_MS = 1_000;

/**
 * The primary of `serve --workers N`: migrates and seeds once, forks the workers, names one of them
 * the leader (the one that runs the background work and the dispatcher, so N workers do not poll N
 * times), restarts a worker that dies (a new leader is named when the leader dies), and on SIGTERM
 * stops every worker gracefully before exiting 0. The primary serves no request itself.
 */
async function supervise(count: number): Promise<void> {
  const config = loadConfig();
  const notices = startUpNotices(config);
  // Migrate (and generate the development secret key) once, before any worker opens the database;
  // kept open to seed once every worker listens (the demo client needs the real port).
  const prepared = await openContext(config);
  cluster.setupPrimary({ execArgv: withServerNodeFlags(process.execArgv) });
  // Metrics summed over the workers: on PARQEX_METRICS_PORT here, or asked for by a worker's /metrics.
  const clusterMetrics = await serveClusterMetrics({ config, warn: notices.warn });

  let stopping = false;
  let announced = false;
  let port: number | undefined;
  let leader: Worker | undefined;
  const listening = new Set<number>();

  const nameLeader = () => {
    if (stopping || leader) return;
    const next = Object.values(cluster.workers ?? {}).find((w) => w && listening.has(w.id));
    if (!next) return;
    leader = next;
    next.send({ parqex: 'lead' } satisfies ToWorker);
  };

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: ToPrimary) => {
      if (message?.parqex === 'failed' && !announced) {
        // A worker that cannot start before any has (port taken, database unreachable): say why once.
        if (stopping) return;
        stopping = true;
        process.stderr.write(`parqex: ${message.message}\n`);
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        process.exitCode = 1;
        return;
      }
      if (message?.parqex !== 'listening') return;
      listening.add(worker.id);
      port = message.port;
      nameLeader();
      if (!announced && listening.size === count) {
        announced = true;
        void afterAllListening(prepared, port, count, notices)
          .catch((error: unknown) => {
            process.stderr.write(`parqex: ${(error as Error).message}\n`);
          })
          .finally(() => prepared.close());
      }
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (leader === worker) leader = undefined;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0)
        void clusterMetrics.close().finally(() => process.exit(process.exitCode ?? 0));
      return;
    }
    notices.warn(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(fork, RESTART_DELAY_MS).unref();
    nameLeader();
  });

  const stop = onSignals(() => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill('SIGTERM');
  });
  watchParent(() => stop('parent exited'));

  for (let i = 0; i < count; i++) fork();
}

/** Seeds an empty development database (its demo client needs the real port) and announces. */
async function afterAllListening(
  { ctx }: { ctx: AppContext },
  port: number,
  count: number,
  notices: StartUpNotices,
): Promise<void> {
  const { config } = ctx;
  const publicUrl = config.publicUrlIsDefault ? `http://localhost:${port}` : config.publicUrl;
  ctx.publicUrl = publicUrl;
  await seedAndWarn(ctx, publicUrl, notices);
  notices.info(`Workers: ${count} processes (node:cluster), pid of the primary ${process.pid}`, {
    workers: count,
  });
  announce(config, port, publicUrl, notices);
}

/** A worker of `serve --workers N`: serves HTTP; runs the background work only when named leader. */
async function serveAsWorker(): Promise<void> {
  const config = loadConfig();
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `worker failed to start: ${String(error)}`;
    process.send?.({ parqex: 'failed', message } satisfies ToPrimary);
    process.exit(1);
  }
  joinClusterMetrics(server.ctx.metrics);
  process.on('message', (message: ToWorker) => {
    if (message?.parqex === 'lead') server.startBackground();
  });
  onSignals((signal) => server.stop(signal).then(() => process.exit(0)));
  // Ctrl-C in a terminal reaches every process of the group: the primary sends SIGTERM anyway.
  process.send?.({ parqex: 'listening', port: server.port } satisfies ToPrimary);
}

// --- shared -------------------------------------------------------------------------------------

/** Stops once on SIGTERM or SIGINT; returns the same once-only stop for other reasons to stop. */
function onSignals(stop: (reason: string) => void): (reason: string) => void {
  let stopping = false;
  const once = (reason: string) => {
    if (stopping) return;
    stopping = true;
    stop(reason);
  };
  process.on('SIGTERM', () => once('SIGTERM'));
  process.on('SIGINT', () => once('SIGINT'));
  return once;
}

function announce(config: Config, port: number, publicUrl: string, notices: StartUpNotices): void {
  const bound = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${bound}:${port}`;
  notices.info(`ParqEx listening on ${url}`, { url });
  if (publicUrl !== url) notices.info(`Public URL (issuer): ${publicUrl}`, { publicUrl });
}

/**
 * Once per start, whether one process or a primary and its workers: an empty development database
 * gets the testing accounts (and says how to try them); production without SMTP says mail stays put.
 */
async function seedAndWarn(ctx: AppContext, publicUrl: string, notices: StartUpNotices): Promise<void> {
  const { config } = ctx;
  // Development only (production refuses demo data): plain lines for a person trying ParqEx.
  if (config.env === 'development' && (await seedIfEmpty(ctx.db, ctx.clients, publicUrl, ctx.clock.now()))) {
    printDemo(publicUrl);
  }
  if (config.env === 'production' && !config.smtpUrl) {
    notices.warn('PARQEX_SMTP_URL is not set: invitation mail is kept in the database, not delivered');
  }
}

function printDemo(publicUrl: string): void {
  const clientId = demoClientId(publicUrl);
  const url = new URL(`${publicUrl}/oauth/v2/endpoints/authorization/`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: demoRedirectUri(publicUrl),
    scope: 'opendoor,closedoor',
    state: 'try-me',
  }).toString();
  process.stdout.write(
    [
      'Created the testing accounts (see README) and the demo application:',
      `  client_id:     ${clientId}`,
      '  client_secret: parqex-demo-secret',
      `  redirect_uri:  ${demoRedirectUri(publicUrl)}`,
      'Try the OAuth flow: open this URL and sign in as john.doe@parqex.com / parqex-john',
      `  ${url.href}`,
      '',
    ].join('\n'),
  );
}

/** A port or interface that cannot be bound, as one line naming the setting. */
function listenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new ConfigError(`PORT ${config.port} is already in use on ${config.host}`);
  if (code === 'EACCES')
    return new ConfigError(`PORT ${config.port}: permission denied (ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConfigError(`HOST ${config.host} is not an address of this machine`);
  return error;
}
