import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import { NodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { Database, Db, Dialect } from './schema.ts';

export interface OpenDatabase {
  readonly db: Db;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL only: connections in this process's pool. */
  poolSize?: number;
  /** PostgreSQL only: run every statement in this schema (the test suite isolates runs this way). */
  searchPath?: string;
}

// bigint (int8) columns hold epoch milliseconds: well inside a double's exact range.
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/** Opens the database named by a `PARQEX_DATABASE_URL`. Does not migrate. */
export function openDatabase(url: string, options: OpenOptions = {}): OpenDatabase {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(path) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: pgTypes,
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
    // A host that drops packets fails in 10 s instead of hanging start-up until TCP gives up.
    connectionTimeoutMillis: 10_000,
    // A statement never holds a connection forever.
    statement_timeout: 30_000,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

// Any constant: the key of the PostgreSQL advisory lock that serialises migrations across hosts.
const MIGRATION_LOCK_KEY = 7_245_120_001;

/**
 * Applies pending migrations, all in one transaction, and returns their names. Several hosts may
 * start at once: on PostgreSQL an advisory transaction lock serialises them (DDL is transactional,
 * so a failed migration leaves nothing half-done); on SQLite the transaction takes the write lock
 * up front. Touches no other schema's catalog, so servers in other schemas of the same database
 * (and test runs creating and dropping theirs) never disturb it.
 */
export async function migrate(db: Db, dialect: Dialect): Promise<string[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      await sql`create table if not exists parqex_migrations (name text primary key, applied_at bigint not null)`.execute(
        trx,
      );
      const done = new Set(
        (await sql<{ name: string }>`select name from parqex_migrations`.execute(trx)).rows.map(
          (r) => r.name,
        ),
      );
      const applied: string[] = [];
      for (const name of Object.keys(MIGRATIONS).sort()) {
        if (done.has(name)) continue;
        await MIGRATIONS[name]!.up(trx);
        await sql`insert into parqex_migrations (name, applied_at) values (${name}, ${Date.now()})`.execute(
          trx,
        );
        applied.push(name);
      }
      return applied;
    });
  } catch (error) {
    throw new Error('database migration failed', { cause: error });
  }
}

/** True when the database answers a trivial query. */
export async function isDatabaseReady(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
