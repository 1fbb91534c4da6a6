import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, TEST_OWNER } from '../helpers/test-app.ts';
import { dispatcherFor, drain, startReceiver, subscribedClient } from './webhook-fixtures.ts';

const ENV = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };

test('one request per event per user who authorized the app and sees the door; a revoked app stops its user’s', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 15, 0, 0));
  const app = await startTestApp({ env: ENV, clock });
  const receiver = await startReceiver();
  try {
    const { client } = await subscribedClient(app, receiver.url(), { families: ['door'] });
    const johnToken = (await app.tokensFor({ client, user: JOHN })).access_token;
    await app.tokensFor({ client, user: TEST_OWNER });
    const { garage } = await testingDoors(app);
    const users = await app.ctx.db.selectFrom('users').select(['id', 'email']).execute();
    const idOf = (email: string) => users.find((u) => u.email === email)!.id;

    const opened = await app.api('/oauth/v1/endpoint/toggle', johnToken, {
      body: { door_id: garage.id, door_state: 'OPEN' },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    await drain(dispatcherFor(app));
    assert.equal(receiver.received.length, 2, 'John and test@parqex.com share the Garage');
    const recipients = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'user_id'])
      .where('status', '=', 'delivered')
      .execute();
    assert.deepEqual(
      recipients.map((r) => r.user_id).sort(),
      [idOf(JOHN.email), idOf(TEST_OWNER.email)].sort(),
    );
    const ids = receiver.received.map((r) => r.json.id);
    assert.equal(new Set(ids).size, 2, 'each delivery has its own id');
    for (const request of receiver.received) {
      assert.equal(request.json.eventType, 'door1_open');
      assert.equal(request.json.doorID, garage.id);
      assert.equal(request.json.userThatToggled.emailAddress, JOHN.email, 'the same event for both');
    }

    // John revokes the app from his account page.
    const browser = app.browser();
    await app.signIn(browser, JOHN);
    const page = await browser.get('/account');
    const revoked = await browser.post('/account/applications/revoke', {
      csrf: formField(page.text_, 'csrf'),
      client_id: client.id,
    });
    assert.equal(revoked.status, 303);

    clock.advance(60_000);
    const closed = await app.api(
      '/oauth/v1/endpoint/toggle',
      (await app.tokensFor({ client, user: TEST_OWNER })).access_token,
      {
        body: { door_id: garage.id, door_state: 'CLOSED' },
      },
    );
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    await drain(dispatcherFor(app));
    const after = receiver.received.slice(2);
    assert.equal(after.length, 1, 'only test@parqex.com still authorizes the app');
    assert.equal(after[0]!.json.eventType, 'door1_close');
    const last = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .select('user_id')
      .where('id', '=', after[0]!.json.id)
      .executeTakeFirstOrThrow();
    assert.equal(last.user_id, idOf(TEST_OWNER.email));
  } finally {
    await receiver.close();
    await app.close();
  }
});

test('an app nobody authorized, or a door nobody who authorized it sees, gets nothing', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 15, 0, 0));
  const app = await startTestApp({ env: ENV, clock });
  const receiver = await startReceiver();
  try {
    const { client } = await subscribedClient(app, receiver.url(), { families: ['door', 'access'] });
    await subscribedClient(app, receiver.url('/unauthorized'), { families: ['door', 'access'] });
    const johnToken = (await app.tokensFor({ client, user: JOHN })).access_token;
    const { garage, lobby } = await testingDoors(app);
    const ownerToken = (await app.tokensFor({ user: TEST_OWNER })).access_token; // the demo app, no webhook
    assert.equal(
      (
        await app.api('/oauth/v1/endpoint/toggle', ownerToken, {
          body: { door_id: lobby.id, door_state: 'OPEN' },
        })
      ).status,
      200,
    );
    assert.equal(await drain(dispatcherFor(app)), 0, 'John cannot see the Lobby Door');
    assert.equal(
      (
        await app.api('/oauth/v1/endpoint/toggle', johnToken, {
          body: { door_id: garage.id, door_state: 'OPEN' },
        })
      ).status,
      200,
    );
    await drain(dispatcherFor(app));
    assert.deepEqual(receiver.received.map((r) => [r.path, r.json.eventType]).sort(), [
      ['/hooks', 'access_granted'],
      ['/hooks', 'door1_open'],
    ]);
  } finally {
    await receiver.close();
    await app.close();
  }
});
