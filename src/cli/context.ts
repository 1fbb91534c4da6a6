import { type AppContext, createContext } from '../app-context.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { systemClock } from '../lib/clock.ts';
import { migrate, type OpenDatabase, openDatabase } from '../storage/database.ts';
import { resolveSecretKey } from '../storage/secret-key.ts';

/** Config from the environment, the database opened and migrated, the context built. */
export async function openContext(config: Config = loadConfig()): Promise<{
  ctx: AppContext;
  applied: string[];
  close: () => Promise<void>;
}> {
  const { database, applied } = await openMigrated(config, config.dbPoolSize);
  try {
    const secretKey = await resolveSecretKey(config, database.db);
    const ctx = createContext({
      config,
      db: database.db,
      dialect: database.dialect,
      clock: systemClock,
      secretKey,
    });
    const close = async () => {
      await ctx.redis?.close();
      await database.close();
    };
    return { ctx, applied, close };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The database of `PARQEX_DATABASE_URL`, migrated; one clear line when it cannot be reached. */
export async function openMigrated(
  config: Config,
  poolSize: number,
): Promise<{ database: OpenDatabase; applied: string[] }> {
  let database: OpenDatabase;
  try {
    database = openDatabase(config.databaseUrl, { poolSize });
  } catch (error) {
    throw unreachable(error);
  }
  try {
    return { database, applied: await migrate(database.db, database.dialect) };
  } catch (error) {
    await database.close();
    throw unreachable(error);
  }
}

// Failures of the place, not of the code: a refused or unknown host, bad credentials, a missing
// database, a file that cannot be created or opened.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOTDIR',
  'EISDIR',
  '28000', // PostgreSQL: invalid_authorization_specification
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
  '3F000', // invalid_schema_name
]);
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** The error, or a ConfigError naming PARQEX_DATABASE_URL when somewhere in its causes the database is unreachable. */
function unreachable(error: unknown): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const { code, errcode } = e as Error & { code?: unknown; errcode?: unknown };
    if (
      (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
      errcode === SQLITE_CANTOPEN ||
      errcode === SQLITE_NOTADB
    ) {
      return new ConfigError(`PARQEX_DATABASE_URL: cannot open the database: ${e.message}`);
    }
  }
  return error;
}
