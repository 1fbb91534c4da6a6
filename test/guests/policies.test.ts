import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setPermissions } from '../../src/accounts/permissions.ts';
import { createPass, revokePass, updatePassWindow } from '../../src/guests/passes.ts';
import { getPolicy, putPolicy } from '../../src/guests/policies.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { DAY, GUEST, guestRowCounts, guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

describe('the guest policy: who sets it, what it holds', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
  });
  after(() => app.close());

  test('none at first; the Admin sets it; a limit left out is no limit; any member reads it', async () => {
    const none = { maxActivePassesPerHost: null, maxPassHours: null, maxDaysPerPlate30d: null };
    assert.deepEqual(await getPolicy(app.ctx.db, w.owner), none);
    const set = await putPolicy(app.ctx.db, w.owner, { maxActivePassesPerHost: 2, maxPassHours: 8 }, 1);
    assert.deepEqual(set, { maxActivePassesPerHost: 2, maxPassHours: 8, maxDaysPerPlate30d: null });
    assert.deepEqual(await getPolicy(app.ctx.db, w.john), set, 'John reads his account’s policy');
    assert.deepEqual(await getPolicy(app.ctx.db, w.production), none, 'another account has its own');
    assert.deepEqual(
      await putPolicy(app.ctx.db, w.owner, { maxDaysPerPlate30d: 30 }, 2),
      { maxActivePassesPerHost: null, maxPassHours: null, maxDaysPerPlate30d: 30 },
      'PUT replaces the whole policy',
    );
  });

  test('a User, even with the guests permission, cannot set it', async () => {
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    await assert.rejects(putPolicy(app.ctx.db, w.john, { maxPassHours: 1 }, 3), { code: 'forbidden' });
    assert.equal((await getPolicy(app.ctx.db, w.owner)).maxPassHours, null);
  });

  test('limits are whole numbers from 1 (plate days at most 30)', async () => {
    for (const bad of [
      { maxPassHours: 0 },
      { maxPassHours: -1 },
      { maxPassHours: 1.5 },
      { maxActivePassesPerHost: '2' as unknown as number },
      { maxDaysPerPlate30d: 31 },
    ]) {
      await assert.rejects(
        putPolicy(app.ctx.db, w.owner, bad, 4),
        { code: 'invalid_guest_policy' },
        JSON.stringify(bad),
      );
    }
    assert.equal((await getPolicy(app.ctx.db, w.owner)).maxDaysPerPlate30d, 30, 'unchanged');
  });
});

describe('the guest policy at its limits (exactly at the limit passes, one over is 422 policy_limit)', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
  });
  after(() => app.close());
  beforeEach(async () => {
    // Each test starts from no passes and no policy.
    await app.ctx.db.deleteFrom('guest_passes').execute();
    await app.ctx.db.deleteFrom('access_grants').where('source', '=', 'guest_pass').execute();
    await app.ctx.db.deleteFrom('guest_policies').execute();
    now = app.ctx.clock.now();
  });

  const make = (
    host: 'owner' | 'john',
    window: { starts?: string; ends: string },
    at = now,
    plate?: string,
  ) => createPass(app.ctx, w[host], { guest: GUEST, plate, ...window, doorIds: [w.doors.garage.id] }, at);

  async function overLimit(work: () => Promise<unknown>, rule: string, limit: number, actual: number) {
    const before = await guestRowCounts(app);
    await assert.rejects(
      work,
      (error: {
        code: string;
        kind: string;
        message: string;
        rule: string;
        limit: number;
        actual: number;
      }) => {
        assert.equal(error.code, 'policy_limit');
        assert.equal(error.kind, 'unprocessable');
        assert.equal(error.rule, rule);
        assert.equal(error.limit, limit);
        assert.equal(error.actual, actual);
        assert.ok(error.message.startsWith(`${rule}: `), error.message);
        assert.ok(
          error.message.includes(String(limit)) && error.message.includes(String(actual)),
          error.message,
        );
        return true;
      },
    );
    assert.deepEqual(await guestRowCounts(app), before, 'nothing written');
  }

  test('max_pass_hours: 3 hours exactly passes, a millisecond more does not', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxPassHours: 3 }, now);
    await make('owner', { starts: iso(now), ends: iso(now + 3 * HOUR) });
    await overLimit(
      () => make('owner', { starts: iso(now), ends: iso(now + 3 * HOUR + 1) }),
      'max_pass_hours',
      3,
      3.01,
    );
    await overLimit(
      () => make('owner', { starts: iso(now), ends: iso(now + 4 * HOUR) }),
      'max_pass_hours',
      3,
      4,
    );
  });

  test('max_pass_hours counts real hours: midnight to 04:00 on the spring-forward night is 3 hours', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxPassHours: 3 }, now);
    const night = Date.UTC(2030, 2, 9, 12);
    const { pass } = await make('owner', { starts: '2030-03-10T00:00', ends: '2030-03-10T04:00' }, night);
    assert.equal(pass.endsAt - pass.startsAt, 3 * HOUR);
    await overLimit(
      () => make('owner', { starts: '2030-11-03T00:00', ends: '2030-11-03T03:00' }, night),
      'max_pass_hours',
      3,
      4,
    );
  });

  test('max_active_passes_per_host: two at once pass, a third at once does not; back to back is not at once', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxActivePassesPerHost: 2 }, now);
    await make('owner', { starts: iso(now), ends: iso(now + 2 * HOUR) });
    await make('owner', { starts: iso(now + HOUR), ends: iso(now + 3 * HOUR) });
    await overLimit(
      () => make('owner', { starts: iso(now + 90 * MINUTE), ends: iso(now + 100 * MINUTE) }),
      'max_active_passes_per_host',
      2,
      3,
    );
    // [2h, 4h) meets the first one's end: at 2h only the second is in force.
    await make('owner', { starts: iso(now + 2 * HOUR), ends: iso(now + 4 * HOUR) });
    // Next week, as many as the limit again.
    await make('owner', { starts: iso(now + 7 * DAY), ends: iso(now + 7 * DAY + HOUR) });
    await make('owner', { starts: iso(now + 7 * DAY), ends: iso(now + 7 * DAY + HOUR) });
    await overLimit(
      () => make('owner', { starts: iso(now + 7 * DAY), ends: iso(now + 7 * DAY + HOUR) }),
      'max_active_passes_per_host',
      2,
      3,
    );
  });

  test('max_active_passes_per_host is per host; a revoked pass stops counting; an edit is not counted twice', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxActivePassesPerHost: 1 }, now);
    const { pass: first } = await make('owner', { starts: iso(now), ends: iso(now + HOUR) });
    await make('john', { starts: iso(now), ends: iso(now + HOUR) });
    await overLimit(
      () => make('owner', { starts: iso(now), ends: iso(now + HOUR) }),
      'max_active_passes_per_host',
      1,
      2,
    );
    // Longer: itself only.
    await updatePassWindow(app.ctx, w.owner, first.id, { ends: iso(now + 2 * HOUR) }, now);
    await revokePass(app.ctx, w.owner, first.id, now + MINUTE);
    await make('owner', { starts: iso(now + MINUTE), ends: iso(now + HOUR) }, now + MINUTE);
  });

  test('max_days_per_plate_30d: 3 days in 30 pass, a 4th within 30 days does not, one on day 31 does', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxDaysPerPlate30d: 3 }, now);
    const day = (n: number) => `2030-01-${String(n).padStart(2, '0')}`;
    const at = Date.UTC(2029, 11, 1);
    for (const n of [1, 2, 3])
      await make('owner', { starts: `${day(n)}T10:00`, ends: `${day(n)}T12:00` }, at, 'GH-1906');
    // The same plate as readers see it: O for 0, spaces for dashes.
    await overLimit(
      () => make('owner', { starts: '2030-01-30T10:00', ends: '2030-01-30T11:00' }, at, 'gh 19O6'),
      'max_days_per_plate_30d',
      3,
      4,
    );
    // Another plate, and the same plate in another account, are not this plate.
    await make('owner', { starts: '2030-01-30T10:00', ends: '2030-01-30T11:00' }, at, 'GH-1907');
    // 2030-01-31: the 30 days [01-02, 01-31] hold 01-02, 01-03 and it: 3.
    await make('owner', { starts: '2030-01-31T10:00', ends: '2030-01-31T11:00' }, at, 'GH1906');
    // Another pass on a day already counted adds no day.
    await make('john', { starts: '2030-01-31T15:00', ends: '2030-01-31T16:00' }, at, 'GH1906');
    // A pass over two days counts both: 01-30 would be a 4th day in [01-01, 01-30].
    await overLimit(
      () => make('owner', { starts: '2030-01-30T23:00', ends: '2030-01-31T01:00' }, at, 'GH1906'),
      'max_days_per_plate_30d',
      3,
      4,
    );
  });

  test('max_days_per_plate_30d: a pass revoked before its start occupies no day', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxDaysPerPlate30d: 1 }, now);
    const at = Date.UTC(2030, 4, 1);
    const { pass } = await make(
      'owner',
      { starts: '2030-05-10T10:00', ends: '2030-05-10T11:00' },
      at,
      'REV 1',
    );
    await overLimit(
      () => make('owner', { starts: '2030-05-11T10:00', ends: '2030-05-11T11:00' }, at, 'REV 1'),
      'max_days_per_plate_30d',
      1,
      2,
    );
    await revokePass(app.ctx, w.owner, pass.id, at);
    await make('owner', { starts: '2030-05-11T10:00', ends: '2030-05-11T11:00' }, at, 'REV 1');
  });

  test('max_days_per_plate_30d counts local calendar days across DST: a 25-hour day is one day, a 23-hour day too', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxDaysPerPlate30d: 2 }, now);
    const at = Date.UTC(2030, 1, 1);
    // 2030-11-03 in New York lasts 25 hours (fall back): one calendar day, not two 24-hour periods.
    const { pass: fall } = await make(
      'owner',
      { starts: '2030-11-03T00:00', ends: '2030-11-04T00:00' },
      at,
      'DST 1',
    );
    assert.equal(fall.endsAt - fall.startsAt, 25 * HOUR);
    await make('owner', { starts: '2030-11-04T08:00', ends: '2030-11-04T09:00' }, at, 'DST 1');
    await overLimit(
      () => make('owner', { starts: '2030-11-05T08:00', ends: '2030-11-05T09:00' }, at, 'DST 1'),
      'max_days_per_plate_30d',
      2,
      3,
    );
    // 2030-03-10 lasts 23 hours (spring forward): a pass over all of it is one day.
    const { pass: spring } = await make(
      'owner',
      { starts: '2030-03-10T00:00', ends: '2030-03-11T00:00' },
      at,
      'DST 2',
    );
    assert.equal(spring.endsAt - spring.startsAt, 23 * HOUR);
    await make('owner', { starts: '2030-03-11T08:00', ends: '2030-03-11T09:00' }, at, 'DST 2');
    await overLimit(
      () => make('owner', { starts: '2030-03-09T08:00', ends: '2030-03-09T09:00' }, at, 'DST 2'),
      'max_days_per_plate_30d',
      2,
      3,
    );
  });

  test('max_days_per_plate_30d: the 30 days roll over the spring change in the zone’s calendar, not UTC’s', async () => {
    await putPolicy(app.ctx.db, w.owner, { maxDaysPerPlate30d: 2 }, now);
    const at = Date.UTC(2030, 0, 1);
    // 23:00 EST on 02-19 is 04:00Z on 02-20: a local 02-19.
    await make('owner', { starts: '2030-02-19T23:00', ends: '2030-02-19T23:30' }, at, 'ROLL 1');
    await make('owner', { starts: '2030-03-20T12:00', ends: '2030-03-20T13:00' }, at, 'ROLL 1');
    // 03-21 (after the change): [02-20, 03-21] holds 03-20 and 03-21 only — read in UTC, 02-20 would
    // be a third day.
    await make('owner', { starts: '2030-03-21T10:00', ends: '2030-03-21T11:00' }, at, 'ROLL 1');
    // 03-19 makes three in [02-19, 03-20] (02-19, 03-19, 03-20) and in [02-20, 03-21].
    await overLimit(
      () => make('owner', { starts: '2030-03-19T10:00', ends: '2030-03-19T11:00' }, at, 'ROLL 1'),
      'max_days_per_plate_30d',
      2,
      3,
    );
  });
});

test('simultaneous passes at the last place: exactly one is made, the others are policy_limit', async () => {
  const app = await startTestApp();
  try {
    const w = await guestWorld(app);
    const now = app.ctx.clock.now();
    await putPolicy(app.ctx.db, w.owner, { maxActivePassesPerHost: 1 }, now);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        createPass(
          app.ctx,
          w.owner,
          {
            guest: { firstName: `Guest${i}`, lastName: 'Race' },
            ends: iso(now + HOUR),
            doorIds: [w.doors.garage.id],
          },
          now,
        ),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'policy_limit');
    }
    const rows = await app.ctx.db.selectFrom('guest_passes').select('id').execute();
    assert.equal(rows.length, 1);
  } finally {
    await app.close();
  }
});
