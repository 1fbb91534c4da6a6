import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GrantInputError } from '../../src/access/errors.ts';
import {
  endGrant,
  endGrantsOfSource,
  findGuestGrant,
  findPlateGrant,
  type GrantSource,
  grantAccess,
  listDoorGrants,
  listGrantsOfSource,
  listPersonGrants,
} from '../../src/access/grants.ts';
import { listVisibleDoors } from '../../src/access/visible-doors.ts';
import { isSamePlate, normalizePlate, plateMatchKey } from '../../src/lib/plates.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { JOHN, startTestApp, type TestApp } from '../helpers/test-app.ts';

const MINUTE = 60_000;

describe('plates (products.md §0)', () => {
  test('stored as typed, normalised upper case without spaces or dashes', () => {
    assert.equal(normalizePlate(' ab-c 123 '), 'ABC123');
    assert.equal(normalizePlate('7-xyz--9'), '7XYZ9');
  });
  test('matching also reads O as 0 and I as 1', () => {
    assert.equal(plateMatchKey('OIL-10'), '01L10');
    assert.ok(isSamePlate('ABC O1I', 'abc-011'));
    assert.ok(isSamePlate('io', 'I0'));
    assert.ok(!isSamePlate('ABC123', 'ABC124'));
    assert.ok(!isSamePlate('B8', '88'), 'only O/0 and I/1 are confused');
  });
});

describe('access grants (src/access/grants.ts)', () => {
  let app: TestApp;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let john: { userId: string; accountId: string; role: 'admin' | 'user' };
  let t0: number;
  before(async () => {
    app = await startTestApp();
    doors = await testingDoors(app);
    const row = await app.ctx.db
      .selectFrom('users')
      .select(['id', 'account_id', 'role'])
      .where('email', '=', JOHN.email)
      .executeTakeFirstOrThrow();
    john = { userId: row.id, accountId: row.account_id, role: row.role };
    t0 = app.ctx.clock.now() + 10 * MINUTE;
  });
  after(() => app.close());

  const sees = async (doorId: string, at: number) =>
    (await listVisibleDoors(app.ctx.db, john, { apiOnly: false, at })).some((d) => d.door.id === doorId);

  for (const source of ['invitation', 'booking', 'guest_pass'] as GrantSource[]) {
    test(`a ${source} grant counts exactly inside [starts_at, ends_at)`, async () => {
      const doorId = doors.lobby.id;
      const start = t0 + 1000;
      const end = start + 5 * MINUTE;
      const grant = await grantAccess(
        app.ctx.db,
        {
          doorId,
          holder: { kind: 'person', userId: john.userId },
          startsAt: start,
          endsAt: end,
          source,
          sourceId: `${source}-1`,
        },
        app.ctx.clock.now(),
      );
      try {
        assert.equal(await sees(doorId, start - MINUTE), false, 'before');
        assert.equal(await sees(doorId, start - 1), false, 'just before the start');
        assert.equal(await sees(doorId, start), true, 'at the start');
        assert.equal(await sees(doorId, start + MINUTE), true, 'inside');
        assert.equal(await sees(doorId, end - 1), true, 'just before the end');
        assert.equal(await sees(doorId, end), false, 'at the end');
        assert.equal(await sees(doorId, end + MINUTE), false, 'after');
        const listed = await listPersonGrants(app.ctx.db, john.userId, start);
        assert.ok(
          listed.some((g) => g.id === grant.id && g.source === source && g.sourceId === `${source}-1`),
        );
      } finally {
        await endGrant(app.ctx.db, grant.id, 0);
      }
    });
  }

  test('an open-ended grant never ends; ending it takes effect at the moment given', async () => {
    const doorId = doors.elevator.id;
    const grant = await grantAccess(
      app.ctx.db,
      {
        doorId,
        holder: { kind: 'person', userId: john.userId },
        startsAt: t0,
        endsAt: null,
        source: 'booking',
      },
      t0,
    );
    assert.equal(await sees(doorId, t0 + 1000 * 24 * 3600 * 365), true);
    assert.equal(await endGrant(app.ctx.db, grant.id, t0 + MINUTE), true);
    assert.equal(await endGrant(app.ctx.db, grant.id, t0 + 2 * MINUTE), false, 'already ended earlier');
    assert.equal(await sees(doorId, t0 + MINUTE - 1), true);
    assert.equal(await sees(doorId, t0 + MINUTE), false);
    const [stored] = await listDoorGrants(app.ctx.db, doorId, { from: t0, to: t0 + MINUTE });
    assert.equal(stored?.endsAt, t0 + MINUTE, 'the record stays, with its window');
  });

  test("ending a product record's grants ends all of them; a grant not yet started ends empty", async () => {
    const made = [];
    for (const doorId of [doors.lobby.id, doors.elevator.id]) {
      made.push(
        await grantAccess(
          app.ctx.db,
          {
            doorId,
            holder: { kind: 'person', userId: john.userId },
            startsAt: t0 + 10 * MINUTE,
            endsAt: t0 + 20 * MINUTE,
            source: 'guest_pass',
            sourceId: 'pass-to-revoke',
          },
          t0,
        ),
      );
    }
    assert.equal(await endGrantsOfSource(app.ctx.db, 'guest_pass', 'pass-to-revoke', t0), 2);
    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', 'pass-to-revoke');
    assert.deepEqual(
      grants.map((g) => [g.startsAt, g.endsAt]),
      [
        [t0 + 10 * MINUTE, t0 + 10 * MINUTE],
        [t0 + 10 * MINUTE, t0 + 10 * MINUTE],
      ],
    );
    assert.equal(await sees(doors.lobby.id, t0 + 15 * MINUTE), false);
  });

  test('plate grants: stored as typed, found by door and time in the match form', async () => {
    const grant = await grantAccess(
      app.ctx.db,
      {
        doorId: doors.backGate.id,
        holder: { kind: 'plate', plate: 'ab-c 1o1' },
        startsAt: t0,
        endsAt: t0 + MINUTE,
        source: 'booking',
        sourceId: 'booking-plate',
      },
      t0,
    );
    assert.deepEqual(grant.holder, { kind: 'plate', plate: 'ab-c 1o1' });
    for (const read of ['ABC1O1', 'abc101', 'A B C-I 0 I', 'abc-IOI']) {
      const found = await findPlateGrant(app.ctx.db, doors.backGate.id, read, t0 + 1);
      assert.equal(found?.id, grant.id, read);
    }
    assert.equal(
      await findPlateGrant(app.ctx.db, doors.backGate.id, 'ABC102', t0 + 1),
      undefined,
      'another plate',
    );
    assert.equal(
      await findPlateGrant(app.ctx.db, doors.garage.id, 'ABC101', t0 + 1),
      undefined,
      'another door',
    );
    assert.equal(await findPlateGrant(app.ctx.db, doors.backGate.id, 'ABC101', t0 - 1), undefined, 'before');
    assert.equal(
      await findPlateGrant(app.ctx.db, doors.backGate.id, 'ABC101', t0 + MINUTE),
      undefined,
      'at the end',
    );
    const listed = await listDoorGrants(app.ctx.db, doors.backGate.id, { at: t0 });
    assert.deepEqual(
      listed.map((g) => g.id),
      [grant.id],
    );
    assert.deepEqual(
      await listDoorGrants(app.ctx.db, doors.backGate.id, { from: t0 + MINUTE, to: t0 + 2 * MINUTE }),
      [],
    );
    // A plate grant gives no person anything.
    assert.equal(await sees(doors.backGate.id, t0 + 1), false);
  });

  test('guest grants are found by their product record, door and time', async () => {
    const grant = await grantAccess(
      app.ctx.db,
      {
        doorId: doors.garage.id,
        holder: { kind: 'guest', label: 'Gina Guest' },
        startsAt: t0,
        endsAt: t0 + MINUTE,
        source: 'guest_pass',
        sourceId: 'pass-1',
      },
      t0,
    );
    const of = { source: 'guest_pass', sourceId: 'pass-1' };
    assert.equal((await findGuestGrant(app.ctx.db, doors.garage.id, of, t0))?.id, grant.id);
    assert.equal(await findGuestGrant(app.ctx.db, doors.garage.id, of, t0 + MINUTE), undefined);
    assert.equal(await findGuestGrant(app.ctx.db, doors.lobby.id, of, t0), undefined);
    assert.equal(
      await findGuestGrant(app.ctx.db, doors.garage.id, { source: 'guest_pass', sourceId: 'pass-2' }, t0),
      undefined,
    );
  });

  test('refused: an empty or reversed window, a plate or guest without one', async () => {
    const base = { doorId: doors.lobby.id, source: 'booking' as const };
    const person = { kind: 'person' as const, userId: john.userId };
    const before = await app.ctx.db.selectFrom('access_grants').select('id').execute();
    for (const grant of [
      { ...base, holder: person, startsAt: t0, endsAt: t0 },
      { ...base, holder: person, startsAt: t0, endsAt: t0 - 1 },
      { ...base, holder: { kind: 'plate' as const, plate: ' - ' }, startsAt: t0, endsAt: null },
      { ...base, holder: { kind: 'guest' as const, label: ' ' }, startsAt: t0, endsAt: null },
    ]) {
      await assert.rejects(grantAccess(app.ctx.db, grant, t0), GrantInputError);
    }
    assert.equal((await app.ctx.db.selectFrom('access_grants').select('id').execute()).length, before.length);
  });
});
