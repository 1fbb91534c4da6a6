import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { createDispatcher } from '../webhooks/start-dispatcher.ts';
import { openContext } from './context.ts';

export const WORKER_HELP = `parqex worker — send webhooks, without the HTTP server

For deployments that separate them: any number of workers (and servers) may share one PostgreSQL
database; each delivery attempt is claimed by one of them (SKIP LOCKED). On SQLite, run the
dispatcher inside the one server instead (the default of parqex serve). Logs are JSON lines.
SIGTERM or SIGINT: finish the attempts under way, close the database, exit 0.`;

export async function workerCommand(argv: string[]): Promise<void> {
  parseArgs({ args: argv, options: {} });
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const { ctx, close } = await openContext(config);
  const dispatcher = createDispatcher(ctx, log);
  dispatcher.start();
  log.info({ event: 'worker.started' }, 'webhook dispatcher running');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await dispatcher.stop();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
