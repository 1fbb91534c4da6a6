import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findPlateGrant, listGrantsOfSource } from '../../src/access/grants.ts';
import { setPermissions } from '../../src/accounts/permissions.ts';
import { viewByLink } from '../../src/guests/guest-links.ts';
import { guestPassMail } from '../../src/guests/pass-mail.ts';
import {
  createPass,
  getPass,
  listPasses,
  newPassCode,
  passStatus,
  revokePass,
  updatePassWindow,
} from '../../src/guests/passes.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { DAY, GUEST, guestRowCounts, guestWorld, HOUR, iso, MINUTE } from './guest-fixtures.ts';

/** A refusal's code and status kind, and nothing written. */
async function refused(app: TestApp, work: () => Promise<unknown>, code: string) {
  const before = await guestRowCounts(app);
  await assert.rejects(work, (error: { code?: string }) => {
    assert.equal(error.code, code);
    return true;
  });
  assert.deepEqual(await guestRowCounts(app), before, 'nothing written');
}

describe('guest passes: who may make them, and of which doors', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    now = app.ctx.clock.now();
  });
  after(() => app.close());

  test('the Admin makes a pass for a guest to two doors: scheduled, with a code, a link and its grants', async () => {
    const { pass, token } = await createPass(
      app.ctx,
      w.owner,
      {
        guest: { ...GUEST, phone: '+1 (555) 010-0000' },
        plate: 'gh 1906',
        starts: iso(now + HOUR),
        ends: iso(now + 3 * HOUR),
        doorIds: [w.doors.lobby.id, w.doors.garage.id],
      },
      now,
    );
    assert.equal(pass.status, 'scheduled');
    assert.equal(pass.startsAt, now + HOUR);
    assert.equal(pass.endsAt, now + 3 * HOUR);
    assert.deepEqual(pass.doorIds, [w.doors.lobby.id, w.doors.garage.id].sort());
    assert.deepEqual(pass.guest, { ...GUEST, phone: '+1 (555) 010-0000' });
    assert.equal(pass.plate, 'gh 1906', 'stored as typed');
    assert.equal(pass.host.userId, w.owner.userId);
    assert.equal(pass.timeZone, 'America/New_York', "no property: the host's zone");
    assert.match(pass.code, /^[A-HJKMNP-Z2-9]{8}$/);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url');
    const row = await app.ctx.db
      .selectFrom('guest_passes')
      .selectAll()
      .where('id', '=', pass.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.link_hash, sha256(token), 'only the hash is stored');
    assert.ok(!JSON.stringify(row).includes(token), 'the token is nowhere in the row');
    assert.equal(row.plate_match, 'GH19O6'.replace('O', '0'));

    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', pass.id);
    assert.deepEqual(
      grants
        .map((g) => [g.doorId, g.holder.kind, g.startsAt, g.endsAt, g.grantedBy] as const)
        .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
      [w.doors.garage.id, w.doors.lobby.id]
        .sort()
        .flatMap((doorId) => [
          [doorId, 'guest', now + HOUR, now + 3 * HOUR, w.owner.userId] as const,
          [doorId, 'plate', now + HOUR, now + 3 * HOUR, w.owner.userId] as const,
        ]),
      'per door: the guest (link) and the plate (LPR), for the window',
    );
    assert.ok(
      grants
        .filter((g) => g.holder.kind === 'guest')
        .every((g) => g.holder.kind === 'guest' && g.holder.label === 'Grace Hopper'),
    );
  });

  test('a pass with a plate lets LPR admit that plate (as cameras read it) to its doors, only inside the window', async () => {
    const { pass } = await createPass(
      app.ctx,
      w.owner,
      {
        guest: GUEST,
        plate: 'LPR-10',
        starts: iso(now + HOUR),
        ends: iso(now + 2 * HOUR),
        doorIds: [w.doors.backGate.id],
      },
      now,
    );
    const read = (plate: string, at: number, doorId = w.doors.backGate.id) =>
      findPlateGrant(app.ctx.db, doorId, plate, at);
    assert.equal(await read('LPR10', now + HOUR - 1), undefined, 'before');
    const grant = await read('lpr 1O', now + HOUR);
    assert.equal(grant?.source, 'guest_pass');
    assert.equal(grant?.sourceId, pass.id);
    assert.equal(await read('LPR10', now + 2 * HOUR), undefined, 'at the end');
    assert.equal(await read('LPR10', now + HOUR, w.doors.garage.id), undefined, 'another door');
  });

  test('a start up to 5 minutes ago counts as now; earlier is window_in_past; no start is now', async () => {
    const { pass } = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, starts: iso(now - 5 * MINUTE), ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
      now,
    );
    assert.equal(pass.startsAt, now);
    assert.equal(pass.status, 'active');
    const { pass: plain } = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
      now,
    );
    assert.equal(plain.startsAt, now);
    await refused(
      app,
      () =>
        createPass(
          app.ctx,
          w.owner,
          {
            guest: GUEST,
            starts: iso(now - 5 * MINUTE - 1),
            ends: iso(now + HOUR),
            doorIds: [w.doors.garage.id],
          },
          now,
        ),
      'window_in_past',
    );
  });

  test('naive times are read in the zone; a skipped local time is refused; end before start is refused', async () => {
    const base = Date.UTC(2030, 2, 9, 12); // 2030-03-09, the day before New York springs forward
    const { pass } = await createPass(
      app.ctx,
      w.owner,
      { guest: GUEST, starts: '2030-03-09T22:00', ends: '2030-03-10T04:00', doorIds: [w.doors.garage.id] },
      base,
    );
    assert.equal(pass.startsAt, Date.UTC(2030, 2, 10, 3), '22:00 EST is 03:00Z');
    assert.equal(pass.endsAt, Date.UTC(2030, 2, 10, 8), '04:00 EDT is 08:00Z');
    assert.equal(pass.endsAt - pass.startsAt, 5 * HOUR, 'the clock skipped an hour');
    await refused(
      app,
      () =>
        createPass(
          app.ctx,
          w.owner,
          {
            guest: GUEST,
            starts: '2030-03-10T02:30',
            ends: '2030-03-10T05:00',
            doorIds: [w.doors.garage.id],
          },
          base,
        ),
      'nonexistent_local_time',
    );
    await refused(
      app,
      () =>
        createPass(
          app.ctx,
          w.owner,
          { guest: GUEST, starts: iso(now + HOUR), ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
          now,
        ),
      'invalid_window',
    );
    await refused(
      app,
      () =>
        createPass(
          app.ctx,
          w.owner,
          { guest: GUEST, starts: 'tomorrow', ends: iso(now + HOUR), doorIds: [w.doors.garage.id] },
          now,
        ),
      'invalid_time',
    );
  });

  test('bad guest fields and no door are refused with nothing written', async () => {
    const ok = { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.garage.id] };
    for (const [input, why] of [
      [{ ...ok, guest: { ...GUEST, firstName: '  ' } }, 'no first name'],
      [{ ...ok, guest: { ...GUEST, email: 'not an email' } }, 'bad email'],
      [{ ...ok, guest: { ...GUEST, phone: 'call me' } }, 'bad phone'],
      [{ ...ok, plate: '- -' }, 'empty plate'],
      [{ ...ok, plate: 'X'.repeat(17) }, 'plate too long'],
      [{ ...ok, doorIds: [] }, 'no door'],
      [{ ...ok, ends: undefined as unknown as string }, 'no end'],
    ] as const) {
      await refused(app, () => createPass(app.ctx, w.owner, input, now), 'invalid_guest_pass').catch((e) => {
        throw new Error(`${why}: ${e}`);
      });
    }
  });

  test('a User without the guests permission is refused (403), with it they lend only their own account’s doors', async () => {
    const input = { guest: GUEST, ends: iso(now + HOUR), doorIds: [w.doors.garage.id] };
    await refused(app, () => createPass(app.ctx, w.john, input, now), 'guests_not_permitted');
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    const { pass } = await createPass(app.ctx, w.john, input, now);
    assert.equal(pass.host.userId, w.john.userId);
    // John holds the Production account's Main Gate through an invitation: not his account's to lend.
    await refused(
      app,
      () => createPass(app.ctx, w.john, { ...input, doorIds: [w.doors.mainGate.id] }, now),
      'door_not_found',
    );
    // The Lobby is his account's, but he cannot operate it.
    await refused(
      app,
      () => createPass(app.ctx, w.john, { ...input, doorIds: [w.doors.garage.id, w.doors.lobby.id] }, now),
      'door_not_found',
    );
    // Another account's Admin cannot lend the Test account's doors.
    await refused(app, () => createPass(app.ctx, w.production, input, now), 'door_not_found');
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: false });
    await refused(app, () => createPass(app.ctx, w.john, input, now), 'guests_not_permitted');
  });

  test('booking_id of no booking of the host: 404 booking_not_found; with door_ids: 400, nothing written', async () => {
    await refused(
      app,
      () => createPass(app.ctx, w.owner, { guest: GUEST, ends: iso(now + HOUR), bookingId: 'b1' }, now),
      'booking_not_found',
    );
    await refused(
      app,
      () =>
        createPass(
          app.ctx,
          w.owner,
          { guest: GUEST, doorIds: [w.doors.garage.id], bookingId: '0'.repeat(32) },
          now,
        ),
      'invalid_guest_pass',
    );
  });

  test('codes use 31 unmistakable characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) for (const c of newPassCode()) seen.add(c);
    assert.equal([...seen].sort().join(''), '23456789ABCDEFGHJKMNPQRSTUVWXYZ');
  });
});

describe('guest passes: seeing, listing, revoking and editing', () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  let now: number;
  const ids: { owner: string[]; john: string[] } = { owner: [], john: [] };
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    now = app.ctx.clock.now();
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    // Three of the Admin's and two of John's, one millisecond apart (newest first in lists).
    for (const [who, n] of [
      ['owner', 3],
      ['john', 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const at = now + ids.owner.length + ids.john.length;
        const { pass } = await createPass(
          app.ctx,
          w[who],
          {
            guest: { firstName: `G${who}${i}`, lastName: 'Guest' },
            ends: iso(at + HOUR),
            doorIds: [w.doors.garage.id],
          },
          at,
        );
        ids[who].push(pass.id);
      }
    }
  });
  after(() => app.close());

  test('a User sees their own passes; the Admin every pass of the account; another account none', async () => {
    const at = now + 10;
    const mine = await listPasses(app.ctx.db, w.john, {}, at);
    assert.deepEqual(
      mine.items.map((p) => p.id),
      [...ids.john].reverse(),
    );
    const all = await listPasses(app.ctx.db, w.owner, {}, at);
    assert.deepEqual(
      all.items.map((p) => p.id),
      [...ids.owner, ...ids.john].reverse(),
    );
    assert.deepEqual((await listPasses(app.ctx.db, w.production, {}, at)).items, []);
    assert.equal((await getPass(app.ctx.db, w.owner, ids.john[0]!, at)).host.userId, w.john.userId);
    for (const [who, id] of [
      ['john', ids.owner[0]!],
      ['production', ids.john[0]!],
      ['production', ids.owner[0]!],
    ] as const) {
      await assert.rejects(getPass(app.ctx.db, w[who], id, at), { code: 'guest_pass_not_found' });
    }
  });

  test('lists are keyset pages, newest first, and filter by status', async () => {
    const at = now + 10;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listPasses(app.ctx.db, w.owner, { limit: 2, cursor }, at);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(seen, [...ids.owner, ...ids.john].reverse());
    await assert.rejects(listPasses(app.ctx.db, w.owner, { cursor: 'nope' }, at), {
      code: 'invalid_request',
    });
    await assert.rejects(listPasses(app.ctx.db, w.owner, { limit: 201 }, at), { code: 'invalid_request' });
    assert.equal((await listPasses(app.ctx.db, w.owner, { status: 'active' }, at)).items.length, 5);
    assert.equal(
      (await listPasses(app.ctx.db, w.owner, { status: 'expired' }, at + 2 * HOUR)).items.length,
      5,
    );
    assert.equal((await listPasses(app.ctx.db, w.owner, { status: 'scheduled' }, at)).items.length, 0);
  });

  test('revoking ends the grants at once; again is the same answer; a colleague or another account cannot', async () => {
    const at = now + 20 * MINUTE;
    const id = ids.owner[0]!;
    await assert.rejects(revokePass(app.ctx, w.john, id, at), { code: 'guest_pass_not_found' });
    await assert.rejects(revokePass(app.ctx, w.production, id, at), { code: 'guest_pass_not_found' });
    const revoked = await revokePass(app.ctx, w.owner, id, at);
    assert.equal(revoked.status, 'revoked');
    assert.equal(revoked.revokedAt, at);
    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', id);
    assert.ok(grants.length > 0 && grants.every((g) => g.endsAt === at));
    const again = await revokePass(app.ctx, w.owner, id, at + MINUTE);
    assert.equal(again.revokedAt, at, 'unchanged');
    // The Admin revokes John's pass; John revokes his own even after losing the permission.
    assert.equal((await revokePass(app.ctx, w.owner, ids.john[0]!, at)).status, 'revoked');
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: false });
    assert.equal((await revokePass(app.ctx, w.john, ids.john[1]!, at)).status, 'revoked');
    await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true });
    await assert.rejects(revokePass(app.ctx, w.owner, ids.owner[1]!, now + 2 * HOUR), {
      code: 'guest_pass_ended',
    });
  });

  test('editing the window moves the grants with it; an ended pass cannot be edited', async () => {
    const id = ids.owner[2]!;
    const at = now + 30 * MINUTE;
    const before = await getPass(app.ctx.db, w.owner, id, at);
    const longer = await updatePassWindow(app.ctx, w.owner, id, { ends: iso(before.endsAt + 2 * HOUR) }, at);
    assert.equal(longer.startsAt, before.startsAt, 'an active pass keeps its start');
    assert.equal(longer.endsAt, before.endsAt + 2 * HOUR);
    const grants = await listGrantsOfSource(app.ctx.db, 'guest_pass', id);
    const inForce = (t: number) =>
      grants.filter((g) => g.startsAt <= t && (g.endsAt === null || t < g.endsAt));
    assert.equal(inForce(at - 1).length, 1, 'the old grant ran until the change');
    assert.equal(inForce(at).length, 1, 'the new one runs from it');
    assert.equal(inForce(before.endsAt + HOUR).length, 1, 'past the old end');
    assert.equal(inForce(before.endsAt + 2 * HOUR).length, 0, 'until the new end');

    // Moved to tomorrow: scheduled again; nothing in force meanwhile.
    const later = await updatePassWindow(
      app.ctx,
      w.owner,
      id,
      { starts: iso(now + DAY), ends: iso(now + DAY + HOUR) },
      at,
    );
    assert.equal(later.status, 'scheduled');
    const moved = await listGrantsOfSource(app.ctx.db, 'guest_pass', id);
    const inForceNow = moved.filter((g) => g.startsAt <= at + 1 && (g.endsAt === null || at + 1 < g.endsAt));
    assert.equal(inForceNow.length, 0);
    assert.equal(moved.filter((g) => g.startsAt === now + DAY && g.endsAt === now + DAY + HOUR).length, 1);

    await assert.rejects(updatePassWindow(app.ctx, w.owner, id, { ends: iso(at) }, at), {
      code: 'invalid_window',
    });
    await assert.rejects(updatePassWindow(app.ctx, w.owner, id, { starts: iso(at - HOUR) }, at), {
      code: 'window_in_past',
    });
    await assert.rejects(updatePassWindow(app.ctx, w.john, id, { ends: iso(now + 3 * DAY) }, at), {
      code: 'guest_pass_not_found',
    });
    await assert.rejects(
      updatePassWindow(app.ctx, w.owner, ids.owner[0]!, { ends: iso(now + 3 * DAY) }, at),
      {
        code: 'guest_pass_ended',
      },
    );
  });

  test('status: scheduled before, active inside [starts, ends), expired at the end, revoked once revoked', () => {
    const p = { startsAt: 1000, endsAt: 2000, revokedAt: null };
    assert.equal(passStatus(p, 999), 'scheduled');
    assert.equal(passStatus(p, 1000), 'active');
    assert.equal(passStatus(p, 1999), 'active');
    assert.equal(passStatus(p, 2000), 'expired');
    assert.equal(passStatus({ ...p, revokedAt: 1500 }, 999), 'revoked');
  });
});

describe("a pass's zone: its first door's property, else the host's", () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
    const now = app.ctx.clock.now();
    await app.ctx.db
      .insertInto('properties')
      .values({
        id: 'p-paris',
        account_id: w.owner.accountId,
        name: 'Rue de Rivoli garage',
        address: JSON.stringify({
          line1: '1 rue de Rivoli',
          line2: null,
          city: 'Paris',
          region: null,
          postal_code: '75001',
          country: 'FR',
        }),
        latitude: 48.86,
        longitude: 2.34,
        time_zone: 'Europe/Paris',
        created_at: now,
        updated_at: now,
      })
      .execute();
    // The Garage is the Paris property's gate only (the demo property's gate is taken off it).
    await app.ctx.db.deleteFrom('property_doors').where('door_id', '=', w.doors.garage.id).execute();
    await app.ctx.db
      .insertInto('property_doors')
      .values({ property_id: 'p-paris', door_id: w.doors.garage.id })
      .execute();
  });
  after(() => app.close());

  test('naive times are read in the first door’s property’s zone; the guest page names the property', async () => {
    const at = Date.UTC(2030, 5, 1);
    const { pass, token } = await createPass(
      app.ctx,
      w.owner,
      {
        guest: GUEST,
        starts: '2030-06-02T09:00',
        ends: '2030-06-02T17:00',
        doorIds: [w.doors.garage.id, w.doors.lobby.id],
      },
      at,
    );
    assert.equal(pass.timeZone, 'Europe/Paris');
    assert.equal(pass.startsAt, Date.UTC(2030, 5, 2, 7), '09:00 CEST is 07:00Z');
    const view = await viewByLink(app.ctx.db, token, at);
    assert.equal(view.place?.name, 'Rue de Rivoli garage');
    assert.equal(view.place?.address.city, 'Paris');
    const { pass: lobbyFirst } = await createPass(
      app.ctx,
      w.owner,
      {
        guest: GUEST,
        starts: '2030-06-02T09:00',
        ends: '2030-06-02T17:00',
        doorIds: [w.doors.lobby.id, w.doors.garage.id],
      },
      at,
    );
    assert.equal(lobbyFirst.timeZone, 'America/New_York', 'the Lobby is in no property: the host’s zone');
    assert.equal(lobbyFirst.startsAt, Date.UTC(2030, 5, 2, 13));
  });
});

test('the pass email: to the guest, who invites, where, the window in the pass’s zone, the code and the link', async () => {
  const pass = {
    id: 'x',
    accountId: 'a',
    host: { userId: 'h', firstName: 'ParqEx', lastName: 'Test' },
    guest: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: null },
    plate: 'GH 1906',
    startsAt: Date.UTC(2030, 5, 2, 13),
    endsAt: Date.UTC(2030, 5, 2, 21),
    timeZone: 'America/New_York',
    doorIds: [],
    bookingId: null,
    code: 'ABCD2345',
    status: 'scheduled' as const,
    createdAt: 0,
    updatedAt: 0,
    revokedAt: null,
  };
  const mail = guestPassMail(pass, 'https://parqex.example/g/TOKEN', {
    doorNames: ['Garage'],
    place: 'Main St\r\nBcc: x',
  });
  assert.equal(mail.to, 'grace@example.com');
  assert.equal(mail.subject, 'ParqEx Test invited you at Main St Bcc: x', 'one header line');
  assert.match(mail.text, /from 2030-06-02 09:00:00 to 2030-06-02 17:00:00 \(America\/New_York time\)/);
  assert.match(mail.text, /- Garage/);
  assert.match(mail.text, /https:\/\/parqex\.example\/g\/TOKEN/);
  assert.match(mail.text, /Pass code: ABCD2345\nVehicle: GH 1906/);
  assert.throws(
    () =>
      guestPassMail({ ...pass, guest: { ...pass.guest, email: null } }, 'l', { doorNames: [], place: null }),
    {
      code: 'invalid_guest_pass',
    },
  );
});
