import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IDEMPOTENCY_LEASE_MS, IdempotencyStore } from '../../src/idempotency/idempotency-store.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { pruneExpired } from '../../src/storage/prune.ts';
import { startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { historyOf, testingDoors } from './access-fixtures.ts';

const TOGGLE = '/oauth/v1/endpoint/toggle';
const INVITE = '/oauth/v1/endpoints/invite';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The attempts a person made on a door (sensor reports left out). */
async function attemptsOn(app: TestApp, doorId: string) {
  return (await historyOf(app, doorId)).filter((e) => e.channel !== 'Door Sensor');
}

describe('Idempotency-Key on the toggle (products.md §0)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let john: string;
  let owner: string;

  before(async () => {
    clock = new ManualClock(Date.parse('2026-03-02T12:00:00Z'));
    // A 20 s cooldown: a toggle that ran twice would answer 429 the second time.
    app = await startTestApp({
      clock,
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '20' },
    });
    doors = await testingDoors(app);
    john = (await app.tokensFor()).access_token;
    owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
  });
  after(() => app.close());

  const toggle = (token: string, key: string | undefined, body: unknown) =>
    app.api(TOGGLE, token, { body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  test('a retry with the same key and body replays the first answer and toggles nothing', async () => {
    const body = { door_id: doors.garage.id, door_state: 'OPEN' };
    const first = await toggle(john, 'retry-1', body);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const before = (await attemptsOn(app, doors.garage.id)).length;

    clock.advance(1000);
    // The keys of the body in another order are the same body.
    const again = await toggle(john, 'retry-1', { door_state: 'OPEN', door_id: doors.garage.id });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body, 'the same body, first timestamp included');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.match(again.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before, 'no second attempt');

    // Without the key the cooldown shows the door was toggled once, and just now.
    const unkeyed = await toggle(john, undefined, body);
    assert.equal(unkeyed.status, 429);
    assert.equal(unkeyed.body.errors[0].code, 'door_cooldown');
  });

  test('the same key with another body: 409 idempotency_key_reused, nothing done', async () => {
    clock.advance(60_000);
    const first = await toggle(john, 'reused-1', { door_id: doors.garage.id, door_state: 'CLOSED' });
    assert.equal(first.status, 200);
    const before = (await attemptsOn(app, doors.garage.id)).length;
    clock.advance(60_000);
    const other = await toggle(john, 'reused-1', { door_id: doors.garage.id, door_state: 'OPEN' });
    assert.equal(other.status, 409);
    assert.match(other.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(other.body.errors[0].code, 'idempotency_key_reused');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before);
  });

  test('two requests with one key at once: one runs, the other is refused or replayed', async () => {
    clock.advance(60_000);
    const before = (await attemptsOn(app, doors.garage.id)).length;
    const body = { door_id: doors.garage.id, door_state: 'OPEN' };
    const answers = await Promise.all([toggle(john, 'race-1', body), toggle(john, 'race-1', body)]);
    const statuses = answers.map((a) => a.status).sort();
    assert.ok(
      statuses.join() === '200,409' || statuses.join() === '200,200',
      `answers: ${JSON.stringify(answers.map((a) => a.body))}`,
    );
    const refused = answers.find((a) => a.status === 409);
    if (refused) assert.equal(refused.body.errors[0].code, 'idempotency_key_in_use');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before + 1, 'one attempt, never two');
  });

  test("another person's same key is their own", async () => {
    clock.advance(60_000);
    const mine = await toggle(john, 'shared-key', { door_id: doors.garage.id, door_state: 'CLOSED' });
    assert.equal(mine.status, 200);
    const before = (await attemptsOn(app, doors.lobby.id)).length;
    const theirs = await toggle(owner, 'shared-key', { door_id: doors.lobby.id, door_state: 'OPEN' });
    assert.equal(theirs.status, 200);
    assert.equal(theirs.headers.get('idempotent-replayed'), null);
    assert.equal((await attemptsOn(app, doors.lobby.id)).length, before + 1);
  });

  test('after 24 hours the key is free again, and the pruner forgets it', async () => {
    clock.advance(60_000);
    const body = { door_id: doors.garage.id, door_state: 'OPEN' };
    assert.equal((await toggle(john, 'day-1', body)).status, 200);
    const before = (await attemptsOn(app, doors.garage.id)).length;
    clock.advance(DAY_MS - 1);
    // The access token has expired meanwhile: the key belongs to the person and app, not the token.
    john = (await app.tokensFor()).access_token;
    assert.equal((await toggle(john, 'day-1', body)).headers.get('idempotent-replayed'), 'true');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before);
    clock.advance(1);
    const later = await toggle(john, 'day-1', body);
    assert.equal(later.status, 200);
    assert.equal(later.headers.get('idempotent-replayed'), null);
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before + 1, 'it ran again');

    const keys = () =>
      app.ctx.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'day-1').execute();
    assert.equal((await keys()).length, 1);
    clock.advance(DAY_MS);
    await pruneExpired(app.ctx.db, app.ctx.config, clock.now());
    assert.equal((await keys()).length, 0);
  });

  test('a malformed key is a 400 in the error envelope; nothing done', async () => {
    clock.advance(60_000);
    john = (await app.tokensFor()).access_token;
    const before = (await attemptsOn(app, doors.garage.id)).length;
    let checked = 0;
    for (const key of ['', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const response = await app
        .api(TOGGLE, john, {
          body: { door_id: doors.garage.id, door_state: 'OPEN' },
          headers: { 'idempotency-key': key },
        })
        .catch(() => undefined);
      // fetch itself refuses some header values (non-Latin-1): those never reach us.
      if (response === undefined) continue;
      checked++;
      assert.equal(response.status, 400, JSON.stringify(key));
      assert.equal(response.body.errors[0].code, 'invalid_idempotency_key');
    }
    assert.ok(checked >= 2, 'the empty and the too long key reached the server');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before);
  });

  test('a claim its process never answered (a crash) holds the key for the lease only', async () => {
    clock.advance(60_000);
    john = (await app.tokensFor()).access_token;
    const record = await app.ctx.store.findAccessToken(sha256(john));
    // What a process that died after claiming leaves behind: a claim without an answer.
    const store = new IdempotencyStore(app.ctx.db);
    const crashed = await store.claim(`${record!.clientId} ${record!.userId}`, 'crash-1', 'x', clock.now());
    assert.equal(crashed.outcome, 'claimed');
    const body = { door_id: doors.garage.id, door_state: 'CLOSED' };
    const before = (await attemptsOn(app, doors.garage.id)).length;

    clock.advance(IDEMPOTENCY_LEASE_MS - 1);
    const held = await toggle(john, 'crash-1', body);
    assert.equal(held.status, 409, 'still within the lease: a slow first request is never run twice');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before);

    clock.advance(1);
    const taken = await toggle(john, 'crash-1', body);
    assert.equal(taken.status, 200, 'after the lease the key is free: the retry runs');
    assert.equal((await attemptsOn(app, doors.garage.id)).length, before + 1);
  });

  test('a 5xx answer releases the key: the retry runs again', async () => {
    clock.advance(60_000);
    owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    // The back gate's controller is offline: 503.
    const body = { door_id: doors.backGate.id, door_state: 'OPEN' };
    const first = await toggle(owner, 'offline-1', body);
    assert.equal(first.status, 503);
    const before = (await attemptsOn(app, doors.backGate.id)).length;
    const again = await toggle(owner, 'offline-1', body);
    assert.equal(again.status, 503);
    assert.equal(again.headers.get('idempotent-replayed'), null);
    assert.equal((await attemptsOn(app, doors.backGate.id)).length, before + 1, 'tried again');
  });
});

describe('Idempotency-Key on Invite User', () => {
  let app: TestApp;
  let admin: string;
  let garage: string;

  before(async () => {
    app = await startTestApp({ env: { PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
    const internal = await app.registerClient({
      name: 'ParqEx Web',
      isInternal: true,
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
    garage = (await testingDoors(app)).garage.id;
  });
  after(() => app.close());

  const invite = (key: string, body: unknown) =>
    app.api(INVITE, admin, { body, headers: { 'idempotency-key': key } });

  test('a retried invitation creates one invitation and sends one email', async () => {
    const body = { email: 'retry@example.com', door_ids: [garage] };
    const first = await invite('invite-1', body);
    assert.equal(first.status, 201);
    const again = await invite('invite-1', body);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('cache-control'), 'no-store');
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    const invitations = await app.ctx.db
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', 'retry@example.com')
      .execute();
    assert.equal(invitations.length, 1);
    const mails = await app.ctx.db
      .selectFrom('dev_mailbox')
      .select('id')
      .where('to_address', '=', 'retry@example.com')
      .execute();
    assert.equal(mails.length, 1);

    const other = await invite('invite-1', { email: 'someone.else@example.com', door_ids: [garage] });
    assert.equal(other.status, 409);
    assert.equal(other.body.errors[0].code, 'idempotency_key_reused');
  });
});
