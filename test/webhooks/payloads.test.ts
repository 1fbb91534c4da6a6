import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changeSimulatorSettings } from '../../src/access/simulator-settings.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { verifyWebhook } from '../../src/webhooks/signing.ts';
import { testingDoors } from '../api/access-fixtures.ts';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import {
  dispatcherFor,
  drain,
  nowSeconds,
  type Received,
  type Receiver,
  selfSignedCertificate,
  startReceiver,
  subscribedClient,
} from './webhook-fixtures.ts';

const ENV = { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' };
// 15:00:00.789 UTC: eventOccurred drops the milliseconds, eventOccurredUTC agrees with it.
const START = Date.UTC(2026, 10, 22, 15, 0, 0) + 789;

async function userId(app: TestApp, email: string): Promise<string> {
  const row = await app.ctx.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('the documented door event, over https, signed', () => {
  const clock = new ManualClock(START);
  const tls = selfSignedCertificate();
  let app: TestApp;
  let receiver: Receiver;
  let subscription: Awaited<ReturnType<typeof subscribedClient>>;
  let john: string;
  let owner: string;
  let doors: Awaited<ReturnType<typeof testingDoors>>;
  let accessToken: string;

  before(async () => {
    app = await startTestApp({ env: ENV, clock });
    receiver = await startReceiver({ tls });
    subscription = await subscribedClient(app, receiver.url('/parqex/events'), {
      families: ['door'],
      name: 'Gate Buddy',
    });
    accessToken = (await app.tokensFor({ client: subscription.client, user: JOHN })).access_token;
    john = await userId(app, JOHN.email);
    owner = await userId(app, TEST_OWNER.email);
    doors = await testingDoors(app);
  });
  after(async () => {
    await receiver?.close();
    await app?.close();
  });

  const dispatcher = () =>
    dispatcherFor(app, {
      ca: tls.cert,
      // `localhost` is the certificate's name; the dispatcher connects to what this answered.
      lookup: async (host) => {
        assert.equal(host, 'localhost');
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });

  /** Sends what is due and returns the requests that arrived since `from`. */
  async function deliveredSince(from: number): Promise<Received[]> {
    await drain(dispatcher());
    return receiver.received.slice(from);
  }

  function assertSignedRequest(request: Received) {
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/parqex/events');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-parqex-api-key'], subscription.apiKey);
    assert.equal(request.headers['webhook-id'], request.json.id, 'webhook-id is the payload id');
    assert.equal(request.headers['webhook-timestamp'], String(nowSeconds(clock)));
    const signed = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    assert.match(signed['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.ok(verifyWebhook(subscription.signingSecret, signed, request.body, nowSeconds(clock)));
    assert.ok(
      !verifyWebhook(
        subscription.signingSecret,
        signed,
        request.body.replace('"door', '"Door'),
        nowSeconds(clock),
      ),
      'a changed body fails verification',
    );
  }

  test('an API toggle: door1_open, field by field, with the app’s name as channel', async () => {
    const from = receiver.received.length;
    const toggled = await app.api('/oauth/v1/endpoint/toggle', accessToken, {
      body: { door_id: doors.garage.id, door_state: 'OPEN' },
    });
    assert.equal(toggled.status, 200, JSON.stringify(toggled.body));
    const toggle = await app.ctx.db
      .selectFrom('access_events')
      .select('id')
      .where('door_id', '=', doors.garage.id)
      .where('outcome', '=', 'done')
      .executeTakeFirstOrThrow();

    const [request, ...more] = await deliveredSince(from);
    assert.ok(request, 'the receiver got the event');
    assert.equal(more.length, 0, 'one event, one user who authorized the app: one request');
    assertSignedRequest(request);
    const body = request.json;
    assert.deepEqual(Object.keys(body), [
      'id',
      'eventType',
      'toggleID',
      'doorID',
      'doorState',
      'channel',
      'deviceID',
      'eventOccurred',
      'eventOccurredUTC',
      'doorOwnerUserID',
      'userThatToggled',
    ]);
    assert.match(body.id, /^[0-9A-F]{32}$/);
    assert.equal(body.eventType, 'door1_open');
    assert.equal(body.toggleID, toggle.id.toUpperCase());
    assert.match(body.toggleID, /^[0-9A-F]{32}$/);
    assert.equal(body.doorID, doors.garage.id);
    assert.equal(body.doorState, 'OPEN');
    assert.equal(body.channel, 'Gate Buddy');
    assert.equal(body.deviceID, doors.garage.device_id);
    assert.equal(body.eventOccurred, Math.floor(START / 1000));
    assert.equal(body.eventOccurredUTC, '2026-11-22T15:00:00Z');
    assert.equal(Date.parse(body.eventOccurredUTC) / 1000, body.eventOccurred, 'the two times agree');
    assert.equal(body.doorOwnerUserID, owner.replace(/-/g, '').toLowerCase());
    assert.match(body.doorOwnerUserID, /^[0-9a-f]{32}$/);
    assert.deepEqual(body.userThatToggled, {
      firstName: 'John',
      lastName: 'Doe',
      emailAddress: JOHN.email,
    });
    const delivery = await app.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', body.id)
      .executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.user_id, john);
  });

  test('a toggle from the doors page: door1_close with channel “ParqEx Web”', async () => {
    clock.advance(61_000);
    const from = receiver.received.length;
    const browser = app.browser();
    await app.signIn(browser, JOHN, '/doors');
    const page = await browser.get('/doors');
    const pressed = await browser.post('/doors/toggle', {
      csrf: formField(page.text_, 'csrf'),
      door_id: doors.garage.id,
      state: 'CLOSED',
    });
    assert.equal(pressed.status, 303);
    assert.match(
      (await browser.get(pressed.headers.get('location')!)).text_,
      /Done: Garage was asked to close\./,
    );

    const [request, ...more] = await deliveredSince(from);
    assert.ok(request);
    assert.equal(more.length, 0);
    assertSignedRequest(request);
    assert.equal(request.json.eventType, 'door1_close');
    assert.equal(request.json.doorState, 'CLOSED');
    assert.equal(request.json.channel, 'ParqEx Web');
    assert.equal(request.json.eventOccurred, Math.floor(clock.now() / 1000));
    assert.deepEqual(request.json.userThatToggled, {
      firstName: 'John',
      lastName: 'Doe',
      emailAddress: JOHN.email,
    });
  });

  test('a door moved by hand: channel “Door Sensor”, nobody toggled it', async () => {
    clock.advance(61_000);
    const from = receiver.received.length;
    await changeSimulatorSettings(
      app.ctx.db,
      doors.garage.device_id,
      { entityNumber: 1, state: 'OPEN' },
      clock.now(),
    );
    const sensor = await app.ctx.db
      .selectFrom('access_events')
      .select('id')
      .where('door_id', '=', doors.garage.id)
      .where('outcome', '=', 'sensor')
      .where('occurred_at', '=', clock.now())
      .executeTakeFirstOrThrow();

    const [request, ...more] = await deliveredSince(from);
    assert.ok(request);
    assert.equal(more.length, 0);
    assertSignedRequest(request);
    assert.equal(request.json.eventType, 'door1_open');
    assert.equal(request.json.channel, 'Door Sensor');
    assert.equal(request.json.toggleID, sensor.id.toUpperCase(), 'the sensor report stands for the toggle');
    assert.equal(request.json.userThatToggled, null);
    assert.equal(request.json.doorOwnerUserID, owner.replace(/-/g, '').toLowerCase());
  });
});

describe('access events', () => {
  test('access_granted on a done toggle, access_denied with its outcome (offline Back Gate)', async () => {
    const clock = new ManualClock(START);
    const app = await startTestApp({ env: ENV, clock });
    const receiver = await startReceiver();
    try {
      const subscription = await subscribedClient(app, receiver.url(), { families: ['access'] });
      const johnToken = (await app.tokensFor({ client: subscription.client, user: JOHN })).access_token;
      const ownerToken = (await app.tokensFor({ client: subscription.client, user: TEST_OWNER }))
        .access_token;
      const doors = await testingDoors(app);

      const granted = await app.api('/oauth/v1/endpoint/toggle', johnToken, {
        body: { door_id: doors.garage.id, door_state: 'OPEN' },
      });
      assert.equal(granted.status, 200, JSON.stringify(granted.body));
      clock.advance(1000);
      const denied = await app.api('/oauth/v1/endpoint/toggle', ownerToken, {
        body: { door_id: doors.backGate.id, door_state: 'OPEN' },
      });
      assert.equal(denied.status, 503, JSON.stringify(denied.body));

      await drain(dispatcherFor(app));
      const bodies = receiver.received.map((r) => r.json);
      const grants = bodies.filter((b) => b.eventType === 'access_granted');
      const denials = bodies.filter((b) => b.eventType === 'access_denied');
      assert.equal(bodies.length, 3, 'no door events: the endpoint is subscribed to access only');
      assert.equal(grants.length, 2, 'John and the owner both authorized the app and see the Garage');
      assert.equal(denials.length, 1, 'only the owner sees the Back Gate');
      for (const grant of grants) {
        assert.match(grant.id, /^[0-9A-F]{32}$/);
        assert.equal(grant.doorID, doors.garage.id);
        assert.equal(grant.deviceID, doors.garage.device_id);
        assert.equal(grant.doorState, 'OPEN');
        assert.equal(grant.outcome, 'done');
        assert.equal(grant.channel, 'Example App');
        assert.equal(grant.eventOccurred, Math.floor(START / 1000));
        assert.equal(grant.eventOccurredUTC, '2026-11-22T15:00:00Z');
        assert.deepEqual(grant.user, { firstName: 'John', lastName: 'Doe', emailAddress: JOHN.email });
      }
      assert.notEqual(grants[0].id, grants[1].id, 'each delivery has its own id');
      assert.equal(grants[0].toggleID, grants[1].toggleID, 'the same toggle');
      const [denial] = denials;
      assert.equal(denial.doorID, doors.backGate.id);
      assert.equal(denial.outcome, 'offline');
      assert.equal(denial.eventOccurred, Math.floor(START / 1000) + 1);
      assert.equal(denial.user.emailAddress, TEST_OWNER.email);
      for (const request of receiver.received) {
        assert.equal(request.headers['x-parqex-api-key'], subscription.apiKey);
        assert.equal(request.headers['webhook-id'], request.json.id);
      }
    } finally {
      await receiver.close();
      await app.close();
    }
  });
});
