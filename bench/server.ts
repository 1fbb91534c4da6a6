/**
 * The servers under load, each in its own process: ParqEx started exactly as an operator starts it
 * (`node src/cli/main.ts serve`), and the bare `node:http` server that marks the physical limit.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../src/cli/server-node-flags.ts';
import { type ListeningChild, startListening, stopChild } from './child-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunningServer {
  url: string;
  pid: number;
  /** Where its stdout (the announcement and the request logs) went. */
  logFile: string;
  /** What it wrote on stderr. */
  stderr: () => string;
  /** A cheap path: answered once the server has worked off what was sent before. */
  settlePath: string;
  /** SIGTERM (a graceful stop, which also writes CPU profiles), SIGKILL if it hangs. */
  stop(): Promise<void>;
}

export interface ParqexOptions {
  databaseUrl: string;
  runDir: string;
  /** `parqex serve --workers N`; absent: the command's default. */
  workers: number | undefined;
  /** Start Node with `--cpu-prof` writing here. */
  profileDir: string | undefined;
}

/**
 * The environment of the server: this one without any PARQEX_* setting or PORT/HOST (the server
 * refuses unknown PARQEX_* names, and the caller's own settings must not leak in), plus the bench's.
 */
export function serverEnvironment(databaseUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('PARQEX_') || name === 'PORT' || name === 'HOST') continue;
    env[name] = value;
  }
  return {
    ...env,
    PORT: '0',
    HOST: '127.0.0.1',
    PARQEX_DATABASE_URL: databaseUrl,
    PARQEX_ENV: 'development',
    PARQEX_TOGGLE_COOLDOWN_S: '0',
    PARQEX_SIMULATOR_TRAVEL_MS: '0',
    // Logs are part of what a request costs.
    PARQEX_LOG_LEVEL: 'info',
  };
}

export async function startParqex(options: ParqexOptions): Promise<RunningServer> {
  // The flags `npm start` runs the server with (src/cli/server-node-flags.ts).
  const nodeFlags = [
    ...SERVER_NODE_FLAGS,
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
  ];
  const serveArgs = options.workers === undefined ? [] : ['--workers', String(options.workers)];
  const started = await startListening({
    args: [...nodeFlags, join(ROOT, 'src/cli/main.ts'), 'serve', ...serveArgs],
    env: serverEnvironment(options.databaseUrl),
    stdoutFile: join(options.runDir, 'server.log'),
    listening: /^ParqEx listening on (\S+)$/m,
    // Migrations and start-up on a database of millions of rows.
    timeoutMs: 120_000,
  });
  return running(started, '/healthz');
}

export async function startBare(runDir: string): Promise<RunningServer> {
  const started = await startListening({
    args: [join(ROOT, 'bench/bare-server.ts')],
    env: process.env,
    stdoutFile: join(runDir, 'bare.log'),
    listening: /^listening on (\S+)$/m,
    timeoutMs: 30_000,
  });
  return running(started, '/');
}

function running(started: ListeningChild, settlePath: string): RunningServer {
  return {
    settlePath,
    url: started.url,
    pid: started.child.pid!,
    logFile: started.stdoutFile,
    stderr: started.stderr,
    stop: () => stopChild(started.child),
  };
}
