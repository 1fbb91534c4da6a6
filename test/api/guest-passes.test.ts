import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JOHN, PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

const PASSES = '/oauth/v1/endpoints/guest-passes';
const POLICY = '/oauth/v1/endpoints/guest-policy';
const MEMBERS = '/oauth/v1/endpoints/members';
const SYNC = '/oauth/v1/endpoints/sync';
const HOUR = 3_600_000;

/** An RFC 3339 UTC time `hours` from now, whole seconds. */
function inHours(hours: number): string {
  return new Date(Math.floor((Date.now() + hours * HOUR) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

async function doorIdsSeenBy(app: TestApp, token: string): Promise<Map<string, string>> {
  const sync = await app.api(SYNC, token);
  assert.equal(sync.status, 200);
  return new Map(
    sync.body.devices.flatMap((d: any) =>
      d.doors.map((door: any) => [door.name, door.id] as [string, string]),
    ),
  );
}

/** Everything a guest-pass request could write, to show that a refused one wrote nothing. */
async function guestState(app: TestApp) {
  const db = app.ctx.db;
  return {
    passes: await db.selectFrom('guest_passes').selectAll().orderBy('id').execute(),
    doors: await db
      .selectFrom('guest_pass_doors')
      .selectAll()
      .orderBy('pass_id')
      .orderBy('door_id')
      .execute(),
    grants: await db.selectFrom('access_grants').selectAll().orderBy('id').execute(),
    policies: await db.selectFrom('guest_policies').selectAll().execute(),
    permissions: await db
      .selectFrom('users')
      .select(['id', 'can_guests', 'can_enforce'])
      .orderBy('id')
      .execute(),
    outbox: await db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute(),
  };
}

function errors(code: string) {
  return (body: any) => body?.errors?.[0]?.code === code;
}

describe('Guest passes, the guest policy and members (products.md §0, §2)', () => {
  let app: TestApp;
  let admin: string;
  let adminNoGuests: string;
  let john: string;
  let johnId: string;
  let producer: string;
  let doors: Map<string, string>;

  const guest = { first_name: 'Maya', last_name: 'Lindqvist', email: 'maya@example.com' };

  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' } });
    admin = (await app.tokensFor({ user: TEST_OWNER, scope: 'opendoor,guests' })).access_token;
    adminNoGuests = (await app.tokensFor({ user: TEST_OWNER, scope: 'opendoor' })).access_token;
    john = (await app.tokensFor({ user: JOHN, scope: 'opendoor,guests' })).access_token;
    johnId = (await app.api('/oauth/v1/endpoints/user-info', john)).body.data.id;
    producer = (await app.tokensFor({ user: PRODUCTION_OWNER, scope: 'guests' })).access_token;
    doors = await doorIdsSeenBy(app, admin);
  });
  after(() => app.close());

  test('the Admin creates a pass: 201 with its link (once) and code; GET shows it without the link', async () => {
    const body = {
      guest,
      plate: 'kjt-4471',
      starts: inHours(1),
      ends: inHours(5),
      door_ids: [doors.get('Garage')],
    };
    const created = await app.api(PASSES, admin, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const pass = created.body.data;
    assert.equal(pass.status, 'scheduled');
    assert.deepEqual(pass.guest, {
      first_name: 'Maya',
      last_name: 'Lindqvist',
      email: 'maya@example.com',
      phone: null,
    });
    assert.equal(pass.plate, 'kjt-4471');
    assert.deepEqual(pass.door_ids, [doors.get('Garage')]);
    assert.equal(pass.starts_at, body.starts);
    assert.equal(pass.ends_at, body.ends);
    assert.match(pass.starts_at_local, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(pass.code, /^[A-Z0-9]{8}$/);
    assert.match(pass.link, new RegExp(`^${app.baseUrl}/g/[A-Za-z0-9_-]{43}$`));
    app.remember(pass.link.split('/g/')[1]);
    const stored = await app.ctx.db
      .selectFrom('guest_passes')
      .select('link_hash')
      .where('id', '=', pass.id)
      .executeTakeFirstOrThrow();
    assert.ok(!stored.link_hash.includes(pass.link.split('/g/')[1]), 'only a hash of the link is stored');

    const read = await app.api(`${PASSES}/${pass.id.toUpperCase()}`, admin);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.data, { ...pass, link: null });

    const page = await app.api(`${PASSES}?limit=1`, admin);
    assert.equal(page.status, 200);
    assert.equal(page.body.data.items[0].id, pass.id);
  });

  test('a token without GUESTS: 403 insufficient_scope with its challenge, nothing written', async () => {
    const before = await guestState(app);
    const refused = await app.api(PASSES, adminNoGuests, {
      body: { guest, starts: inHours(1), ends: inHours(2), door_ids: [doors.get('Garage')] },
    });
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    assert.deepEqual(await guestState(app), before);
    assert.equal((await app.api(PASSES, adminNoGuests)).status, 403);
  });

  test('a User without the guests permission is refused, nothing written; once the Admin gives it, they host', async () => {
    const body = { guest, starts: inHours(1), ends: inHours(3), door_ids: [doors.get('Garage')] };
    const before = await guestState(app);
    const refused = await app.api(PASSES, john, { body });
    assert.equal(refused.status, 403);
    assert.ok(errors('guests_not_permitted')(refused.body), JSON.stringify(refused.body));
    assert.deepEqual(await guestState(app), before);

    // Only the Admin sets permissions; a User sees only themself in members.
    const selfGrant = await app.api(`${MEMBERS}/${johnId}/permissions`, john, {
      method: 'PUT',
      body: { guests: true },
    });
    assert.equal(selfGrant.status, 403);
    const johnsView = await app.api(MEMBERS, john);
    assert.deepEqual(
      johnsView.body.data.items.map((m: any) => [m.email, m.permissions]),
      [[JOHN.email, { guests: false, enforce: false }]],
    );

    const given = await app.api(`${MEMBERS}/${johnId.replaceAll('-', '')}/permissions`, admin, {
      method: 'PUT',
      body: { guests: true },
    });
    assert.equal(given.status, 200, JSON.stringify(given.body));
    assert.deepEqual(given.body.data.permissions, { guests: true, enforce: false });
    const listed = await app.api(MEMBERS, admin);
    assert.deepEqual(
      listed.body.data.items.map((m: any) => [m.email, m.role, m.permissions.guests]),
      [
        [TEST_OWNER.email, 'admin', true],
        [JOHN.email, 'user', true],
      ],
    );

    const created = await app.api(PASSES, john, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.data.host_user_id, johnId);
    // John's list has only his pass; the Admin's has every pass of the account.
    const johns = await app.api(PASSES, john);
    assert.deepEqual(
      johns.body.data.items.map((p: any) => p.host_user_id),
      [johnId],
    );
    const all = await app.api(PASSES, admin);
    assert.ok(all.body.data.items.some((p: any) => p.id === created.body.data.id));
    assert.ok(all.body.data.items.length >= 2);

    // A door John cannot operate: refused, nothing written.
    const state = await guestState(app);
    const lobby = await app.api(PASSES, john, { body: { ...body, door_ids: [doors.get('Lobby Door')] } });
    assert.equal(lobby.status, 404);
    assert.deepEqual(await guestState(app), state);

    // The Admin's pass is not John's: 404, nothing changed.
    const adminsPass = all.body.data.items.find((p: any) => p.host_user_id !== johnId);
    const before2 = await guestState(app);
    assert.equal((await app.api(`${PASSES}/${adminsPass.id}`, john)).status, 404);
    assert.equal((await app.api(`${PASSES}/${adminsPass.id}`, john, { method: 'DELETE' })).status, 404);
    assert.deepEqual(await guestState(app), before2);

    // Taken back: John can no longer create passes.
    await app.api(`${MEMBERS}/${johnId}/permissions`, admin, { method: 'PUT', body: { guests: false } });
    assert.equal((await app.api(PASSES, john, { body })).status, 403);
  });

  test("another account's pass: 404 to read, change and revoke, nothing written", async () => {
    const created = await app.api(PASSES, admin, {
      body: { guest, starts: inHours(2), ends: inHours(3), door_ids: [doors.get('Lobby Door')] },
    });
    assert.equal(created.status, 201);
    const id = created.body.data.id;
    const before = await guestState(app);
    const read = await app.api(`${PASSES}/${id}`, producer);
    assert.equal(read.status, 404);
    assert.ok(errors('guest_pass_not_found')(read.body));
    assert.equal(
      (await app.api(`${PASSES}/${id}`, producer, { method: 'PATCH', body: { ends: inHours(4) } })).status,
      404,
    );
    assert.equal((await app.api(`${PASSES}/${id}`, producer, { method: 'DELETE' })).status, 404);
    assert.deepEqual(await guestState(app), before);
    assert.deepEqual((await app.api(PASSES, producer)).body.data.items, []);
    // Nor can they use the Admin's doors for their own guest.
    const foreign = await app.api(PASSES, producer, {
      body: { guest, starts: inHours(2), ends: inHours(3), door_ids: [doors.get('Lobby Door')] },
    });
    assert.equal(foreign.status, 404);
    assert.deepEqual(await guestState(app), before);
  });

  test('PATCH moves the window; DELETE revokes at once (and again answers the revoked pass); a revoked pass cannot change', async () => {
    const created = await app.api(PASSES, admin, {
      body: { guest, starts: inHours(1), ends: inHours(2), door_ids: [doors.get('Elevator')] },
    });
    const id = created.body.data.id;
    const ends = inHours(6);
    const moved = await app.api(`${PASSES}/${id}`, admin, { method: 'PATCH', body: { ends } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.data.ends_at, ends);
    assert.equal(moved.body.data.starts_at, created.body.data.starts_at);

    const backwards = await app.api(`${PASSES}/${id}`, admin, {
      method: 'PATCH',
      body: { starts: inHours(7) },
    });
    assert.equal(backwards.status, 400);
    assert.ok(errors('invalid_window')(backwards.body), JSON.stringify(backwards.body));

    const revoked = await app.api(`${PASSES}/${id}`, admin, { method: 'DELETE' });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.data.status, 'revoked');
    assert.match(revoked.body.data.revoked_at, /Z$/);
    const again = await app.api(`${PASSES}/${id}`, admin, { method: 'DELETE' });
    assert.deepEqual([again.status, again.body.data.status], [200, 'revoked']);
    const late = await app.api(`${PASSES}/${id}`, admin, { method: 'PATCH', body: { ends: inHours(8) } });
    assert.equal(late.status, 409);
    assert.ok(errors('guest_pass_ended')(late.body));
  });

  test('Idempotency-Key: the same key and body replay the first pass (without its link); another body is a 409', async () => {
    const body = { guest, starts: inHours(1), ends: inHours(2), door_ids: [doors.get('Garage')] };
    const headers = { 'idempotency-key': 'guest-pass-once' };
    const first = await app.api(PASSES, admin, { body, headers });
    assert.equal(first.status, 201);
    const token = String(first.body.data.link).split('/g/')[1];
    assert.ok(token);
    const kept = await app.ctx.db.selectFrom('idempotency_keys').select('body').execute();
    assert.ok(kept.length > 0);
    assert.ok(
      kept.every((row) => !String(row.body ?? '').includes(token)),
      'the token is not kept',
    );
    const count = (await app.ctx.db.selectFrom('guest_passes').select('id').execute()).length;
    const second = await app.api(PASSES, admin, { body, headers });
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.body.data.link, null, 'the link is shown once');
    assert.deepEqual(second.body.data, { ...first.body.data, link: null });
    assert.equal((await app.ctx.db.selectFrom('guest_passes').select('id').execute()).length, count);
    const other = await app.api(PASSES, admin, { body: { ...body, plate: 'X1' }, headers });
    assert.equal(other.status, 409);
    assert.ok(errors('idempotency_key_reused')(other.body));
  });

  test('bad input is a 400 naming the field, nothing written', async () => {
    const before = await guestState(app);
    const garage = [doors.get('Garage')];
    const cases: [unknown, RegExp][] = [
      [{ starts: inHours(1), ends: inHours(2) }, /guest/],
      [{ guest, ends: inHours(2) }, /door/],
      [{ guest: { first_name: 'A' }, ends: inHours(2) }, /last_name/],
      [{ guest, ends: 'tomorrow', door_ids: garage }, /ends/],
      [{ guest, starts: inHours(3), ends: inHours(2), door_ids: garage }, /ends|after/],
      [{ guest, ends: inHours(2), door_ids: ['nope'] }, /door/],
      [{ guest, ends: inHours(2), colour: 'red' }, /colour/],
    ];
    for (const [body, words] of cases) {
      const refused = await app.api(PASSES, admin, { body });
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.match(refused.body.errors[0].message, words);
    }
    assert.deepEqual(await guestState(app), before);
  });

  test('the guest policy: the Admin sets it, a host reads it, a pass over it is 422 policy_limit naming the rule', async () => {
    const none = await app.api(POLICY, admin);
    assert.equal(none.status, 200);
    const policy = { max_active_passes_per_host: null, max_pass_hours: 3, max_days_per_plate_30d: null };
    const put = await app.api(POLICY, admin, { method: 'PUT', body: policy });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.data, policy);
    assert.deepEqual((await app.api(POLICY, admin)).body.data, policy);
    assert.equal((await app.api(POLICY, john, { method: 'PUT', body: policy })).status, 403);

    const before = await guestState(app);
    const over = await app.api(PASSES, admin, {
      body: { guest, starts: inHours(1), ends: inHours(5), door_ids: [doors.get('Garage')] },
    });
    assert.equal(over.status, 422);
    assert.equal(over.body.errors[0].code, 'policy_limit');
    assert.match(over.body.errors[0].message, /max_pass_hours/);
    assert.deepEqual(await guestState(app), before);
    const atLimit = await app.api(PASSES, admin, {
      body: { guest, starts: inHours(1), ends: inHours(4), door_ids: [doors.get('Garage')] },
    });
    assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
    await app.api(POLICY, admin, {
      method: 'PUT',
      body: { max_active_passes_per_host: null, max_pass_hours: null, max_days_per_plate_30d: null },
    });
  });

  test("sync's guests section: the host's scheduled and active passes with GUESTS, none without", async () => {
    const withScope = await app.api(SYNC, admin);
    assert.equal(withScope.status, 200);
    const passes = withScope.body.guests.passes;
    assert.ok(passes.length > 0);
    assert.ok(passes.every((p: any) => ['scheduled', 'active'].includes(p.status) && p.link === null));
    const without = await app.api(SYNC, adminNoGuests);
    assert.deepEqual(without.body.guests, { passes: [] });
  });
});
