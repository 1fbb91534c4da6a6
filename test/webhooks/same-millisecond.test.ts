import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/lib/clock.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { dispatcherFor, drain, startReceiver, subscribedClient } from './webhook-fixtures.ts';

test('events of the same millisecond are sent in the order they happened', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
  const app = await startTestApp({
    clock,
    env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' },
  });
  const receiver = await startReceiver({ answer: () => 200 });
  try {
    const { client } = await subscribedClient(app, receiver.url('/hook'), { families: ['door', 'access'] });
    const token = (await app.tokensFor({ client })).access_token;
    const { garage } = await testingDoors(app);
    // With no travel time the toggle's access_granted and the door's door1_open share a millisecond.
    for (const door_state of ['OPEN', 'CLOSED', 'OPEN']) {
      const response = await app.api('/oauth/v1/endpoint/toggle', token, {
        body: { door_id: garage.id, door_state },
      });
      assert.equal(response.status, 200);
    }
    await drain(dispatcherFor(app));
    assert.deepEqual(
      receiver.received.map((r) => JSON.parse(r.body).eventType),
      ['access_granted', 'door1_open', 'access_granted', 'door1_close', 'access_granted', 'door1_open'],
    );
  } finally {
    await receiver.close();
    await app.close();
  }
});
