import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { endInvitationGrants, findGuestGrant, listGrantsOfSource } from '../../src/access/grants.ts';
import { removeAccess } from '../../src/access/remove-access.ts';
import { setPermissions } from '../../src/accounts/permissions.ts';
import { findPassByLink } from '../../src/guests/guest-links.ts';
import { createPass, getPass, listPasses, updatePassWindow } from '../../src/guests/passes.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { DAY, GUEST, guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

describe('a host who loses the door: what they lent ends with it', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    now = app.ctx.clock.now();
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
  });
  after(() => app.close());

  test('John lends Garage, the Admin removes his Garage: the pass is revoked everywhere and John cannot extend it', async () => {
    const { pass, token } = await createPass(
      app.ctx,
      w.john,
      { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
      now,
    );
    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', pass.id);
    assert.ok(grants.length > 0);
    assert.ok(
      grants.every((g) => g.grantedBy === w.john.userId),
      'the pass grants name its host',
    );

    const later = now + MINUTE;
    await removeAccess(app.ctx.db, w.owner, { userId: w.john.userId }, [w.doors.garage.id], later);

    // The guest's grant on Garage ended with John's.
    const of = { source: 'guest_pass', sourceId: pass.id };
    assert.equal(await findGuestGrant(app.ctx.db, w.doors.garage.id, of, later + 1), undefined);
    assert.equal((await getPass(app.ctx.db, w.john, pass.id, later + 1)).status, 'revoked');
    assert.equal((await findPassByLink(app.ctx.db, token, later + 1))?.status, 'revoked');
    const listed = await listPasses(app.ctx.db, w.owner, { status: 'revoked' }, later + 1);
    assert.deepEqual(
      listed.items.map((p) => p.id),
      [pass.id],
    );
    const active = await listPasses(app.ctx.db, w.owner, { status: 'active' }, later + 1);
    assert.deepEqual(active.items, []);

    // A later end is refused, nothing granted again.
    await assert.rejects(
      updatePassWindow(app.ctx, w.john, pass.id, { ends: iso(now + 90 * DAY) }, later + 2),
      (e: { code?: string }) => e.code === 'guest_pass_ended',
    );
    const after = await listGrantsOfSource(app.ctx.db, 'guest_pass', pass.id);
    assert.ok(after.every((g) => g.endsAt !== null && g.endsAt <= later));
  });

  test('a host who cannot operate a door of the pass any more cannot move its window (404 door_not_found)', async () => {
    // A fresh world: John holds Garage again through an invitation, lends it, then his invitation grant
    // ends (without anything else ending): the pass's own grants still run, but he may not extend it.
    const fresh = await startTestApp();
    try {
      const v = await guestWorld(fresh);
      const t = fresh.ctx.clock.now();
      await setPermissions(fresh.ctx.db, v.owner, v.john.userId, { guests: true });
      const { pass } = await createPass(
        fresh.ctx,
        v.john,
        { guest: GUEST, ends: iso(t + HOUR), doorIds: [v.doors.garage.id] },
        t,
      );
      await endInvitationGrants(fresh.ctx.db, v.john.userId, [v.doors.garage.id], t + 1);
      await assert.rejects(
        updatePassWindow(fresh.ctx, v.john, pass.id, { ends: iso(t + 2 * HOUR) }, t + 2),
        (e: { code?: string }) => e.code === 'door_not_found',
      );
      assert.equal((await getPass(fresh.ctx.db, v.john, pass.id, t + 2)).endsAt, t + HOUR, 'unchanged');
      // The Admin still may.
      const moved = await updatePassWindow(fresh.ctx, v.owner, pass.id, { ends: iso(t + 2 * HOUR) }, t + 3);
      assert.equal(moved.endsAt, t + 2 * HOUR);
    } finally {
      await fresh.close();
    }
  });
});

test('a running pass extended from a form (its start to the minute) keeps its start: no window_in_past', async () => {
  const app = await startTestApp();
  try {
    const w = await guestWorld(app);
    const t = app.ctx.clock.now() + 37_123; // not on a minute
    const { pass } = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, ends: iso(t + HOUR), doorIds: [w.doors.garage.id] },
      t,
    );
    const shownStart = iso(Math.floor(pass.startsAt / MINUTE) * MINUTE);
    const at = t + 10 * MINUTE;
    const moved = await updatePassWindow(
      app.ctx,
      w.owner,
      pass.id,
      { starts: shownStart, ends: iso(t + 2 * HOUR) },
      at,
    );
    assert.equal(moved.startsAt, pass.startsAt);
    assert.equal(moved.endsAt, t + 2 * HOUR);
  } finally {
    await app.close();
  }
});
