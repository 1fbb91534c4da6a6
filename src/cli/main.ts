#!/usr/bin/env node
import { UserInputError } from '../accounts/users.ts';
import { ConfigError } from '../config.ts';
import { ClientInputError, ClientNotFound } from '../oauth/client-registry.ts';
import { CLIENTS_HELP, clientsCommand } from './clients.ts';
import { DEMO_HELP, demoCommand } from './demo.ts';
import { MIGRATE_HELP, migrateCommand } from './migrate.ts';
import { UsageError } from './output.ts';
import { SERVE_HELP, serve } from './serve.ts';
import { USERS_HELP, usersCommand } from './users.ts';

const HELP = `parqex — the ParqEx server and its operator's tools

Usage: parqex <command> [options]   (from a checkout: npm run --silent parqex -- <command> …)

Commands:
  serve                 migrate, then serve HTTP (what npm start runs)
  migrate               apply database migrations and exit
  demo                  (re)create the testing accounts and the demo application
  clients …             register and manage applications (parqex clients --help)
  users create …        create a person (parqex users --help)

Every command reads the environment of the README (PARQEX_DATABASE_URL, …), has --help,
and --json prints one JSON document on stdout. Errors go to stderr with a non-zero exit.`;

const COMMANDS: Record<string, { help: string; run: (argv: string[]) => Promise<void> }> = {
  serve: { help: SERVE_HELP, run: () => serve() },
  migrate: { help: MIGRATE_HELP, run: migrateCommand },
  demo: { help: DEMO_HELP, run: demoCommand },
  clients: { help: CLIENTS_HELP, run: clientsCommand },
  users: { help: USERS_HELP, run: usersCommand },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command: ${name} (see parqex --help)`);
  if (
    (rest.includes('--help') || rest.includes('-h')) &&
    (name === 'serve' || name === 'migrate' || name === 'demo')
  ) {
    process.stdout.write(`${command.help}\n`);
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof ClientInputError ||
    error instanceof ClientNotFound ||
    error instanceof UserInputError ||
    (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
  if (known) {
    process.stderr.write(`parqex: ${(error as Error).message}\n`);
    process.exit(error instanceof UsageError || error instanceof TypeError ? 2 : 1);
  }
  process.stderr.write(
    `parqex: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
