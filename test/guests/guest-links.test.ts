import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { endGrantsOfSource } from '../../src/access/grants.ts';
import { findPassByLink, GUEST_CHANNEL, openWithLink, viewByLink } from '../../src/guests/guest-links.ts';
import { createPass, revokePass } from '../../src/guests/passes.ts';
import { historyOf } from '../api/access-fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import { GUEST, guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

const ENV = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };

async function allHistory(app: TestApp) {
  return app.ctx.db.selectFrom('access_events').selectAll().orderBy('occurred_at').execute();
}

describe('a guest link, from scheduled to active to revoked or expired', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  let token: string;
  let passId: string;
  before(async () => {
    app = await startTestApp({ env: ENV });
    w = await guestWorld(app);
    now = app.ctx.clock.now();
    const made = await createPass(
      app.ctx,
      w.owner,
      {
        guest: GUEST,
        starts: iso(now + HOUR),
        ends: iso(now + 3 * HOUR),
        doorIds: [w.doors.garage.id, w.doors.lobby.id],
      },
      now,
    );
    token = made.token;
    passId = made.pass.id;
  });
  after(() => app.close());

  test('before the window: the page says scheduled, shows no door state, and opening is refused with no history entry', async () => {
    const view = await viewByLink(app.ctx.db, token, now + 10 * MINUTE);
    assert.equal(view.pass.status, 'scheduled');
    assert.equal(view.pass.host.firstName, 'ParqEx');
    assert.deepEqual(
      view.doors.map((d) => [d.name, d.state, d.online]),
      [
        ['Garage', null, false],
        ['Lobby Door', null, false],
      ],
    );
    const before = (await allHistory(app)).length;
    await assert.rejects(openWithLink(app.ctx, token, w.doors.garage.id, now + HOUR - 1), {
      code: 'guest_pass_not_started',
      kind: 'forbidden',
    });
    assert.equal((await allHistory(app)).length, before, 'no history entry');
  });

  test('inside the window: the door opens through the toggle service, channel GuestAccess, the guest’s name in the history', async () => {
    const at = now + HOUR;
    const view = await viewByLink(app.ctx.db, token, at);
    assert.equal(view.pass.status, 'active');
    assert.deepEqual(
      view.doors.map((d) => [d.name, d.state, d.online]),
      [
        ['Garage', 'CLOSED', true],
        ['Lobby Door', 'CLOSED', true],
      ],
    );
    const result = await openWithLink(app.ctx, token, w.doors.garage.id, at);
    assert.equal(result.outcome, 'done');
    const history = await historyOf(app, w.doors.garage.id);
    const entry = history.find((e) => e.occurred_at === at && e.outcome === 'done');
    assert.ok(entry, 'a history entry');
    assert.equal(entry.channel, GUEST_CHANNEL);
    assert.equal(entry.channel, 'GuestAccess');
    assert.equal(entry.actor_kind, 'guest');
    assert.equal(entry.actor_label, 'Grace Hopper');
    assert.equal(entry.user_id, null);
    assert.equal(entry.door_state, 'OPEN');
    const door = await app.ctx.db
      .selectFrom('doors')
      .select('state')
      .where('id', '=', w.doors.garage.id)
      .executeTakeFirstOrThrow();
    assert.equal(door.state, 'OPEN', 'the simulated door arrived');
  });

  test('a door not on the pass (of the account or another) is 404 and writes nothing; so is an unknown link', async () => {
    const at = now + HOUR + MINUTE;
    const before = (await allHistory(app)).length;
    for (const doorId of [w.doors.elevator.id, w.doors.mainGate.id, 'ffffffffffffffffffffffffffffffff']) {
      await assert.rejects(openWithLink(app.ctx, token, doorId, at), {
        code: 'door_not_found',
        kind: 'not_found',
      });
    }
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [forged, 'short', '', `${token}x`]) {
      await assert.rejects(openWithLink(app.ctx, bad, w.doors.garage.id, at), {
        code: 'guest_link_not_found',
      });
      await assert.rejects(viewByLink(app.ctx.db, bad, at), { code: 'guest_link_not_found' });
    }
    assert.equal((await allHistory(app)).length, before, 'no history entry');
  });

  test('nothing but the grant opens: a pass whose grants ended (revoked elsewhere mid-request) opens nothing', async () => {
    const made = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, ends: iso(now + 2 * HOUR), doorIds: [w.doors.lobby.id] },
      now,
    );
    await endGrantsOfSource(app.ctx.db, 'guest_pass', made.pass.id, now + MINUTE);
    const before = (await allHistory(app)).length;
    // Its grants all ended early (as when its host loses the door): it reads as revoked, opens nothing.
    await assert.rejects(openWithLink(app.ctx, made.token, w.doors.lobby.id, now + 2 * MINUTE), {
      code: 'guest_pass_revoked',
    });
    assert.equal((await allHistory(app)).length, before);
  });

  test('revoked: the page says so and shows no state; opening is refused (410) with no history entry', async () => {
    const at = now + 2 * HOUR;
    await revokePass(app.ctx, w.owner, passId, at);
    const view = await viewByLink(app.ctx.db, token, at + 1);
    assert.equal(view.pass.status, 'revoked');
    assert.ok(view.doors.every((d) => d.state === null && !d.online));
    const before = (await allHistory(app)).length;
    await assert.rejects(openWithLink(app.ctx, token, w.doors.garage.id, at + 1), {
      code: 'guest_pass_revoked',
      kind: 'gone',
    });
    assert.equal((await allHistory(app)).length, before, 'no history entry');
  });

  test('expired: from its end on, opening is refused (410) with no history entry', async () => {
    const made = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.lobby.id] },
      now,
    );
    assert.equal((await openWithLink(app.ctx, made.token, w.doors.lobby.id, now + HOUR - 1)).outcome, 'done');
    const before = (await allHistory(app)).length;
    await assert.rejects(openWithLink(app.ctx, made.token, w.doors.lobby.id, now + HOUR), {
      code: 'guest_pass_expired',
      kind: 'gone',
    });
    assert.equal((await allHistory(app)).length, before);
    assert.equal((await findPassByLink(app.ctx.db, made.token, now + HOUR))?.status, 'expired');
  });
});

test('a revocation made by one server process holds at once on another sharing the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-guests-'));
  const first = await startTestApp({
    env: ENV,
    ...(TEST_DIALECT === 'sqlite' ? { sqliteFile: join(dir, 'shared.db') } : {}),
  });
  const second = await startTestApp({ env: ENV, shareDatabaseWith: first });
  try {
    const w = await guestWorld(first);
    const now = first.ctx.clock.now();
    const { pass, token } = await createPass(
      first.ctx,
      w.owner,
      { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
      now,
    );
    assert.equal((await openWithLink(second.ctx, token, w.doors.garage.id, now + 1)).outcome, 'done');
    await revokePass(first.ctx, w.owner, pass.id, now + 2);
    await assert.rejects(openWithLink(second.ctx, token, w.doors.garage.id, now + 3), {
      code: 'guest_pass_revoked',
    });
  } finally {
    await second.close();
    await first.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
