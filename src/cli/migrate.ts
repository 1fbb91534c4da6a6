import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openMigrated } from './context.ts';
import { print } from './output.ts';

export const MIGRATE_HELP = `parqex migrate — apply pending database migrations and exit

Safe to run from several hosts at once (the migrator holds a lock). Takes --json.`;

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const config = loadConfig();
  const { database, applied } = await openMigrated(config, 1);
  try {
    print(values.json ?? false, { applied }, () =>
      applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`,
    );
  } finally {
    await database.close();
  }
}
