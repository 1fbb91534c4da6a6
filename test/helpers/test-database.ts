import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, type OpenDatabase, openDatabase } from '../../src/storage/database.ts';

/** The database the suite runs on: PostgreSQL when PARQEX_TEST_DATABASE_URL is set, else SQLite. */
export const TEST_DATABASE_URL = process.env.PARQEX_TEST_DATABASE_URL || undefined;
export const TEST_DIALECT = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export interface TestDatabase extends OpenDatabase {
  /** The URL another process can use to reach the same data (PostgreSQL: with the schema). */
  url: string;
  searchPath: string | undefined;
}

/**
 * A fresh, migrated database for one test app. SQLite: a private in-memory database. PostgreSQL:
 * a private schema in the run's database, dropped on close. A configured but unreachable
 * PostgreSQL fails the test loudly: it is never skipped.
 */
export async function freshDatabase(options: { sqliteFile?: string } = {}): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const url = `sqlite:${options.sqliteFile ?? ':memory:'}`;
    const database = openDatabase(url);
    await migrate(database.db, database.dialect);
    return { ...database, url, searchPath: undefined };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const database = openDatabase(TEST_DATABASE_URL, { searchPath: schema, poolSize: 5 });
  await migrate(database.db, database.dialect);
  return {
    ...database,
    url: TEST_DATABASE_URL,
    searchPath: schema,
    close: async () => {
      await database.close();
      await adminQuery(`drop schema ${schema} cascade`);
    },
  };
}

/** A second connection (pool) to the same data, as another server process would have. */
export function sharedDatabase(existing: TestDatabase): TestDatabase {
  if (existing.url === 'sqlite::memory:')
    throw new Error('an in-memory database cannot be shared: use sqliteFile');
  const database = openDatabase(existing.url, { searchPath: existing.searchPath, poolSize: 5 });
  return { ...database, url: existing.url, searchPath: existing.searchPath };
}

/** One statement on the run's PostgreSQL database, outside any test schema (create/drop schemas). */
export async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
