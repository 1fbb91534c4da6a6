import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import { NodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { Database, Db, Dialect } from './schema.ts';
import { WriteWatch } from './write-watch.ts';

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

/** The connections of an open database at one moment: the pool gauges of the metrics. */
export interface PoolUsage {
  /** Connections open (SQLite: its one connection). */
  total: number;
  /** Open connections no query holds. */
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  /** The most connections this process opens (`PARQEX_DB_POOL_SIZE`; SQLite: 1). */
  max: number;
}

const poolUsage = new WeakMap<Db, () => PoolUsage>();

/** How the connections of a database opened by `openDatabase` are used right now. */
export function databasePoolUsage(db: Db): PoolUsage | undefined {
  return poolUsage.get(db)?.();
}

// bigint (int8) columns hold epoch milliseconds: well inside a double's exact range.
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

const writeWatches = new WeakMap<Db, WriteWatch>();
const dataVersions = new WeakMap<Db, () => number>();

/**
 * For a SQLite database: a number that changes whenever another process commits to it (the hot
 * caches' signal). Undefined on PostgreSQL, where another host's commit gives no such signal.
 */
export function databaseDataVersion(db: Db): (() => number) | undefined {
  return dataVersions.get(db);
}

/**
 * Calls `listener` after every write this process makes through `db` (a database opened by
 * `openDatabase`); returns a function that stops it. The in-process caches listen to it.
 */
export function onDatabaseWrite(db: Db, listener: () => void): () => void {
  const watch = writeWatches.get(db);
  if (!watch) return () => {};
  return watch.onWrite(listener);
}

/** Opens the database named by a `PARQEX_DATABASE_URL`. Does not migrate. */
export function openDatabase(url: string, options: OpenOptions = {}): OpenDatabase {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const dialect = new NodeSqliteDialect(path);
    const writes = new WriteWatch();
    const db = new Kysely<Database>({ dialect, plugins: [writes] });
    writeWatches.set(db, writes);
    dataVersions.set(db, () => dialect.dataVersion());
    poolUsage.set(db, () => {
      const { held, waiting } = dialect.usage();
      return { total: 1, idle: 1 - held, waiting, max: 1 };
    });
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
  const writes = new WriteWatch();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [writes] });
  writeWatches.set(db, writes);
  poolUsage.set(db, () => ({
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
    max: options.poolSize ?? 10,
  }));
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
        await MIGRATIONS[name]!.up(trx, dialect);
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
