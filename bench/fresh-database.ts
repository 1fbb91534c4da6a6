/**
 * A fresh, empty database for one bench run: a SQLite file in the run's directory, or a new
 * PostgreSQL database on the server of `--postgres URL` (`parqex_bench_<time>_<pid>`), dropped
 * afterwards whatever happened.
 */
import { join } from 'node:path';
import pg from 'pg';
import type { Dialect } from '../src/storage/schema.ts';

export interface FreshDatabase {
  /** A `PARQEX_DATABASE_URL`. */
  url: string;
  dialect: Dialect;
  /** What the table header says: `sqlite (file)` or `postgresql 15.2 (host)`. */
  description: string;
  /** Removes the database; safe to call twice. */
  drop(): Promise<void>;
}

export async function freshSqlite(runDir: string): Promise<FreshDatabase> {
  const file = join(runDir, 'bench.db');
  // The file goes with the run directory.
  return { url: `sqlite:${file}`, dialect: 'sqlite', description: `sqlite (${file})`, drop: async () => {} };
}

/** Creates the database through the server of `serverUrl` (its own database is only used to connect). */
export async function freshPostgres(serverUrl: string): Promise<FreshDatabase> {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `parqex_bench_${stamp}_${process.pid}`;
  const version = await withClient(serverUrl, async (client) => {
    await client.query(`create database ${name}`);
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.href,
    dialect: 'postgres',
    description: `postgresql ${version ?? '?'} (${url.host}, database ${name})`,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // PostgreSQL 13+: FORCE ends connections a killed server may have left behind.
      await withClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
