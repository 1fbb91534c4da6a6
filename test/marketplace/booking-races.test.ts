import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDomainError } from '../../src/lib/domain-error.ts';
import { book } from '../../src/marketplace/bookings.ts';
import type { MarketplaceDeps } from '../../src/marketplace/deps.ts';
import { quoteListing } from '../../src/marketplace/quotes.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { actorOf, insertListing, insertProperty, marketplaceDeps } from '../helpers/marketplace-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

// products.md §1 "No double booking, ever": at every instant a space holds at most one live booking
// and a pool at most its capacity — across processes, on SQLite and PostgreSQL.

const HOUR = 3_600_000;
const NOW = Date.parse('2027-05-03T12:00:00Z');
const WORKER = fileURLToPath(new URL('../helpers/marketplace-race-worker.ts', import.meta.url));

let app: TestApp;
let dir: string;
let deps: MarketplaceDeps;
let owner: Actor;
let renters: Actor[];
let propertyId: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parqex-races-'));
  // A file, so that other processes can open the same SQLite database.
  app = await startTestApp({ sqliteFile: join(dir, 'parqex.db') });
  deps = marketplaceDeps(app.ctx.db);
  owner = await actorOf(app.ctx.db, TEST_OWNER.email);
  renters = [await actorOf(app.ctx.db, JOHN.email), await actorOf(app.ctx.db, PRODUCTION_OWNER.email)];
  propertyId = await insertProperty(app.ctx.db, { accountId: owner.accountId }, NOW);
});

after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` quotes of one window of the listing, by the renters in turn. */
async function quotes(listingId: string, n: number, startsAt = NOW + 24 * HOUR) {
  const window = {
    starts: new Date(startsAt).toISOString(),
    ends: new Date(startsAt + 2 * HOUR).toISOString(),
  };
  const list = [];
  for (let i = 0; i < n; i++) {
    const actor = renters[i % renters.length]!;
    list.push({ actor, quote: (await quoteListing(deps, actor, listingId, window, NOW)).quote });
  }
  return list;
}

async function liveBookings(listingId: string): Promise<number> {
  const rows = await app.ctx.db
    .selectFrom('bookings')
    .select('id')
    .where('listing_id', '=', listingId)
    .where('status', 'in', ['pending', 'confirmed'])
    .execute();
  return rows.length;
}

function outcomes(results: PromiseSettledResult<unknown>[]) {
  const codes = results.map((r) =>
    r.status === 'fulfilled' ? 'booked' : isDomainError(r.reason) ? r.reason.code : String(r.reason),
  );
  const count = (code: string) => codes.filter((c) => c === code).length;
  return { codes, count };
}

describe(`booking races (${TEST_DIALECT})`, () => {
  test('50 simultaneous bookings of the last free space: exactly one is confirmed, 49 are told it is unavailable', async (t) => {
    const listingId = await insertListing(
      app.ctx.db,
      { propertyId, accountId: owner.accountId, kind: 'space' },
      NOW,
    );
    const contenders = await quotes(listingId, 50);

    const started = performance.now();
    const results = await Promise.allSettled(
      contenders.map(({ actor, quote }) =>
        book(
          deps,
          actor,
          { quoteId: quote.id, finalPrice: quote.total, plate: 'ABC 123', paymentMethod: 'pm_card_visa' },
          NOW,
        ),
      ),
    );
    t.diagnostic(`50 bookings of one space settled in ${Math.round(performance.now() - started)} ms`);

    const { count, codes } = outcomes(results);
    assert.equal(count('booked'), 1, codes.join(' '));
    assert.equal(count('unavailable'), 49, codes.join(' '));
    assert.equal(await liveBookings(listingId), 1);
    // Only the winner paid: one order, one charge; the losers left nothing behind.
    const orders = await app.ctx.db
      .selectFrom('orders as o')
      .innerJoin('bookings as b', 'b.id', 'o.booking_id')
      .select('o.id')
      .where('b.listing_id', '=', listingId)
      .execute();
    assert.equal(orders.length, 1);
    const charges = await app.ctx.db
      .selectFrom('payments')
      .select('id')
      .where('order_id', '=', orders[0]!.id)
      .execute();
    assert.equal(charges.length, 1);
  });

  test('a pool of 3 under 20 simultaneous bookings: exactly 3 are confirmed', async (t) => {
    const listingId = await insertListing(
      app.ctx.db,
      { propertyId, accountId: owner.accountId, kind: 'pool', capacity: 3 },
      NOW,
    );
    const contenders = await quotes(listingId, 20);

    const started = performance.now();
    const results = await Promise.allSettled(
      contenders.map(({ actor, quote }) =>
        book(
          deps,
          actor,
          { quoteId: quote.id, finalPrice: quote.total, plate: 'ABC 123', paymentMethod: 'pm_card_visa' },
          NOW,
        ),
      ),
    );
    t.diagnostic(`20 bookings of a pool of 3 settled in ${Math.round(performance.now() - started)} ms`);

    const { count, codes } = outcomes(results);
    assert.equal(count('booked'), 3, codes.join(' '));
    assert.equal(count('unavailable'), 17, codes.join(' '));
    assert.equal(await liveBookings(listingId), 3);
  });

  test('overlapping but different windows of a pool: at no instant more than its capacity', async () => {
    const listingId = await insertListing(
      app.ctx.db,
      { propertyId, accountId: owner.accountId, kind: 'pool', capacity: 2 },
      NOW,
    );
    const base = NOW + 48 * HOUR;
    // Staggered windows of 2 h starting every 30 min: each overlaps its neighbours.
    const contenders = [];
    for (let i = 0; i < 12; i++) {
      const startsAt = base + i * 30 * 60_000;
      const window = {
        starts: new Date(startsAt).toISOString(),
        ends: new Date(startsAt + 2 * HOUR).toISOString(),
      };
      contenders.push((await quoteListing(deps, renters[0]!, listingId, window, NOW)).quote);
    }
    await Promise.allSettled(
      contenders.map((quote) =>
        book(
          deps,
          renters[0]!,
          { quoteId: quote.id, finalPrice: quote.total, plate: 'ABC 123', paymentMethod: 'pm_card_visa' },
          NOW,
        ),
      ),
    );
    const rows = await app.ctx.db
      .selectFrom('bookings')
      .select(['starts_at', 'ends_at'])
      .where('listing_id', '=', listingId)
      .where('status', '=', 'confirmed')
      .execute();
    assert.ok(rows.length >= 2);
    for (let at = base; at < base + 8 * HOUR; at += 15 * 60_000) {
      const live = rows.filter((r) => Number(r.starts_at) <= at && at < Number(r.ends_at)).length;
      assert.ok(live <= 2, `${live} bookings at ${new Date(at).toISOString()}`);
    }
  });

  test('two server processes on one database: one space under 2 × 25 bookings → exactly one; a pool of 3 under 2 × 10 → exactly 3', async (t) => {
    const space = await insertListing(
      app.ctx.db,
      { propertyId, accountId: owner.accountId, kind: 'space' },
      NOW,
    );
    const pool = await insertListing(
      app.ctx.db,
      { propertyId, accountId: owner.accountId, kind: 'pool', capacity: 3 },
      NOW,
    );
    const spaceQuotes = (await quotes(space, 50)).filter((q) => q.actor === renters[0]);
    const poolQuotes = (await quotes(pool, 40)).filter((q) => q.actor === renters[0]);
    assert.equal(spaceQuotes.length, 25);
    assert.equal(poolQuotes.length, 20);

    const releaseAt = Date.now() + 3000;
    const run = (list: typeof spaceQuotes) =>
      new Promise<Array<{ ok: boolean; code: string | null }>>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            WORKER,
            JSON.stringify({
              url: app.database.url,
              searchPath: app.database.searchPath,
              actor: renters[0],
              quotes: list.map(({ quote }) => ({ id: quote.id, total: quote.total })),
              now: NOW,
              releaseAt,
            }),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${code}: ${err}`)),
        );
      });
    const started = performance.now();
    const [a, b, c, d] = await Promise.all([
      run(spaceQuotes.slice(0, 25).filter((_, i) => i % 2 === 0)),
      run(spaceQuotes.slice(0, 25).filter((_, i) => i % 2 === 1)),
      run(poolQuotes.slice(0, 10)),
      run(poolQuotes.slice(10, 20)),
    ]);
    t.diagnostic(
      `four processes settled in ${Math.round(performance.now() - started)} ms (with a 3 s start line)`,
    );

    const spaceResults = [...a!, ...b!];
    const poolResults = [...c!, ...d!];
    assert.equal(spaceResults.filter((r) => r.ok).length, 1, JSON.stringify(spaceResults));
    assert.ok(
      spaceResults.every((r) => r.ok || r.code === 'unavailable'),
      JSON.stringify(spaceResults),
    );
    assert.equal(poolResults.filter((r) => r.ok).length, 3, JSON.stringify(poolResults));
    assert.ok(
      poolResults.every((r) => r.ok || r.code === 'unavailable'),
      JSON.stringify(poolResults),
    );
    assert.equal(await liveBookings(space), 1);
    assert.equal(await liveBookings(pool), 3);
  });
});
