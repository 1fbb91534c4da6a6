import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findPlateGrant, listGrantsOfSource } from '../../src/access/grants.ts';
import { listVisibleDoors } from '../../src/access/visible-doors.ts';
import { setPermissions } from '../../src/accounts/permissions.ts';
import { openWithLink, viewByLink } from '../../src/guests/guest-links.ts';
import { createPass, getPass, listPasses, revokePass, updatePassWindow } from '../../src/guests/passes.ts';
import { book, cancelBooking } from '../../src/marketplace/bookings.ts';
import { quoteListing } from '../../src/marketplace/quotes.ts';
import type { Actor } from '../../src/marketplace/records.ts';
import { insertListing, insertProperty } from '../helpers/marketplace-fixtures.ts';
import { JOHN, PRODUCTION_OWNER, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import { DAY, GUEST, guestRowCounts, guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

const ENV = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };
const HOST_PLATE = 'PRD-1000';
const GUEST_PLATE = 'GST 77';

/**
 * Lending a booking (products.md §2 `booking_id`): the Production account's Admin rents a space at
 * the Test account's property (Garage and Lobby Door) and lends it to a guest. The host's access to
 * the gates (app and plate) stops for the lent window, the guest's link and plate open them, and a
 * revocation gives it back at once; cancelling the booking ends the pass.
 */
describe(`lending a booking to a guest (${TEST_DIALECT})`, () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let host: Actor;
  let now: number;
  let grace: number;
  let gates: string[];
  let listingId: string;

  before(async () => {
    app = await startTestApp({ env: ENV });
    w = await guestWorld(app);
    host = w.production;
    now = app.ctx.clock.now();
    grace = app.ctx.marketplace.bookingGraceMs;
    gates = [w.doors.garage.id, w.doors.lobby.id].sort();
    const propertyId = await insertProperty(
      app.ctx.db,
      { accountId: w.owner.accountId, doorIds: gates },
      now,
    );
    listingId = await insertListing(
      app.ctx.db,
      { propertyId, accountId: w.owner.accountId, kind: 'pool', capacity: 20, freeCancelMinutes: 0 },
      now,
    );
  });
  after(() => app.close());

  async function booking(startsAt: number, endsAt: number) {
    const { quote } = await quoteListing(
      app.ctx.marketplace,
      host,
      listingId,
      { starts: iso(startsAt), ends: iso(endsAt) },
      now,
    );
    return book(
      app.ctx.marketplace,
      host,
      { quoteId: quote.id, finalPrice: quote.total, plate: HOST_PLATE, paymentMethod: 'pm_card_visa' },
      now,
    );
  }

  async function hostSeesGarage(at: number): Promise<boolean> {
    const doors = await listVisibleDoors(app.ctx.db, host, { apiOnly: false, at });
    return doors.some((d) => d.door.id === w.doors.garage.id);
  }

  const history = async () =>
    Number(
      (
        await app.ctx.db
          .selectFrom('access_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function written() {
    const transfers = await app.ctx.db.selectFrom('booking_transfers').selectAll().execute();
    return { ...(await guestRowCounts(app)), transfers: transfers.length };
  }

  test('lent: the guest takes the gates, window and their own plate; revoked: the host has them back at once', async () => {
    const b = await booking(now + HOUR, now + 4 * HOUR);
    const ordersBefore = await app.ctx.db
      .selectFrom('orders')
      .selectAll()
      .where('booking_id', '=', b.id)
      .execute();
    assert.ok(await hostSeesGarage(now + 2 * HOUR), 'the booking gives the host the gate');

    const { pass, token } = await createPass(
      app.ctx,
      host,
      { guest: GUEST, plate: GUEST_PLATE, bookingId: b.id },
      now,
    );
    assert.equal(pass.bookingId, b.id);
    assert.equal(pass.startsAt, b.startsAt, "starts defaults to the booking's");
    assert.equal(pass.endsAt, b.endsAt, "ends defaults to the booking's");
    assert.deepEqual(pass.doorIds, gates, "the property's gates");
    assert.equal(pass.plate, GUEST_PLATE, "the guest's plate replaces the host's");
    assert.equal(pass.timeZone, 'America/New_York', "the property's zone");

    // During the window (and the booking's grace around it) the host is out, app and plate.
    for (const at of [now + HOUR - grace, now + 2 * HOUR, now + 4 * HOUR + grace - 1]) {
      assert.equal(await hostSeesGarage(at), false, `host out at +${(at - now) / MINUTE} min`);
      assert.equal(await findPlateGrant(app.ctx.db, w.doors.garage.id, HOST_PLATE, at), undefined);
      assert.ok(await findPlateGrant(app.ctx.db, w.doors.garage.id, GUEST_PLATE, at), 'the guest plate in');
    }
    const opened = await openWithLink(app.ctx, token, w.doors.garage.id, now + 2 * HOUR);
    assert.equal(opened.outcome, 'done');

    // Revoked in the middle: the host has the gates back at that instant, to the booking's end.
    const revokedAt = now + 2 * HOUR + 10 * MINUTE;
    await revokePass(app.ctx, host, pass.id, revokedAt);
    assert.equal(await hostSeesGarage(revokedAt), true, 'back at once');
    assert.equal(await hostSeesGarage(now + 4 * HOUR + grace - 1), true, 'to the end and its grace');
    assert.equal(await hostSeesGarage(now + 4 * HOUR + grace), false);
    assert.ok(await findPlateGrant(app.ctx.db, w.doors.garage.id, HOST_PLATE, revokedAt));
    assert.equal(await findPlateGrant(app.ctx.db, w.doors.garage.id, GUEST_PLATE, revokedAt), undefined);
    const before = await history();
    await assert.rejects(openWithLink(app.ctx, token, w.doors.garage.id, revokedAt + MINUTE), {
      code: 'guest_pass_revoked',
    });
    assert.equal(await history(), before, 'no history entry');
    // The host stays the payer: the order is as it was.
    assert.deepEqual(
      await app.ctx.db.selectFrom('orders').selectAll().where('booking_id', '=', b.id).execute(),
      ordersBefore,
    );
    // Lent again after the return: allowed (the returned window no longer clashes).
    const again = await createPass(
      app.ctx,
      host,
      { guest: GUEST, starts: iso(now + 3 * HOUR), bookingId: b.id },
      revokedAt,
    );
    assert.equal(again.pass.plate, HOST_PLATE, "no guest plate: the booking's goes with it");
    assert.equal(again.pass.endsAt, b.endsAt);
    assert.equal(
      await hostSeesGarage(now + 2 * HOUR + 30 * MINUTE),
      true,
      'the host keeps the part not lent',
    );
    assert.equal(await hostSeesGarage(now + 3 * HOUR), false);
  });

  test('the booking cancelled: the pass ends at once, its link refuses (no history entry)', async () => {
    const day = now + 1 * DAY; // a day of its own: the host's other bookings are elsewhere
    const b = await booking(day + HOUR, day + 4 * HOUR);
    const { pass, token } = await createPass(
      app.ctx,
      host,
      { guest: GUEST, plate: GUEST_PLATE, starts: iso(day + 2 * HOUR), bookingId: b.id },
      now,
    );
    assert.equal(pass.startsAt, day + 2 * HOUR);
    assert.equal(pass.endsAt, b.endsAt);
    const opened = await openWithLink(app.ctx, token, w.doors.lobby.id, day + 2 * HOUR + MINUTE);
    assert.equal(opened.outcome, 'done');

    const cancelledAt = day + 2 * HOUR + 30 * MINUTE;
    await cancelBooking(app.ctx.marketplace, host, b.id, cancelledAt);
    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', pass.id);
    assert.ok(grants.length > 0);
    assert.ok(
      grants.every((g) => g.endsAt !== null && g.endsAt <= cancelledAt),
      'every grant of the pass ended',
    );
    assert.equal(await findPlateGrant(app.ctx.db, w.doors.garage.id, GUEST_PLATE, cancelledAt), undefined);
    assert.equal(await hostSeesGarage(cancelledAt), false, 'nor does the host get it back');
    const before = await history();
    await assert.rejects(openWithLink(app.ctx, token, w.doors.lobby.id, cancelledAt + MINUTE), {
      code: 'guest_pass_revoked',
    });
    assert.equal(await history(), before, 'no history entry');
    const view = await viewByLink(app.ctx.db, token, cancelledAt + MINUTE);
    assert.equal(view.pass.status, 'revoked', 'the guest page says it is over');
    assert.equal(
      (await getPass(app.ctx.db, host, pass.id, cancelledAt)).status,
      'revoked',
      'and so does the API',
    );
    assert.ok(
      view.doors.every((d) => d.state === null),
      'and shows no door state',
    );
    const listed = async (status: 'active' | 'revoked') =>
      (await listPasses(app.ctx.db, host, { status, limit: 200 }, cancelledAt + MINUTE)).items.map(
        (p) => p.id,
      );
    assert.ok(!(await listed('active')).includes(pass.id), 'the list filtered by status agrees: not active');
    assert.ok((await listed('revoked')).includes(pass.id), 'but revoked');
  });

  test('a window outside the booking: 422 window_outside_booking, nothing written; one lent already: 409', async () => {
    const day = now + 2 * DAY; // a day of its own: the host's other bookings are elsewhere
    const b = await booking(day + HOUR, day + 3 * HOUR);
    const nothing = await written();
    for (const window of [
      { starts: iso(day + 30 * MINUTE), ends: iso(day + 2 * HOUR) },
      { starts: iso(day + 2 * HOUR), ends: iso(day + 3 * HOUR + MINUTE) },
    ]) {
      await assert.rejects(createPass(app.ctx, host, { guest: GUEST, ...window, bookingId: b.id }, now), {
        code: 'window_outside_booking',
      });
      assert.deepEqual(await written(), nothing, 'nothing written');
    }
    assert.ok(await hostSeesGarage(day + 2 * HOUR), 'the host keeps the gate');

    const { pass } = await createPass(
      app.ctx,
      host,
      { guest: GUEST, ends: iso(day + 2 * HOUR), bookingId: b.id },
      now,
    );
    const lent = await written();
    await assert.rejects(
      createPass(app.ctx, host, { guest: GUEST, starts: iso(day + 90 * MINUTE), bookingId: b.id }, now),
      { code: 'booking_not_transferable' },
    );
    assert.deepEqual(await written(), lent, 'nothing written');
    await assert.rejects(updatePassWindow(app.ctx, host, pass.id, { ends: iso(day + 150 * MINUTE) }, now), {
      code: 'lent_window_fixed',
    });
  });

  test("another person's booking: 404 booking_not_found (the owner's Admin too), nothing written; the pass is the host's", async () => {
    const day = now + 3 * DAY; // a day of its own: the host's other bookings are elsewhere
    const b = await booking(day + HOUR, day + 3 * HOUR);
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    const nothing = await written();
    for (const someone of [w.john, w.owner]) {
      await assert.rejects(createPass(app.ctx, someone, { guest: GUEST, bookingId: b.id }, now), {
        code: 'booking_not_found',
      });
      assert.deepEqual(await written(), nothing, 'nothing written');
    }
    const { pass } = await createPass(app.ctx, host, { guest: GUEST, bookingId: b.id }, now);
    await assert.rejects(getPass(app.ctx.db, w.owner, pass.id, now), { code: 'guest_pass_not_found' });
    await assert.rejects(revokePass(app.ctx, w.owner, pass.id, now), { code: 'guest_pass_not_found' });
    assert.equal(await hostSeesGarage(day + 2 * HOUR), false, 'still lent');
  });
});

describe(`lending a booking through the API: sync, the link, revocation (${TEST_DIALECT})`, () => {
  const PASSES = '/oauth/v1/endpoints/guest-passes';
  const SYNC = '/oauth/v1/endpoints/sync';
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let producer: string;
  let john: string;
  let bookingId: string;

  async function syncDoorIds(token: string): Promise<string[]> {
    const sync = await app.api(SYNC, token);
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    return sync.body.devices.flatMap((d: any) => d.doors.map((door: any) => door.id as string));
  }

  before(async () => {
    app = await startTestApp({ env: ENV });
    w = await guestWorld(app);
    producer = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: 'opendoor,guests,bookings' }))
      .access_token;
    john = (await app.tokensFor({ user: JOHN, scope: 'opendoor,guests' })).access_token;
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    const now = app.ctx.clock.now();
    const propertyId = await insertProperty(
      app.ctx.db,
      { accountId: w.owner.accountId, doorIds: [w.doors.garage.id] },
      now,
    );
    const listingId = await insertListing(app.ctx.db, { propertyId, accountId: w.owner.accountId }, now);
    // A booking that started a minute ago, for three hours.
    const { quote } = await quoteListing(
      app.ctx.marketplace,
      w.production,
      listingId,
      { starts: iso(now - MINUTE), ends: iso(now + 3 * HOUR) },
      now,
    );
    const booked = await book(
      app.ctx.marketplace,
      w.production,
      { quoteId: quote.id, finalPrice: quote.total, plate: HOST_PLATE, paymentMethod: 'pm_card_visa' },
      now,
    );
    bookingId = booked.id;
  });
  after(() => app.close());

  test('lent: the host loses the gate in sync and the guest link opens it; revoked: the host has it back', async () => {
    assert.ok((await syncDoorIds(producer)).includes(w.doors.garage.id), 'the booking gives the gate');
    const created = await app.api(PASSES, producer, {
      body: {
        guest: { first_name: 'Maya', last_name: 'Lindqvist' },
        plate: GUEST_PLATE,
        booking_id: bookingId,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const pass = created.body.data;
    assert.equal(pass.status, 'active');
    assert.equal(pass.booking_id, bookingId);
    assert.deepEqual(pass.door_ids, [w.doors.garage.id]);
    assert.equal(pass.plate, GUEST_PLATE);
    const token = pass.link.split('/g/')[1];
    app.remember(token);

    assert.equal((await syncDoorIds(producer)).includes(w.doors.garage.id), false, 'lent: gone from sync');
    const opened = await openWithLink(app.ctx, token, w.doors.garage.id, app.ctx.clock.now());
    assert.equal(opened.outcome, 'done');

    const revoked = await app.api(`${PASSES}/${pass.id}`, producer, { method: 'DELETE' });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.ok((await syncDoorIds(producer)).includes(w.doors.garage.id), 'back in sync at once');
    await assert.rejects(openWithLink(app.ctx, token, w.doors.garage.id, app.ctx.clock.now()), {
      code: 'guest_pass_revoked',
    });
  });

  test("another person's booking: 404 booking_not_found; a window outside it: 422; door_ids with it: 400", async () => {
    const before = await app.ctx.db.selectFrom('booking_transfers').selectAll().execute();
    const guest = { first_name: 'Maya', last_name: 'Lindqvist' };
    const foreign = await app.api(PASSES, john, { body: { guest, booking_id: bookingId } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.errors[0].code, 'booking_not_found');
    const outside = await app.api(PASSES, producer, {
      body: { guest, booking_id: bookingId, ends: iso(app.ctx.clock.now() + 4 * HOUR) },
    });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.errors[0].code, 'window_outside_booking');
    const withDoors = await app.api(PASSES, producer, {
      body: { guest, booking_id: bookingId, door_ids: [w.doors.garage.id] },
    });
    assert.equal(withDoors.status, 400);
    assert.equal(withDoors.body.errors[0].code, 'invalid_guest_pass');
    assert.deepEqual(await app.ctx.db.selectFrom('booking_transfers').selectAll().execute(), before);
  });
});
