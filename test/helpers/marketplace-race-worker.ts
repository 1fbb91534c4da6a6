/**
 * A second (third…) server process for the booking races: opens the shared database and books every
 * quote it is given at once, then prints one JSON line `[{ok, code}]`. Run with process.execPath.
 * Argument: JSON `{url, searchPath, actor, quotes: [{id, total}], now, releaseAt}`; it waits until
 * `releaseAt` (epoch ms) so that both processes start together.
 */
import { isDomainError } from '../../src/lib/domain-error.ts';
import { book } from '../../src/marketplace/bookings.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { marketplaceDeps } from './marketplace-fixtures.ts';

const input = JSON.parse(process.argv[2]!) as {
  url: string;
  searchPath: string | undefined;
  actor: Actor;
  quotes: Array<{ id: string; total: { amount: number; currency: string } }>;
  now: number;
  releaseAt: number;
};
const database = openDatabase(input.url, { searchPath: input.searchPath, poolSize: 5 });
const deps = marketplaceDeps(database.db);
// Warm the pool (and the file) before the start line, so the race is the bookings' only.
await database.db.selectFrom('listings').select('id').limit(1).execute();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, input.releaseAt - Date.now())));
const results = await Promise.all(
  input.quotes.map((q) =>
    book(
      deps,
      input.actor,
      { quoteId: q.id, finalPrice: q.total, plate: 'RACE 1', paymentMethod: 'pm_card_visa' },
      input.now,
    ).then(
      () => ({ ok: true, code: null as string | null }),
      (error: unknown) => ({ ok: false, code: isDomainError(error) ? error.code : String(error) }),
    ),
  ),
);
await database.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
