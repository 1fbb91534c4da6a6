import { type AppContext, createContext } from '../app-context.ts';
import { type Config, loadConfig } from '../config.ts';
import { systemClock } from '../lib/clock.ts';
import { resolveSecretKey } from '../lib/secret-key.ts';
import { migrate, openDatabase } from '../storage/database.ts';

/** Config from the environment, the database opened and migrated, the context built. */
export async function openContext(config: Config = loadConfig()): Promise<{
  ctx: AppContext;
  applied: string[];
  close: () => Promise<void>;
}> {
  const database = openDatabase(config.databaseUrl, { poolSize: config.dbPoolSize });
  try {
    const applied = await migrate(database.db, database.dialect);
    const secretKey = await resolveSecretKey(config, database.db);
    const ctx = createContext({
      config,
      db: database.db,
      dialect: database.dialect,
      clock: systemClock,
      secretKey,
    });
    return { ctx, applied, close: database.close };
  } catch (error) {
    await database.close();
    throw error;
  }
}
