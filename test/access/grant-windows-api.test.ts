import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DoorNotFound } from '../../src/access/errors.ts';
import { endGrant, type GrantSource, grantAccess } from '../../src/access/grants.ts';
import { toggleDoor } from '../../src/access/toggle.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { historyOf, testingDoors } from '../api/access-fixtures.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';

const SYNC = '/oauth/v1/endpoints/sync';
const TOGGLE = '/oauth/v1/endpoint/toggle';
const HISTORY = '/oauth/v1/endpoints/toggle-history';
const MINUTE = 60_000;

/**
 * A grant outside its window is exactly no grant (products.md §0), through every reader an app uses:
 * sync, toggle and the access history — with the hot caches on, and the clock moved by hand to each
 * edge of the half-open window.
 */
describe('grant windows through the documented endpoints (hot caches on)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let johnId: string;
  let token: string;
  before(async () => {
    // A whole second: the edges below are milliseconds apart, never at a second's boundary by chance.
    clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000 + 500);
    app = await startTestApp({
      clock,
      env: { PARQEX_CACHE_TTL_MS: '60000', PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' },
    });
    doors = await testingDoors(app);
    johnId = (
      await app.ctx.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', JOHN.email)
        .executeTakeFirstOrThrow()
    ).id;
    token = (await app.tokensFor()).access_token;
  });
  after(() => app.close());

  const synced = async (doorId: string) => {
    const sync = await app.api(SYNC, token);
    assert.equal(sync.status, 200);
    return sync.body.devices.some((d: any) => d.doors.some((door: any) => door.id === doorId));
  };
  const toggle = (doorId: string) =>
    app.api(TOGGLE, token, { body: { door_id: doorId, door_state: 'OPEN' } });
  const history = (doorId: string) =>
    app.api(`${HISTORY}?start_date=TODAY&end_date=TODAY&history_type=door&door_id=${doorId}`, token);

  /** Everything an app sees of the door now: in sync, its history, and a toggle's answer. */
  const seen = async (doorId: string) => {
    const inSync = await synced(doorId);
    const historyStatus = (await history(doorId)).status;
    const before = (await historyOf(app, doorId)).length;
    const toggled = await toggle(doorId);
    const written = (await historyOf(app, doorId)).length - before;
    return { inSync, historyStatus, toggleStatus: toggled.status, recorded: written > 0 };
  };
  const VISIBLE = { inSync: true, historyStatus: 200, toggleStatus: 200, recorded: true };
  const ABSENT = { inSync: false, historyStatus: 404, toggleStatus: 404, recorded: false };

  for (const source of ['invitation', 'booking', 'guest_pass'] as GrantSource[]) {
    test(`a ${source} grant: absent before, present from starts_at, gone at ends_at`, async () => {
      const doorId = doors.lobby.id;
      const start = clock.now() + 2 * MINUTE;
      const end = start + 3 * MINUTE;
      const grant = await grantAccess(
        app.ctx.db,
        {
          doorId,
          holder: { kind: 'person', userId: johnId },
          startsAt: start,
          endsAt: end,
          source,
          sourceId: source,
        },
        clock.now(),
      );
      try {
        assert.deepEqual(await seen(doorId), ABSENT, 'well before');
        clock.advance(start - 1 - clock.now());
        assert.deepEqual(await seen(doorId), ABSENT, '1 ms before starts_at');
        clock.advance(1);
        assert.deepEqual(await seen(doorId), VISIBLE, 'at starts_at');
        clock.advance(MINUTE);
        assert.deepEqual(await seen(doorId), VISIBLE, 'inside');
        clock.advance(end - 1 - clock.now());
        assert.deepEqual(await seen(doorId), VISIBLE, '1 ms before ends_at');
        clock.advance(1);
        assert.deepEqual(await seen(doorId), ABSENT, 'at ends_at');
        clock.advance(MINUTE);
        assert.deepEqual(await seen(doorId), ABSENT, 'after');
      } finally {
        await endGrant(app.ctx.db, grant.id, 0);
      }
    });
  }

  test('a cached door list never outlives the window edge it depends on', async () => {
    const doorId = doors.elevator.id;
    const start = clock.now() + MINUTE;
    const end = start + MINUTE;
    const grant = await grantAccess(
      app.ctx.db,
      { doorId, holder: { kind: 'person', userId: johnId }, startsAt: start, endsAt: end, source: 'booking' },
      clock.now(),
    );
    try {
      clock.advance(start - 1 - clock.now());
      // Only reads from here on: nothing empties the caches but the window's own edges.
      assert.equal(await synced(doorId), false);
      assert.equal(await synced(doorId), false);
      if (TEST_DIALECT === 'sqlite') assert.ok(app.ctx.caches.visibleDoors.size > 0, 'the list is cached');
      clock.advance(1);
      assert.equal(await synced(doorId), true, 'visible exactly at starts_at, cache or not');
      clock.advance(end - 1 - clock.now());
      assert.equal(await synced(doorId), true);
      clock.advance(1);
      assert.equal(await synced(doorId), false, 'gone exactly at ends_at, cache or not');
    } finally {
      await endGrant(app.ctx.db, grant.id, 0);
    }
  });

  test('a guest with a link and a plate at a camera open a door only inside their window, as themselves', async () => {
    const doorId = doors.garage.id;
    const start = clock.now() + MINUTE;
    const end = start + MINUTE;
    await grantAccess(
      app.ctx.db,
      {
        doorId,
        holder: { kind: 'guest', label: 'Gina Guest' },
        startsAt: start,
        endsAt: end,
        source: 'guest_pass',
        sourceId: 'pass-gina',
      },
      clock.now(),
    );
    await grantAccess(
      app.ctx.db,
      {
        doorId,
        holder: { kind: 'plate', plate: 'GIN-A01' },
        startsAt: start,
        endsAt: end,
        source: 'guest_pass',
        sourceId: 'pass-gina',
      },
      clock.now(),
    );
    const guest = {
      kind: 'guest' as const,
      channel: 'GuestAccess',
      label: 'Gina Guest',
      grant: { source: 'guest_pass', sourceId: 'pass-gina' },
    };
    const plate = { kind: 'plate' as const, channel: 'LPR', plate: 'gina o1' };
    const open = (actor: typeof guest | typeof plate) =>
      toggleDoor(app.ctx.toggleDeps, actor, { doorId, state: 'OPEN' }, { apiOnly: false, now: clock.now() });

    const before = (await historyOf(app, doorId)).length;
    await assert.rejects(open(guest), DoorNotFound, 'before the window');
    await assert.rejects(open(plate), DoorNotFound, 'before the window');
    clock.advance(start - clock.now());
    assert.equal((await open(guest)).outcome, 'done');
    assert.equal((await open(plate)).outcome, 'done');
    clock.advance(end - clock.now());
    await assert.rejects(open(guest), DoorNotFound, 'at the end');
    await assert.rejects(open(plate), DoorNotFound, 'at the end');

    const attempts = (await historyOf(app, doorId)).slice(before).filter((e) => e.outcome !== 'sensor');
    assert.deepEqual(attempts.map((e) => [e.channel, e.actor_kind, e.actor_label, e.user_id]).sort(), [
      ['GuestAccess', 'guest', 'Gina Guest', null],
      ['LPR', 'plate', 'gina o1', null],
    ]);
    // John (Has Access to the garage) sees his own events and the sensor's, never a guest's or plate's.
    const page = await history(doorId);
    assert.equal(page.status, 200);
    assert.ok(
      page.body.data.toggle_events.every((e: any) => e.channel !== 'GuestAccess' && e.channel !== 'LPR'),
    );
    // The Owner sees them, as events of no person: the documented fields, unchanged.
    const owner = (await app.tokensFor({ user: { email: 'test@parqex.com', password: 'parqex-test' } }))
      .access_token;
    const ownerPage = await app.api(
      `${HISTORY}?start_date=TODAY&end_date=TODAY&history_type=door&door_id=${doorId}`,
      owner,
    );
    const guestEvent = ownerPage.body.data.toggle_events.find((e: any) => e.channel === 'GuestAccess');
    assert.deepEqual(guestEvent.user, { id: '', first_name: '', last_name: '', email_address: '' });
    // The Owner's history page says who it was.
    const browser = app.browser();
    await app.signIn(browser, TEST_OWNER, '/history');
    const historyPage = await browser.get(`/history?show=door:${doorId}`);
    assert.equal(historyPage.status, 200);
    assert.match(historyPage.text_, /Guest Gina Guest asked <strong>Garage<\/strong> to open/);
    assert.match(historyPage.text_, /Plate gina o1 asked <strong>Garage<\/strong> to open/);
  });
});
