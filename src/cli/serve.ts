import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { demoClientId, demoRedirectUri, isDatabaseEmpty, seedDemo } from '../accounts/seed.ts';
import { buildApp } from '../app.ts';
import { startBackgroundWork } from '../background.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { createDispatcher } from '../webhooks/start-dispatcher.ts';
import { openContext } from './context.ts';

export const SERVE_HELP = `parqex serve — migrate the database and serve ParqEx over HTTP

Reads PORT, HOST, PARQEX_ENV, PARQEX_PUBLIC_URL, PARQEX_DATABASE_URL and the other settings of the README.
On an empty development database it creates the testing accounts and the demo application.
Prints "ParqEx listening on <url>" once listening. SIGTERM or SIGINT: stop accepting, finish
in-flight requests, close the database, exit 0.`;

export async function serveCommand(argv: string[]): Promise<void> {
  // serve takes no arguments: everything comes from the environment.
  parseArgs({ args: argv, options: {} });
  await serve();
}

export async function serve(): Promise<void> {
  const config = loadConfig();
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

  if (config.env === 'development' && (await isDatabaseEmpty(ctx.db))) {
    await seedDemo(ctx.db, ctx.clients, ctx.publicUrl, ctx.clock.now());
    printDemo(ctx.publicUrl);
  }

  if (config.env === 'production' && !config.smtpUrl) {
    app.log.warn('PARQEX_SMTP_URL is not set: invitation mail is kept in the database, not delivered');
  }
  const stopBackground = startBackgroundWork(ctx, app.log);
  // On SQLite the one dispatcher runs in the server; elsewhere it may run in `parqex worker`s too.
  const dispatcher = config.webhookDispatcherInServe ? createDispatcher(ctx, app.log) : undefined;
  dispatcher?.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    stopBackground();
    await dispatcher?.stop();
    await app.close();
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const bound = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`ParqEx listening on http://${bound}:${port}\n`);
  if (ctx.publicUrl !== `http://${bound}:${port}`)
    process.stdout.write(`Public URL (issuer): ${ctx.publicUrl}\n`);
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
