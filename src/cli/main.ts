#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.ts';
import { isDomainError } from '../lib/domain-error.ts';
import { UsageError } from './output.ts';

const HELP = `parqex — the ParqEx server and its operator's tools

Usage: parqex <command> [options]   (from a checkout: npm run --silent parqex -- <command> …)

Commands:
  serve                 migrate, then serve HTTP (what npm start runs)
  migrate               apply database migrations and exit
  demo                  (re)create the testing accounts, their Marketplace and the demo application
  clients …             register and manage applications (parqex clients --help)
  users create …        create a person (parqex users --help)
  devices …             register controllers and drive the simulated ones (parqex devices --help)
  properties …          an account's parking sites and their gates (parqex properties --help)
  listings …            what an account's properties rent out (parqex listings --help)
  bookings …            the Marketplace's bookings: list, show, cancel (parqex bookings --help)
  webhooks …            register receivers of an application's events, see deliveries (parqex webhooks --help)
  worker                send webhooks without the HTTP server (parqex worker --help)
  guest-passes …        list and revoke an account's guest passes (parqex guest-passes --help)
  --version, -v         print the version of ParqEx (package.json) and exit

Every command reads the environment of the README (PARQEX_DATABASE_URL, …), has --help,
and --json prints one JSON document on stdout. Errors go to stderr with a non-zero exit.
A variable named PARQEX_… that is no setting (a misspelling) stops the command with one line
naming it and the closest real setting.`;

/** The version of package.json, beside src/. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

interface Command {
  help: string;
  run: (argv: string[]) => Promise<void>;
}

// Loaded on use: `clients list` need not load the HTTP server, nor `--help` the database driver.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => {
    const { SERVE_HELP, serveCommand } = await import('./serve.ts');
    return { help: SERVE_HELP, run: serveCommand };
  },
  migrate: async () => {
    const { MIGRATE_HELP, migrateCommand } = await import('./migrate.ts');
    return { help: MIGRATE_HELP, run: migrateCommand };
  },
  demo: async () => {
    const { DEMO_HELP, demoCommand } = await import('./demo.ts');
    return { help: DEMO_HELP, run: demoCommand };
  },
  clients: async () => {
    const { CLIENTS_HELP, clientsCommand } = await import('./clients.ts');
    return { help: CLIENTS_HELP, run: clientsCommand };
  },
  users: async () => {
    const { USERS_HELP, usersCommand } = await import('./users.ts');
    return { help: USERS_HELP, run: usersCommand };
  },
  webhooks: async () => {
    const { WEBHOOKS_HELP, webhooksCommand } = await import('./webhooks.ts');
    return { help: WEBHOOKS_HELP, run: webhooksCommand };
  },
  worker: async () => {
    const { WORKER_HELP, workerCommand } = await import('./worker.ts');
    return { help: WORKER_HELP, run: workerCommand };
  },
  devices: async () => {
    const { DEVICES_HELP, devicesCommand } = await import('./devices.ts');
    return { help: DEVICES_HELP, run: devicesCommand };
  },
  properties: async () => {
    const { PROPERTIES_HELP, propertiesCommand } = await import('./marketplace.ts');
    return { help: PROPERTIES_HELP, run: propertiesCommand };
  },
  listings: async () => {
    const { LISTINGS_HELP, listingsCommand } = await import('./marketplace.ts');
    return { help: LISTINGS_HELP, run: listingsCommand };
  },
  bookings: async () => {
    const { BOOKINGS_HELP, bookingsCommand } = await import('./bookings.ts');
    return { help: BOOKINGS_HELP, run: bookingsCommand };
  },
  'guest-passes': async () => {
    const { GUEST_PASSES_HELP, guestPassesCommand } = await import('./guest-passes.ts');
    return { help: GUEST_PASSES_HELP, run: guestPassesCommand };
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) throw new UsageError(`unknown command: ${name} (see parqex --help)`);
  const command = await load();
  // `--help` anywhere (before a `--`) answers with the command's help and touches nothing.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    // A domain error is a refusal a person can act on: one line, no stack.
    isDomainError(error) ||
    (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
  if (known) {
    // One line: Node's parseArgs explains some refusals over several.
    process.stderr.write(`parqex: ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(error instanceof UsageError || error instanceof TypeError ? 2 : 1);
  }
  process.stderr.write(`parqex: unexpected error: ${describeWithCauses(error)}\n`);
  process.exit(1);
});

/** The stack, then each `cause` (a failed migration says why only in its cause). */
function describeWithCauses(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; e = (e as Error).cause, depth++) {
    parts.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join('\ncaused by: ');
}
