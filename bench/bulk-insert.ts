/**
 * Batched multi-row inserts: the fast way to put hundreds of thousands of rows in either database.
 * Rows are made batch by batch, so a million of them never sit in memory at once.
 */
import { type Insertable, sql } from 'kysely';
import type { Database, Db, DbOrTrx, Dialect } from '../src/storage/schema.ts';

// Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMETERS = 30_000;

/**
 * Inserts `count` rows made by `makeRow(i)` (i = 0 … count-1) into `table`, in statements of as
 * many rows as the parameter limit allows. Run it inside a transaction: one commit, not thousands.
 */
export async function insertGenerated<T extends keyof Database & string>(
  db: DbOrTrx,
  table: T,
  count: number,
  makeRow: (i: number) => Insertable<Database[T]>,
): Promise<void> {
  if (count === 0) return;
  // Each row is made exactly once (makers may record what they made), the first one also sizing the batches.
  const first = makeRow(0);
  const batch = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(first).length));
  for (let start = 0; start < count; start += batch) {
    const rows: Insertable<Database[T]>[] = start === 0 ? [first] : [];
    for (let i = start + rows.length; i < Math.min(count, start + batch); i++) rows.push(makeRow(i));
    await db.insertInto(table).values(rows).execute();
  }
}

/**
 * PostgreSQL: gathers the planner's statistics after a bulk load, as autovacuum does in production
 * within a minute or so. Without them the planner guesses two rows per table (a 100,000-event
 * history page then takes ~1 s instead of ~1 ms), and autovacuum would step in at a random moment
 * of the run. SQLite keeps no statistics unless told to, and the server never tells it: left alone.
 */
export async function analyzeAfterBulkLoad(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`analyze`.execute(db);
}

/**
 * SQLite: a page cache big enough for the indexes being filled (random ids land all over them), on
 * the seeding connection only; the server opens its own with its own settings.
 */
export async function prepareBulkLoad(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(db);
}
