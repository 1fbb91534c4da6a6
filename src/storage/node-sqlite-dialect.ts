import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely over Node's built-in `node:sqlite` (no native add-on to install). One connection per process,
 * used by one query at a time; transactions take the write lock up front (`BEGIN IMMEDIATE`) so that
 * several processes sharing a file serialise on the database rather than failing on lock upgrades.
 *
 * One database per process: `node:sqlite` waits for a busy lock synchronously, so two connections to
 * one file inside ONE process would block the event loop that the lock holder needs to finish (and
 * fail with "database is locked" after the timeout). Several processes sharing a file are fine.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #path: string;
  #driver: NodeSqliteDriver | undefined;
  constructor(path: string) {
    this.#path = path;
  }
  /** Queries holding (0 or 1) and waiting for the one connection: the pool gauges of the metrics. */
  usage(): { held: number; waiting: number } {
    return this.#driver?.usage ?? { held: 0, waiting: 0 };
  }
  /**
   * SQLite's `PRAGMA data_version` on this process's connection: it changes whenever another
   * connection (another process) commits to the file. The hot caches compare it on every request.
   */
  dataVersion(): number {
    return this.#driver?.dataVersion() ?? 0;
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    this.#driver = new NodeSqliteDriver(this.#path);
    return this.#driver;
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector is typed for any schema
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class NodeSqliteDriver implements Driver {
  readonly #path: string;
  #connection: NodeSqliteConnection | undefined;
  #queue: Promise<void> = Promise.resolve();
  readonly usage = { held: 0, waiting: 0 };

  constructor(path: string) {
    this.#path = path;
  }

  async init(): Promise<void> {
    const db = new DatabaseSync(this.#path, { timeout: 10_000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    this.#connection = new NodeSqliteConnection(db);
  }

  dataVersion(): number {
    return this.#connection?.dataVersion() ?? 0;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // A single connection handed out in turn: each holder releases before the next one runs.
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.usage.waiting++;
    await previous;
    this.usage.waiting--;
    this.usage.held = 1;
    const connection = this.#connection!;
    connection.release = release;
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.usage.held = 0;
    (connection as NodeSqliteConnection).release();
  }
  async destroy(): Promise<void> {
    this.#connection?.close();
    this.#connection = undefined;
  }
}

interface Prepared {
  statement: StatementSync;
  returnsRows: boolean;
}

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, Prepared>();
  readonly #dataVersion: StatementSync;
  release: () => void = () => {};

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#dataVersion = db.prepare('PRAGMA data_version');
  }

  dataVersion(): number {
    return Number((this.#dataVersion.get() as { data_version: number }).data_version);
  }

  #prepare(sql: string): Prepared {
    let prepared = this.#statements.get(sql);
    if (!prepared) {
      const statement = this.#db.prepare(sql);
      // Asked once: columns() builds a description of every column on each call.
      prepared = { statement, returnsRows: statement.columns().length > 0 };
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, prepared);
    }
    return prepared;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { statement, returnsRows } = this.#prepare(compiled.sql);
    const parameters = compiled.parameters.map(toSqlite);
    if (returnsRows) {
      return { rows: statement.all(...parameters) as R[] };
    }
    const { changes, lastInsertRowid } = statement.run(...parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  // biome-ignore lint/correctness/useYield: streaming is not used; Kysely requires the method
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the node:sqlite driver');
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}

function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value as SQLInputValue;
}
