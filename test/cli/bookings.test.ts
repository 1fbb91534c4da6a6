import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/lib/clock.ts';
import { money } from '../../src/lib/money.ts';
import { formatUtcInstant } from '../../src/marketplace/booking-window.ts';
import { book } from '../../src/marketplace/bookings.ts';
import type { MarketplaceDeps } from '../../src/marketplace/deps.ts';
import { createListing, publishListing } from '../../src/marketplace/listings.ts';
import { SimulatedProcessor } from '../../src/marketplace/payments/simulated-processor.ts';
import { createProperty } from '../../src/marketplace/properties.ts';
import { quoteKey } from '../../src/marketplace/quote-tokens.ts';
import { quoteListing } from '../../src/marketplace/quotes.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { JOHN, TEST_OWNER } from '../helpers/test-app.ts';
import { assertJson, assertRefused, field, type Sandbox, sandbox } from './parqex-process.ts';

const HOUR = 3_600_000;

/** `parqex bookings …` (running.md): an operator lists, shows and cancels the Marketplace's bookings. */
describe('parqex bookings', () => {
  let box: Sandbox;
  let deps: MarketplaceDeps;
  let listingId: string;
  /** Starts in 3 hours: free cancellation (60 minutes before) still runs. */
  let early: { id: string; code: string };
  /** Starts in 30 minutes: past the cutoff. */
  let soon: { id: string; code: string };

  async function actorOf(email: string): Promise<Actor> {
    const row = await box
      .db()
      .selectFrom('users')
      .select(['id', 'account_id', 'role'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    return { userId: row.id, accountId: row.account_id, role: row.role };
  }

  async function bookFor(renter: Actor, startsAt: number) {
    const now = Date.now();
    const window = { starts: formatUtcInstant(startsAt), ends: formatUtcInstant(startsAt + 2 * HOUR) };
    const { quote } = await quoteListing(deps, renter, listingId, window, now);
    const booking = await book(
      deps,
      renter,
      { quoteId: quote.id, finalPrice: quote.total, plate: 'PQX 123', paymentMethod: 'pm_card_visa' },
      now,
    );
    return { id: booking.id, code: booking.passCode };
  }

  before(async () => {
    box = await sandbox();
    assertJson(await box.run(['demo', '--json']));
    deps = {
      db: box.db(),
      clock: systemClock,
      payments: new SimulatedProcessor(),
      serviceFeePercent: 10,
      quoteKey: quoteKey('the bookings CLI test'),
      bookingGraceMs: 15 * 60_000,
    };
    const owner = await actorOf(TEST_OWNER.email);
    const lobby = await box
      .db()
      .selectFrom('doors')
      .select('id')
      .where('name', '=', 'Lobby Door')
      .executeTakeFirstOrThrow();
    const now = Date.now();
    const property = await createProperty(
      box.db(),
      owner,
      {
        name: 'Lobby Lot',
        address: { line1: '1 Test Street', city: 'Testville', country: 'US' },
        latitude: 10,
        longitude: 10,
        timeZone: 'America/New_York',
        doorIds: [lobby.id],
      },
      now,
    );
    const listing = await createListing(
      box.db(),
      owner,
      {
        propertyId: property.id,
        title: 'Covered pool',
        kind: 'pool',
        capacity: 5,
        rates: { hourly: money(400, 'USD') },
        freeCancelMinutes: 60,
      },
      now,
    );
    await publishListing(box.db(), owner, listing.id, now);
    listingId = listing.id;
    const john = await actorOf(JOHN.email);
    const hour = Math.ceil(now / HOUR) * HOUR;
    early = await bookFor(john, hour + 3 * HOUR);
    soon = await bookFor(john, now + 30 * 60_000);
  });
  after(() => box.close());

  test("list --user: the renter's bookings, newest first, as the API shows them", async () => {
    const page = assertJson(await box.run(['bookings', 'list', '--user', JOHN.email, '--json']));
    assert.deepEqual(
      page.items.map((b: any) => b.id),
      [soon.id, early.id],
    );
    assert.equal(page.next_cursor, null);
    const [first] = page.items;
    assert.equal(first.status, 'confirmed');
    assert.equal(first.plate, 'PQX 123');
    assert.deepEqual(first.order.total, { amount: 880, currency: 'USD' });
    assert.match(first.pass.url, new RegExp(`/pass/${soon.code}$`));

    const one = assertJson(
      await box.run(['bookings', 'list', '--user', JOHN.email, '--limit', '1', '--json']),
    );
    assert.deepEqual(
      one.items.map((b: any) => b.id),
      [soon.id],
    );
    const rest = assertJson(
      await box.run(['bookings', 'list', '--user', JOHN.email, '--cursor', one.next_cursor, '--json']),
    );
    assert.deepEqual(
      rest.items.map((b: any) => b.id),
      [early.id],
    );

    const human = await box.run(['bookings', 'list', '--user', JOHN.email]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^BOOKING_ID\s+STATUS\s+STARTS \(LOCAL\)/);
    assert.match(
      human.stdout,
      new RegExp(`${early.id}\\s+confirmed\\s+.*PQX 123\\s+${early.code}\\s+USD 8\\.80\\s+paid`),
    );
  });

  test("list --listing: the listing's bookings, as its account's Admin sees them", async () => {
    const page = assertJson(await box.run(['bookings', 'list', '--listing', listingId, '--json']));
    assert.deepEqual(
      page.items.map((b: any) => b.id),
      [soon.id, early.id],
      'by start',
    );
  });

  test('show: by id or by pass code', async () => {
    const byId = assertJson(await box.run(['bookings', 'show', early.id.toUpperCase(), '--json']));
    assert.equal(byId.id, early.id);
    assert.equal(byId.pass.code, early.code);
    const byCode = await box.run(['bookings', 'show', early.code.toLowerCase()]);
    assert.equal(byCode.code, 0, byCode.stderr);
    assert.equal(field(byCode.stdout, 'booking_id'), early.id);
    assert.equal(field(byCode.stdout, 'status'), 'confirmed');
    assert.match(field(byCode.stdout, 'order'), /paid\s+USD 8\.80$/);
  });

  test('cancel: before the cutoff refunded, after it not; the grant ends; twice is refused', async () => {
    const runningGrants = () => {
      const now = Date.now();
      return (
        box
          .db()
          .selectFrom('access_grants')
          .select(['id', 'source_id'])
          .where('source', '=', 'booking')
          // Ended: `ends_at` now, or (not yet started) `ends_at = starts_at`, an empty window.
          .where((eb) =>
            eb.or([
              eb('ends_at', 'is', null),
              eb.and([eb('ends_at', '>', now), eb('ends_at', '>', eb.ref('starts_at'))]),
            ]),
          )
          .execute()
      );
    };
    assert.deepEqual(
      new Set((await runningGrants()).map((g) => g.source_id)),
      new Set([early.id, soon.id]),
      'each booking grants the Lobby Door',
    );
    const refunded = assertJson(await box.run(['bookings', 'cancel', early.id, '--json']));
    assert.equal(refunded.status, 'cancelled');
    assert.equal(refunded.order.status, 'refunded');
    const kept = assertJson(await box.run(['bookings', 'cancel', soon.code, '--json']));
    assert.equal(kept.status, 'cancelled');
    assert.equal(kept.order.status, 'paid', 'past the cutoff: no refund');
    const refunds = await box
      .db()
      .selectFrom('payments')
      .select('order_id')
      .where('kind', '=', 'refund')
      .execute();
    assert.deepEqual(
      refunds.map((r) => r.order_id),
      [refunded.order.id],
    );
    assert.deepEqual(await runningGrants(), [], 'no booking grant runs on');

    assertRefused(await box.run(['bookings', 'cancel', early.id]), /cancel/);
  });

  test('refusals: one line on stderr, nothing on stdout', async () => {
    const cases: Array<[string[], RegExp, number]> = [
      [['bookings', 'list'], /exactly one of --user USER and --listing LISTING_ID/, 2],
      [['bookings', 'list', '--user', JOHN.email, '--status', 'pending'], /--status must be/, 2],
      [['bookings', 'list', '--user', JOHN.email, '--limit', '0'], /--limit must be from 1 to 200/, 2],
      [['bookings', 'list', '--user', 'nobody@example.com'], /no user "nobody@example.com"/, 2],
      [['bookings', 'list', '--user', JOHN.email, '--cursor', 'nonsense'], /cursor/, 1],
      [['bookings', 'list', '--listing', 'ffffffffffffffffffffffffffffffff'], /no such listing/, 1],
      [['bookings', 'show'], /needs a booking id or pass code/, 2],
      [['bookings', 'show', 'ffffffffffffffffffffffffffffffff'], /no such booking/, 1],
      [['bookings', 'show', 'ZZZZZZZZ'], /no such booking/, 1],
      [['bookings', 'show', 'what?'], /neither a booking id nor a pass code/, 2],
      [['bookings', 'refund', 'x'], /unknown command: bookings refund/, 2],
    ];
    for (const [args, message, code] of cases) {
      const result = await box.run(args);
      assertRefused(result, message);
      assert.equal(result.code, code, args.join(' '));
    }
  });

  test('--help names every subcommand', async () => {
    for (const args of [['bookings', '--help'], ['bookings', 'cancel', '--help'], ['bookings']]) {
      const result = await box.run(args);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^parqex bookings — /);
      for (const sub of ['list --user', 'list --listing', 'show BOOKING', 'cancel BOOKING'])
        assert.ok(result.stdout.includes(`parqex bookings ${sub}`), sub);
    }
    const overview = await box.run(['--help']);
    assert.match(overview.stdout, /^ {2}bookings\b/m);
  });
});
