import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AttemptOutcome, recordAccessEvent } from '../../src/access/access-events.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { PRODUCTION_OWNER, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';

// The server's "now": 2026-07-02 02:30 UTC, which is still 2026-07-01 22:30 in New York (EDT).
const NOW = Date.parse('2026-07-02T02:30:00Z');
const PATH = '/oauth/v1/endpoints/toggle-history';

interface Door {
  id: string;
  deviceId: string;
  accountId: string;
}

/** A dashed, upper-case spelling of a 32-hex id (spec §4: both forms are accepted). */
function dashed(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toUpperCase();
}

describe('Get Access History (spec §5.5)', () => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let john: string;
  let owner: string;
  let production: string;
  let johnId: string;
  let ownerId: string;
  let productionId: string;
  // The testing accounts (running.md): John has Garage (Test) and Kitty (Production's Main Gate).
  let garage: Door;
  let lobby: Door;
  let elevator: Door;
  let backGate: Door;
  let mainGate: Door;

  const history = (token: string, params: Record<string, string>, path = PATH) =>
    app.api(`${path}?${new URLSearchParams(params)}`, token);

  /** An entry written as the toggle service and the door sensors write them. */
  const record = (
    door: Door,
    at: string,
    by: { userId: string | null; channel: string; state?: 'OPEN' | 'CLOSED'; outcome?: AttemptOutcome },
  ) =>
    recordAccessEvent(app.ctx.db, {
      accountId: door.accountId,
      deviceId: door.deviceId,
      doorId: door.id,
      userId: by.userId,
      clientId: null,
      channel: by.channel,
      doorState: by.state ?? 'OPEN',
      outcome: by.outcome ?? (by.userId === null ? 'sensor' : 'done'),
      occurredAt: Date.parse(at),
    });

  const setTimeZone = (userId: string, timeZone: string) =>
    app.ctx.db.updateTable('users').set({ time_zone: timeZone }).where('id', '=', userId).execute();

  /** Door ids as the documented sync shows them to the given person. */
  async function doorsOf(token: string): Promise<Map<string, Door>> {
    const sync = await app.api('/oauth/v1/endpoints/sync', token);
    assert.equal(sync.status, 200);
    const doors = new Map<string, Door>();
    for (const device of sync.body.devices) {
      const { account_id: accountId } = await app.ctx.db
        .selectFrom('devices')
        .select('account_id')
        .where('id', '=', device.id)
        .executeTakeFirstOrThrow();
      for (const door of device.doors) doors.set(door.name, { id: door.id, deviceId: device.id, accountId });
    }
    return doors;
  }

  before(async () => {
    app = await startTestApp({
      env: { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' },
      clock,
    });
    john = (await app.tokensFor()).access_token;
    owner = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    production = (await app.tokensFor({ user: PRODUCTION_OWNER })).access_token;
    johnId = (await app.api('/oauth/v1/endpoints/user-info', john)).body.data.id;
    ownerId = (await app.api('/oauth/v1/endpoints/user-info', owner)).body.data.id;
    productionId = (await app.api('/oauth/v1/endpoints/user-info', production)).body.data.id;
    const ownerDoors = await doorsOf(owner);
    garage = ownerDoors.get('Garage')!;
    lobby = ownerDoors.get('Lobby Door')!;
    elevator = ownerDoors.get('Elevator')!;
    backGate = ownerDoors.get('Back Gate')!;
    mainGate = (await doorsOf(production)).get('Main Gate')!;
    assert.equal((await doorsOf(john)).get('Kitty')?.id, mainGate.id);
  });
  after(() => app.close());

  test('a toggle through the API and its sensor report, field by field', async () => {
    const toggle = await app.api('/oauth/v1/endpoint/toggle', john, {
      body: { door_id: garage.id, door_state: 'OPEN' },
    });
    assert.equal(toggle.status, 200);

    const response = await history(john, {
      start_date: 'TODAY',
      end_date: 'TODAY',
      history_type: 'door',
      door_id: garage.id,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    // The attempt and the report happen at the same instant (zero travel time): compare as a set.
    const byChannel = (a: any, b: any) => a.channel.localeCompare(b.channel);
    assert.deepEqual(
      {
        ...response.body,
        data: { ...response.body.data, toggle_events: response.body.data.toggle_events.sort(byChannel) },
      },
      {
        success: true,
        timestamp: NOW,
        data: {
          toggle_events: [
            {
              door_id: garage.id,
              door_name: 'Garage',
              door_state: 'OPEN',
              channel: 'Door Sensor',
              // Spec §5.5: no person caused a sensor report.
              user: { id: '', first_name: '', last_name: '', email_address: '' },
              was_success: true,
              toggle_date_time: '2026-07-01 22:30:00',
            },
            {
              door_id: garage.id,
              door_name: 'Garage',
              door_state: 'OPEN',
              channel: 'ParqEx Demo App',
              user: {
                id: johnId,
                first_name: 'John',
                last_name: 'Doe',
                email_address: 'john.doe@parqex.com',
              },
              was_success: true,
              toggle_date_time: '2026-07-01 22:30:00',
            },
          ],
          next_cursor: null,
        },
      },
    );
  });

  test('a failed attempt is in the history with was_success false', async () => {
    const toggle = await app.api('/oauth/v1/endpoint/toggle', owner, {
      body: { door_id: backGate.id, door_state: 'OPEN' },
    });
    assert.equal(toggle.status, 503, 'the Back Gate controller is offline');

    const response = await history(owner, {
      start_date: 'TODAY',
      end_date: 'TODAY',
      history_type: 'door',
      door_id: backGate.id,
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.data.toggle_events, [
      {
        door_id: backGate.id,
        door_name: 'Back Gate',
        door_state: 'OPEN',
        channel: 'ParqEx Demo App',
        user: { id: ownerId, first_name: 'ParqEx', last_name: 'Test', email_address: 'test@parqex.com' },
        was_success: false,
        toggle_date_time: '2026-07-01 22:30:00',
      },
    ]);
  });

  test('every documented spelling of the path, and both id forms', async () => {
    for (const path of [
      '/oauth/v1/endpoints/toggle-history',
      '/oauth/v1/endpoints/toggle-history/',
      '/oauth/v1/endpoint/toggle-history',
      '/api/oauth/v1/endpoints/toggle-history',
      '/api/oauth/v1/endpoints/toggle-history/',
    ]) {
      const response = await history(
        john,
        { start_date: 'TODAY', end_date: 'TODAY', history_type: 'door', door_id: dashed(garage.id) },
        path,
      );
      assert.equal(response.status, 200, path);
      assert.equal(response.body.data.toggle_events.length, 2, path);
    }
  });

  test('no token: 401 with the Bearer challenge (RFC 6750 §3)', async () => {
    const response = await app.api(`${PATH}?start_date=TODAY&end_date=TODAY&history_type=user`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="parqex"');
  });

  test('newest first', async () => {
    // Written out of order, on two doors.
    await record(garage, '2026-04-01T14:00:00Z', { userId: johnId, channel: 'second' });
    await record(mainGate, '2026-04-01T16:00:00Z', { userId: johnId, channel: 'third' });
    await record(garage, '2026-04-01T13:00:00Z', { userId: johnId, channel: 'first' });
    const response = await history(john, {
      start_date: '2026-04-01',
      end_date: '2026-04-01',
      history_type: 'user',
    });
    assert.deepEqual(
      response.body.data.toggle_events.map((e: any) => [e.channel, e.door_name, e.toggle_date_time]),
      [
        ['third', 'Kitty', '2026-04-01 12:00:00'],
        ['second', 'Garage', '2026-04-01 10:00:00'],
        ['first', 'Garage', '2026-04-01 09:00:00'],
      ],
    );
  });

  test('the range is inclusive: whole local days from start_date to end_date', async () => {
    for (const [at, channel] of [
      ['2026-04-09T23:59:59-04:00', 'the day before'],
      ['2026-04-10T00:00:00-04:00', 'first second'],
      ['2026-04-12T23:59:59-04:00', 'last second'],
      ['2026-04-13T00:00:00-04:00', 'the day after'],
    ] as const) {
      await record(garage, at, { userId: johnId, channel });
    }
    const range = (start: string, end: string) =>
      history(john, { start_date: start, end_date: end, history_type: 'door', door_id: garage.id }).then(
        (r) => r.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.channel}`),
      );
    assert.deepEqual(await range('2026-04-10', '2026-04-12'), [
      '2026-04-12 23:59:59 last second',
      '2026-04-10 00:00:00 first second',
    ]);
    assert.deepEqual(await range('2026-04-13', '2026-04-13'), ['2026-04-13 00:00:00 the day after']);
    assert.deepEqual(await range('2026-04-11', '2026-04-11'), []);
  });

  test('a 23-hour day: 2026-03-08 in New York (clocks skip 02:00–03:00)', async () => {
    await setTimeZone(johnId, 'America/New_York');
    for (const [at, channel] of [
      ['2026-03-07T23:59:59-05:00', 'before'],
      ['2026-03-08T00:00:00-05:00', 'midnight'],
      ['2026-03-08T01:59:59-05:00', 'before the change'],
      ['2026-03-08T03:00:00-04:00', 'after the change'],
      ['2026-03-08T23:59:59-04:00', 'last second'],
      // 24 hours after midnight, but already the next day.
      ['2026-03-09T00:00:00-04:00', 'next day'],
      ['2026-03-09T00:59:59-04:00', 'next day, later'],
    ] as const) {
      await record(garage, at, { userId: johnId, channel });
    }
    const response = await history(john, {
      start_date: '2026-03-08',
      end_date: '2026-03-08',
      history_type: 'door',
      door_id: garage.id,
    });
    assert.deepEqual(
      response.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.channel}`),
      [
        '2026-03-08 23:59:59 last second',
        '2026-03-08 03:00:00 after the change',
        '2026-03-08 01:59:59 before the change',
        '2026-03-08 00:00:00 midnight',
      ],
    );
  });

  test('a 25-hour day: 2026-11-01 in New York (01:00–02:00 happens twice)', async () => {
    await setTimeZone(johnId, 'America/New_York');
    for (const [at, channel] of [
      ['2026-10-31T23:59:59-04:00', 'before'],
      ['2026-11-01T00:00:00-04:00', 'midnight'],
      ['2026-11-01T01:30:00-04:00', '01:30 EDT'],
      ['2026-11-01T01:30:00-05:00', '01:30 EST'],
      // 24 hours after midnight, but still the same day.
      ['2026-11-01T23:30:00-05:00', 'hour 25'],
      ['2026-11-02T00:00:00-05:00', 'next day'],
    ] as const) {
      await record(garage, at, { userId: johnId, channel });
    }
    const response = await history(john, {
      start_date: '2026-11-01',
      end_date: '2026-11-01',
      history_type: 'door',
      door_id: garage.id,
    });
    assert.deepEqual(
      response.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.channel}`),
      [
        '2026-11-01 23:30:00 hour 25',
        '2026-11-01 01:30:00 01:30 EST',
        '2026-11-01 01:30:00 01:30 EDT',
        '2026-11-01 00:00:00 midnight',
      ],
    );
  });

  test('TODAY is today in the user’s time zone, and times are shown in it', async () => {
    // NOW is 2026-07-01 22:30 in New York and 2026-07-02 11:30 in Tokyo.
    await record(lobby, '2026-06-30T23:59:59-04:00', { userId: ownerId, channel: 'yesterday (NY)' });
    await record(lobby, '2026-07-01T00:00:00-04:00', { userId: ownerId, channel: 'today (NY)' });
    await record(lobby, '2026-07-02T01:00:00Z', { userId: ownerId, channel: 'tonight (NY)' });
    const channels = (params: Record<string, string>) =>
      history(owner, { history_type: 'door', door_id: lobby.id, ...params }).then((r) => {
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.data.toggle_events.map((e: any) => `${e.toggle_date_time} ${e.channel}`);
      });

    assert.deepEqual(await channels({ start_date: 'TODAY', end_date: 'TODAY' }), [
      '2026-07-01 21:00:00 tonight (NY)',
      '2026-07-01 00:00:00 today (NY)',
    ]);
    assert.deepEqual(await channels({ start_date: '2026-06-30', end_date: 'TODAY' }), [
      '2026-07-01 21:00:00 tonight (NY)',
      '2026-07-01 00:00:00 today (NY)',
      '2026-06-30 23:59:59 yesterday (NY)',
    ]);

    await setTimeZone(ownerId, 'Asia/Tokyo');
    try {
      assert.deepEqual(await channels({ start_date: 'TODAY', end_date: 'TODAY' }), [
        '2026-07-02 10:00:00 tonight (NY)',
      ]);
      assert.deepEqual(await channels({ start_date: '2026-07-01', end_date: '2026-07-01' }), [
        '2026-07-01 13:00:00 today (NY)',
        '2026-07-01 12:59:59 yesterday (NY)',
      ]);
    } finally {
      await setTimeZone(ownerId, 'America/New_York');
    }
  });

  describe('who sees what', () => {
    const DAY = { start_date: '2026-04-21', end_date: '2026-04-21' };
    const seen = (token: string, params: Record<string, string>) =>
      history(token, { ...DAY, ...params }).then((r) => {
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.data.toggle_events.map(
          (e: any) => `${e.door_name}: ${e.channel} (${e.user.first_name})`,
        );
      });

    before(async () => {
      // One day on the Test account's doors and Production's Main Gate.
      await record(garage, '2026-04-21T12:00:00Z', { userId: ownerId, channel: 'ParqEx Web' });
      await record(garage, '2026-04-21T12:00:05Z', { userId: null, channel: 'Door Sensor' });
      await record(garage, '2026-04-21T13:00:00Z', { userId: johnId, channel: 'Johns App' });
      await record(lobby, '2026-04-21T14:00:00Z', { userId: ownerId, channel: 'ParqEx iOS' });
      await record(elevator, '2026-04-21T15:00:00Z', {
        userId: ownerId,
        channel: 'ParqEx Web',
        outcome: 'no_sensor',
      });
      await record(backGate, '2026-04-21T16:00:00Z', { userId: ownerId, channel: 'ParqEx Android' });
      await record(mainGate, '2026-04-21T17:00:00Z', { userId: johnId, channel: 'Johns App' });
      await record(mainGate, '2026-04-21T18:00:00Z', { userId: productionId, channel: 'ParqEx Web' });
    });

    test('the Owner sees everyone’s events on a door of their account', async () => {
      assert.deepEqual(await seen(owner, { history_type: 'door', door_id: garage.id }), [
        'Garage: Johns App (John)',
        'Garage: Door Sensor ()',
        'Garage: ParqEx Web (ParqEx)',
      ]);
    });

    test('a Has Access user sees their own events and the sensor reports, never another person’s', async () => {
      // Decision (spec §5.5): own events only for Has Access users; sensor reports carry no person.
      assert.deepEqual(await seen(john, { history_type: 'door', door_id: garage.id }), [
        'Garage: Johns App (John)',
        'Garage: Door Sensor ()',
      ]);
    });

    test('device: every door of the device the user can see', async () => {
      assert.deepEqual(await seen(owner, { history_type: 'device', device_id: garage.deviceId }), [
        'Elevator: ParqEx Web (ParqEx)',
        'Lobby Door: ParqEx iOS (ParqEx)',
        'Garage: Johns App (John)',
        'Garage: Door Sensor ()',
        'Garage: ParqEx Web (ParqEx)',
      ]);
      assert.deepEqual(await seen(owner, { history_type: 'device', device_id: dashed(backGate.deviceId) }), [
        'Back Gate: ParqEx Android (ParqEx)',
      ]);
      // John sees only Garage of this controller, and only what a Has Access user may.
      assert.deepEqual(await seen(john, { history_type: 'device', device_id: garage.deviceId }), [
        'Garage: Johns App (John)',
        'Garage: Door Sensor ()',
      ]);
    });

    test('user: the requester’s own actions on every door they can see, by their own door names', async () => {
      assert.deepEqual(await seen(john, { history_type: 'user' }), [
        'Kitty: Johns App (John)',
        'Garage: Johns App (John)',
      ]);
      assert.deepEqual(await seen(owner, { history_type: 'user' }), [
        'Back Gate: ParqEx Android (ParqEx)',
        'Elevator: ParqEx Web (ParqEx)',
        'Lobby Door: ParqEx iOS (ParqEx)',
        'Garage: ParqEx Web (ParqEx)',
      ]);
    });

    test('the Owner of Production sees John’s events on Main Gate, under the owner’s name for it', async () => {
      assert.deepEqual(await seen(production, { history_type: 'door', door_id: mainGate.id }), [
        'Main Gate: ParqEx Web (ParqEx)',
        'Main Gate: Johns App (John)',
      ]);
    });

    test('another account’s door or device, or a door not shared: 404, exactly as an unknown id', async () => {
      const unknown = 'f'.repeat(32);
      const doorNotFound = { errors: [{ code: 'door_not_found', message: 'No door with this id.' }] };
      const deviceNotFound = { errors: [{ code: 'device_not_found', message: 'No device with this id.' }] };
      const cases: [string, Record<string, string>, object][] = [
        [production, { history_type: 'door', door_id: garage.id }, doorNotFound],
        [production, { history_type: 'door', door_id: dashed(lobby.id) }, doorNotFound],
        [production, { history_type: 'device', device_id: garage.deviceId }, deviceNotFound],
        [owner, { history_type: 'door', door_id: mainGate.id }, doorNotFound],
        [owner, { history_type: 'device', device_id: mainGate.deviceId }, deviceNotFound],
        // John's own account, but doors he was not given.
        [john, { history_type: 'door', door_id: lobby.id }, doorNotFound],
        [john, { history_type: 'device', device_id: backGate.deviceId }, deviceNotFound],
        [john, { history_type: 'door', door_id: unknown }, doorNotFound],
        [john, { history_type: 'device', device_id: unknown }, deviceNotFound],
      ];
      for (const [token, params, body] of cases) {
        const response = await history(token, { ...DAY, ...params });
        assert.equal(response.status, 404, JSON.stringify(params));
        assert.deepEqual(response.body, body, JSON.stringify(params));
      }
    });

    test('a door its owner has not opened to the API is invisible to applications', async () => {
      await app.ctx.db.updateTable('doors').set({ is_api_enabled: 0 }).where('id', '=', lobby.id).execute();
      try {
        const response = await history(owner, { ...DAY, history_type: 'door', door_id: lobby.id });
        assert.equal(response.status, 404);
        assert.deepEqual(response.body, {
          errors: [{ code: 'door_not_found', message: 'No door with this id.' }],
        });
        const user = await seen(owner, { history_type: 'user' });
        assert.ok(!user.some((e: string) => e.startsWith('Lobby Door')), user.join('\n'));
        const device = await seen(owner, { history_type: 'device', device_id: lobby.deviceId });
        assert.ok(!device.some((e: string) => e.startsWith('Lobby Door')), device.join('\n'));
      } finally {
        await app.ctx.db.updateTable('doors').set({ is_api_enabled: 1 }).where('id', '=', lobby.id).execute();
      }
    });
  });

  test('bad input: 400 invalid_request with a clear message', async () => {
    const base = { start_date: '2026-04-01', end_date: '2026-04-02', history_type: 'user' };
    const cases: [string, string][] = [
      ['end_date=2026-04-02&history_type=user', 'start_date is required (YYYY-MM-DD or TODAY)'],
      ['start_date=2026-04-01&history_type=user', 'end_date is required (YYYY-MM-DD or TODAY)'],
      ['start_date=&end_date=2026-04-02&history_type=user', 'start_date is required (YYYY-MM-DD or TODAY)'],
      [
        'start_date=2026-02-30&end_date=2026-04-02&history_type=user',
        'start_date must be a date written YYYY-MM-DD, or TODAY',
      ],
      [
        'start_date=2026/04/01&end_date=2026-04-02&history_type=user',
        'start_date must be a date written YYYY-MM-DD, or TODAY',
      ],
      [
        'start_date=2026-04-01&end_date=today&history_type=user',
        'end_date must be a date written YYYY-MM-DD, or TODAY',
      ],
      [
        'start_date=2026-04-01&end_date=2026-04-01T00:00:00&history_type=user',
        'end_date must be a date written YYYY-MM-DD, or TODAY',
      ],
      [
        'start_date=2026-04-02&end_date=2026-04-01&history_type=user',
        'the end date 2026-04-01 is before the start date 2026-04-02',
      ],
      // TODAY is 2026-07-01 for John (New York).
      [
        'start_date=2026-07-02&end_date=TODAY&history_type=user',
        'the end date 2026-07-01 is before the start date 2026-07-02',
      ],
      [
        'start_date=2026-04-01&start_date=2026-04-02&end_date=2026-04-02&history_type=user',
        'start_date must be given once',
      ],
      ['start_date=2026-04-01&end_date=2026-04-02', 'history_type is required: door, device or user'],
      [
        'start_date=2026-04-01&end_date=2026-04-02&history_type=account',
        'history_type must be door, device or user',
      ],
      [
        'start_date=2026-04-01&end_date=2026-04-02&history_type=door',
        'door_id is required when history_type is door',
      ],
      [
        `start_date=2026-04-01&end_date=2026-04-02&history_type=door&device_id=${garage.deviceId}`,
        'door_id is required when history_type is door',
      ],
      [
        'start_date=2026-04-01&end_date=2026-04-02&history_type=device',
        'device_id is required when history_type is device',
      ],
      [
        'start_date=2026-04-01&end_date=2026-04-02&history_type=door&door_id=garage',
        'door_id must be a door id (32 hexadecimal characters or a UUID)',
      ],
      [
        'start_date=2026-04-01&end_date=2026-04-02&history_type=device&device_id=123',
        'device_id must be a device id (32 hexadecimal characters or a UUID)',
      ],
      ...['1001', '0', '-1', '1.5', 'ten', '', '100000000'].map((limit): [string, string] => [
        `${new URLSearchParams({ ...base, limit })}`,
        'limit must be a whole number from 1 to 1000',
      ]),
      ...['garbage!', 'bm90LWEtY3Vyc29y', Buffer.from(`1:123:${'g'.repeat(32)}`).toString('base64url')].map(
        (cursor): [string, string] => [
          `${new URLSearchParams({ ...base, cursor })}`,
          'the cursor is not one this endpoint returned',
        ],
      ),
    ];
    for (const [query, message] of cases) {
      const response = await app.api(`${PATH}?${query}`, john);
      assert.equal(response.status, 400, query);
      assert.deepEqual(response.body, { errors: [{ code: 'invalid_request', message }] }, query);
    }
  });

  test('pages follow one another with no duplicate and no gap while events keep coming in', async () => {
    const DAY = {
      start_date: '2026-05-10',
      end_date: '2026-05-10',
      history_type: 'door',
      door_id: garage.id,
    };
    // 25 events, three to an instant, so pages end in the middle of a tie.
    const existing: { id: string; channel: string; at: number }[] = [];
    for (let i = 0; i < 25; i++) {
      const at = `2026-05-10T${String(10 + Math.floor(i / 3)).padStart(2, '0')}:00:00Z`;
      const channel = `event ${i}`;
      existing.push({
        id: await record(garage, at, { userId: johnId, channel }),
        channel,
        at: Date.parse(at),
      });
    }
    // Spec §5.5 decision: keyset order (occurred_at desc, id desc).
    const expected = existing.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((e) => e.channel);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { ...DAY, limit: '10', ...(cursor ? { cursor } : {}) };
      const response = await history(john, params);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const page = response.body.data.toggle_events.map((e: any) => e.channel);
      seen.push(...page);
      cursor = response.body.data.next_cursor;
      pages++;
      assert.equal(page.length, pages < 3 ? 10 : 5);
      assert.equal(cursor === null, pages === 3);
      if (cursor !== null) assert.equal(typeof cursor, 'string');
      // Meanwhile, new events are recorded (newer than every existing one, as live events are).
      await record(garage, `2026-05-10T20:0${pages}:00Z`, { userId: johnId, channel: `new ${pages}a` });
      await record(garage, `2026-05-10T20:0${pages}:00Z`, { userId: null, channel: `new ${pages}b` });
      const toggle = await app.api('/oauth/v1/endpoint/toggle', john, {
        body: { door_id: garage.id, door_state: pages % 2 ? 'CLOSED' : 'OPEN' },
      });
      assert.equal(toggle.status, 200);
    } while (cursor !== null && pages < 10);

    assert.deepEqual(seen, expected);

    // A new first page starts with what came in meanwhile.
    const fresh = await history(john, { ...DAY, limit: '6' });
    assert.deepEqual(fresh.body.data.toggle_events.map((e: any) => e.channel).sort(), [
      'new 1a',
      'new 1b',
      'new 2a',
      'new 2b',
      'new 3a',
      'new 3b',
    ]);
    assert.equal(typeof fresh.body.data.next_cursor, 'string');
  });

  test('limit: 100 by default, at most 1000', async () => {
    const DAY = { start_date: '2026-05-20', end_date: '2026-05-20', history_type: 'door', door_id: lobby.id };
    await app.ctx.db.transaction().execute(async (trx) => {
      const start = Date.parse('2026-05-20T12:00:00Z');
      for (let i = 0; i < 1001; i++) {
        await recordAccessEvent(trx, {
          accountId: lobby.accountId,
          deviceId: lobby.deviceId,
          doorId: lobby.id,
          userId: ownerId,
          clientId: null,
          channel: `event ${i}`,
          doorState: 'OPEN',
          outcome: 'done',
          occurredAt: start + i * 1000,
        });
      }
    });

    const byDefault = await history(owner, DAY);
    assert.equal(byDefault.body.data.toggle_events.length, 100);
    assert.equal(byDefault.body.data.toggle_events[0].channel, 'event 1000');
    assert.equal(typeof byDefault.body.data.next_cursor, 'string');

    const most = await history(owner, { ...DAY, limit: '1000' });
    assert.equal(most.status, 200);
    assert.equal(most.body.data.toggle_events.length, 1000);
    assert.equal(most.body.data.toggle_events[999].channel, 'event 1');

    const rest = await history(owner, { ...DAY, limit: '1000', cursor: most.body.data.next_cursor });
    assert.deepEqual(
      rest.body.data.toggle_events.map((e: any) => [e.channel, e.toggle_date_time]),
      [['event 0', '2026-05-20 08:00:00']],
    );
    assert.equal(rest.body.data.next_cursor, null);

    const tooMany = await history(owner, { ...DAY, limit: '1001' });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.errors[0].code, 'invalid_request');
  });
});
