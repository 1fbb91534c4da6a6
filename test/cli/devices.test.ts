import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { changeSimulatorSettings, type SimulatorChange } from '../../src/access/simulator-settings.ts';
import { startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { assertJson, assertRefused, type Finished, field, type Sandbox, sandbox } from './parqex-process.ts';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** `users create --json`: a new account with this person as its Admin; returns the account id. */
async function newAccount(box: Sandbox, email: string, first = 'Olive', last = 'Owner'): Promise<string> {
  const created = assertJson(
    await box.run([
      ...['users', 'create', '--json', '--email', email, '--password', 'correct horse battery'],
      ...['--first-name', first, '--last-name', last],
    ]),
  );
  return created.account_id;
}

async function createDevice(box: Sandbox, args: string[]): Promise<any> {
  return assertJson(await box.run(['devices', 'create', '--json', ...args]));
}

async function storedDoors(box: Sandbox, deviceId: string) {
  return box
    .db()
    .selectFrom('doors')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('entity_number')
    .execute();
}

async function storedDevice(box: Sandbox, deviceId: string) {
  return box.db().selectFrom('devices').selectAll().where('id', '=', deviceId).executeTakeFirstOrThrow();
}

/** Every row a devices command could write, to show that a refused one wrote nothing. */
async function snapshot(box: Sandbox) {
  const db = box.db();
  return {
    devices: await db.selectFrom('devices').selectAll().orderBy('id').execute(),
    doors: await db.selectFrom('doors').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('access_events').selectAll().orderBy('id').execute(),
  };
}

/** A refusal: exit `code` (1: the request was refused; 2: the command was called wrongly), one line. */
function assertRefusedWith(result: Finished, message: RegExp, code: number): void {
  assertRefused(result, message);
  assert.equal(result.code, code, `exit ${code}`);
}

describe('parqex devices create', { concurrency: true }, () => {
  let box: Sandbox;
  let accountId: string;
  before(async () => {
    box = await sandbox();
    accountId = await newAccount(box, 'olive@example.com');
  });
  after(() => box.close());

  test('registers a controller with N doors numbered 1..N; prints device_id, blackbox_code and the door ids', async () => {
    const created = await box.run([
      ...['devices', 'create', '--account', accountId, '--doors', '3'],
      ...['--blackbox-code', '5A00C2A691DD6250', '--door-name', 'Garage', '--door-name', 'Lobby Door'],
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    const deviceId = field(created.stdout, 'device_id');
    assert.match(deviceId, HEX32);
    assert.equal(field(created.stdout, 'blackbox_code'), '5a00c2a691dd6250', 'kept in lower case');
    const printed = [1, 2, 3].map((n) => field(created.stdout, `door ${n}`));

    const device = await storedDevice(box, deviceId);
    assert.equal(device.account_id, accountId);
    assert.equal(device.blackbox_code, '5a00c2a691dd6250');
    assert.equal(device.is_online, 1);
    assert.equal(device.is_simulated, 1);
    const doors = await storedDoors(box, deviceId);
    assert.deepEqual(
      doors.map((d) => [d.entity_number, d.id, d.name, d.state]),
      [
        [1, printed[0], 'Garage', 'CLOSED'],
        [2, printed[1], 'Lobby Door', 'CLOSED'],
        [3, printed[2], 'Door 3', 'CLOSED'],
      ],
    );
    for (const door of doors) {
      assert.match(door.id, HEX32);
      assert.deepEqual(
        [door.is_api_enabled, door.has_sensor, door.can_open, door.can_close],
        [1, 1, 1, 1],
        'a new door is open to applications, has its sensor and supports both actions',
      );
    }
  });

  test('--json prints {device_id, blackbox_code, door_ids} and nothing else; --offline starts it offline', async () => {
    const result = await box.run([
      'devices',
      'create',
      '--json',
      '--account',
      accountId,
      '--doors',
      '2',
      '--offline',
    ]);
    const created = assertJson(result);
    assert.ok(result.stdout.startsWith('{') && result.stdout.endsWith('}\n'));
    assert.deepEqual(Object.keys(created).sort(), ['blackbox_code', 'device_id', 'door_ids']);
    assert.match(created.device_id, HEX32);
    assert.match(created.blackbox_code, HEX16, 'a blackbox code is generated');
    const device = await storedDevice(box, created.device_id);
    assert.equal(device.blackbox_code, created.blackbox_code);
    assert.equal(device.is_online, 0);
    const doors = await storedDoors(box, created.device_id);
    assert.deepEqual(
      doors.map((d) => [d.entity_number, d.id, d.name]),
      [
        [1, created.door_ids[0], 'Door 1'],
        [2, created.door_ids[1], 'Door 2'],
      ],
    );
  });

  test('100 doors is the most; the account id may be written without dashes, in any case', async () => {
    const created = await createDevice(box, [
      ...['--account', accountId.replace(/-/g, '').toUpperCase(), '--doors', '100'],
    ]);
    assert.equal(created.door_ids.length, 100);
    assert.equal((await storedDevice(box, created.device_id)).account_id, accountId);
    const doors = await storedDoors(box, created.device_id);
    assert.deepEqual(
      doors.map((d) => d.entity_number),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });
});

describe('parqex devices create refuses, naming the problem and writing nothing', {
  concurrency: true,
}, () => {
  let box: Sandbox;
  let accountId: string;
  let before_: Awaited<ReturnType<typeof snapshot>>;
  before(async () => {
    box = await sandbox();
    accountId = await newAccount(box, 'olive@example.com');
    await createDevice(box, ['--account', accountId, '--doors', '1', '--blackbox-code', 'aaaaaaaaaaaaaaaa']);
    before_ = await snapshot(box);
  });
  after(() => box.close());

  const account = () => ['--account', accountId];
  const cases: Array<[string, () => string[], RegExp, number]> = [
    ['0 doors', () => [...account(), '--doors', '0'], /a controller has 1 to 100 doors/, 1],
    ['101 doors', () => [...account(), '--doors', '101'], /a controller has 1 to 100 doors/, 1],
    [
      'a blackbox code that is not hexadecimal',
      () => [...account(), '--doors', '1', '--blackbox-code', 'zz000c2a691dd625'],
      /the blackbox code is 16 hexadecimal characters/,
      1,
    ],
    [
      'a blackbox code already registered (whatever its case)',
      () => [...account(), '--doors', '1', '--blackbox-code', 'AAAAAAAAAAAAAAAA'],
      /a controller with blackbox code aaaaaaaaaaaaaaaa is already registered/,
      1,
    ],
    [
      'an unknown account',
      () => ['--account', '00000000-0000-0000-0000-000000000000', '--doors', '1'],
      /account 00000000-0000-0000-0000-000000000000 does not exist/,
      1,
    ],
    ['a missing --account', () => ['--doors', '1'], /devices create needs --account ACCOUNT_ID/, 2],
    ['a missing --doors', () => account(), /devices create needs --doors N/, 2],
    [
      '--doors that is not a number',
      () => [...account(), '--doors', 'three'],
      /--doors must be a whole number, got "three"/,
      2,
    ],
    [
      'more door names than doors',
      () => [...account(), '--doors', '1', '--door-name', 'A', '--door-name', 'B'],
      /--door-name given 2 times for 1 door/,
      2,
    ],
    [
      'a blank door name',
      () => [...account(), '--doors', '1', '--door-name', ' '],
      /--door-name cannot be blank/,
      2,
    ],
    ['an unknown option', () => [...account(), '--doors', '1', '--colour', 'red'], /--colour/, 2],
    [
      'an unexpected argument',
      () => [...account(), '--doors', '1', 'Garage'],
      /unexpected argument "Garage"/,
      2,
    ],
    [
      '--json: still one line on stderr, nothing on stdout',
      () => ['--json', ...account(), '--doors', '0'],
      /a controller has 1 to 100 doors/,
      1,
    ],
  ];
  for (const [what, args, message, code] of cases) {
    test(what, async () => {
      assertRefusedWith(await box.run(['devices', 'create', ...args()]), message, code);
      assert.deepEqual(await snapshot(box), before_, 'nothing written');
    });
  }
  test('an unknown subcommand', async () => {
    assertRefusedWith(
      await box.run(['devices', 'delete', 'aaaaaaaaaaaaaaaa']),
      /unknown command: devices delete/,
      2,
    );
  });
});

describe('parqex devices list and show', { concurrency: true }, () => {
  let box: Sandbox;
  let olive: string;
  let bob: string;
  let gate: any;
  let shed: any;
  before(async () => {
    box = await sandbox();
    [olive, bob] = await Promise.all([
      newAccount(box, 'olive@example.com'),
      newAccount(box, 'bob@example.com', 'Bob', 'Builder'),
    ]);
    gate = await createDevice(box, [
      ...['--account', olive, '--doors', '2', '--blackbox-code', '5a00c2a691dd6250'],
      ...['--door-name', 'Main Gate', '--door-name', 'Side Gate'],
    ]);
    shed = await createDevice(box, ['--account', bob, '--doors', '1', '--offline']);
  });
  after(() => box.close());

  test('list shows every controller, oldest first; --account one account’s', async () => {
    const listed = await box.run(['devices', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...lines] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^DEVICE_ID\s+BLACKBOX_CODE\s+STATUS\s+DOORS\s+ACCOUNT$/);
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      new RegExp(
        `^${gate.device_id}\\s+5a00c2a691dd6250\\s+online\\s+2 doors\\s+${olive} \\(Olive Owner\\)$`,
      ),
    );
    assert.match(
      lines[1]!,
      new RegExp(
        `^${shed.device_id}\\s+${shed.blackbox_code}\\s+offline\\s+1 door\\s+${bob} \\(Bob Builder\\)$`,
      ),
    );

    const [all, olives, bobs, gateShown, shedShown] = await Promise.all([
      box.run(['devices', 'list', '--json']),
      box.run(['devices', 'list', '--json', '--account', olive]),
      box.run(['devices', 'list', '--account', bob.toUpperCase(), '--json']),
      box.run(['devices', 'show', gate.device_id, '--json']),
      box.run(['devices', 'show', shed.device_id, '--json']),
    ]);
    assert.deepEqual(
      assertJson(all),
      [assertJson(gateShown), assertJson(shedShown)],
      'list --json is show --json of each',
    );
    assert.deepEqual(
      assertJson(olives).map((d: any) => d.device_id),
      [gate.device_id],
    );
    assert.deepEqual(
      assertJson(bobs).map((d: any) => d.device_id),
      [shed.device_id],
    );
  });

  test('show --json gives the controller and each door: number, name, state, API opt-in, sensor, actions, motion', async () => {
    const shown = assertJson(await box.run(['devices', 'show', gate.device_id, '--json']));
    assert.ok(!Number.isNaN(Date.parse(shown.created_at)));
    assert.equal(shown.last_contact, shown.created_at, 'registered now, so its last contact is now');
    const door = (n: number, name: string) => ({
      door_id: gate.door_ids[n - 1],
      entity_number: n,
      name,
      state: 'CLOSED',
      api_enabled: true,
      sensor_paired: true,
      supported_actions: ['open', 'close'],
      moving_to: null,
      arrives_at: null,
      last_toggled: null,
    });
    assert.deepEqual(
      { ...shown, created_at: 'T', last_contact: 'T' },
      {
        device_id: gate.device_id,
        blackbox_code: '5a00c2a691dd6250',
        account_id: olive,
        account_name: 'Olive Owner',
        active: true,
        simulated: true,
        online: true,
        last_contact: 'T',
        software_version: '0',
        created_at: 'T',
        doors: [door(1, 'Main Gate'), door(2, 'Side Gate')],
      },
    );
  });

  test('show takes the device id in either form, or the blackbox code, in any case', async () => {
    const dashed = gate.device_id
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
      .toUpperCase();
    const results = await Promise.all(
      [gate.device_id, dashed, '5A00C2A691DD6250'].map((ref) => box.run(['devices', 'show', ref, '--json'])),
    );
    const [first, ...others] = results.map(assertJson);
    assert.equal(first.device_id, gate.device_id);
    for (const other of others) assert.deepEqual(other, first);
  });

  test('show (human) names the status and, per door, its state, API opt-in, sensor and actions', async () => {
    const shown = await box.run(['devices', 'show', shed.blackbox_code]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(field(shown.stdout, 'device_id'), shed.device_id);
    assert.equal(field(shown.stdout, 'blackbox_code'), shed.blackbox_code);
    assert.equal(field(shown.stdout, 'account'), `${bob} (Bob Builder)`);
    assert.equal(field(shown.stdout, 'status'), 'offline, simulated');
    assert.ok(!Number.isNaN(Date.parse(field(shown.stdout, 'last_contact'))));
    assert.equal(field(shown.stdout, 'doors'), '1');
    assert.match(shown.stdout, new RegExp(`^ {2}door 1: ${shed.door_ids[0]} {2}"Door 1"$`, 'm'));
    assert.match(shown.stdout, /^ {4}state: CLOSED$/m);
    assert.match(shown.stdout, /^ {4}api: on {3}sensor: paired {3}supports: open, close$/m);
  });

  test('an unknown or malformed device, a missing one, an unknown account are refused', async () => {
    const [unknown, malformed, missing, twice, account] = await Promise.all([
      box.run(['devices', 'show', 'ffffffffffffffffffffffffffffffff']),
      box.run(['devices', 'show', 'Main Gate']),
      box.run(['devices', 'show']),
      box.run(['devices', 'show', gate.device_id, shed.device_id]),
      box.run(['devices', 'list', '--account', '00000000-0000-0000-0000-000000000000']),
    ]);
    assertRefusedWith(
      unknown,
      /no controller with id or blackbox code "ffffffffffffffffffffffffffffffff"/,
      1,
    );
    assertRefusedWith(malformed, /no controller with id or blackbox code "Main Gate"/, 1);
    assertRefusedWith(missing, /devices show needs a device id or blackbox code/, 2);
    assertRefusedWith(twice, new RegExp(`unexpected argument "${shed.device_id}"`), 2);
    assertRefusedWith(account, /account 00000000-0000-0000-0000-000000000000 does not exist/, 1);
  });
});

// Concurrent: each test changes its own setting (its own columns) of the first controller; the
// test of several settings at once and the door in motion have controllers of their own.
describe('parqex devices simulate', { concurrency: true }, () => {
  let box: Sandbox;
  let device: any;
  let other: any;
  let moving: any;
  const CODE = 'c0ffee0000000001';
  const doorColumn = async (column: 'has_sensor' | 'is_api_enabled' | 'state' | 'can_open' | 'can_close') =>
    (await storedDoors(box, device.device_id)).map((d) => d[column]);
  const simulate = async (...args: string[]) =>
    assertJson(await box.run(['devices', 'simulate', CODE, '--json', ...args]));

  before(async () => {
    box = await sandbox();
    const accountId = await newAccount(box, 'olive@example.com');
    [device, other, moving] = await Promise.all([
      createDevice(box, ['--account', accountId, '--doors', '3', '--blackbox-code', CODE]),
      createDevice(box, ['--account', accountId, '--doors', '2']),
      createDevice(box, ['--account', accountId, '--doors', '1']),
    ]);
  });
  after(() => box.close());

  test('--offline: the controller cannot be found; --online: it answers again, and that is contact', async () => {
    const contactBefore = (await storedDevice(box, device.device_id)).last_contact!;
    const offline = await simulate('--offline');
    assert.equal(offline.online, false);
    assert.equal((await storedDevice(box, device.device_id)).is_online, 0);
    assert.equal(
      (await storedDevice(box, device.device_id)).last_contact,
      contactBefore,
      'offline keeps the last contact',
    );

    const human = await box.run(['devices', 'simulate', device.device_id, '--online']);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(field(human.stdout, 'status'), 'online, simulated');
    const stored = await storedDevice(box, device.device_id);
    assert.equal(stored.is_online, 1);
    assert.ok(stored.last_contact! >= contactBefore);
  });

  test('--door N --no-sensor unpairs that door’s sensor only; --sensor pairs it again', async () => {
    const unpaired = await simulate('--door', '2', '--no-sensor');
    assert.deepEqual(
      unpaired.doors.map((d: any) => d.sensor_paired),
      [true, false, true],
    );
    assert.deepEqual(await doorColumn('has_sensor'), [1, 0, 1]);
    await simulate('--door', '2', '--sensor');
    assert.deepEqual(await doorColumn('has_sensor'), [1, 1, 1]);
  });

  test('--door N --unsupported open|close|none sets the actions that door supports', async () => {
    const actions = async () => {
      const doors = await storedDoors(box, device.device_id);
      return doors.map((d) => [d.can_open, d.can_close]);
    };
    const noOpen = await simulate('--door', '1', '--unsupported', 'open');
    assert.deepEqual(noOpen.doors[0].supported_actions, ['close']);
    assert.deepEqual(await actions(), [
      [0, 1],
      [1, 1],
      [1, 1],
    ]);
    const noClose = await simulate('--door', '1', '--unsupported', 'close');
    assert.deepEqual(noClose.doors[0].supported_actions, ['open']);
    assert.deepEqual((await actions())[0], [1, 0]);
    const both = await simulate('--door', '1', '--unsupported', 'none');
    assert.deepEqual(both.doors[0].supported_actions, ['open', 'close']);
    assert.deepEqual(await actions(), [
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  test('--door N --state sets the state as if moved by hand; its sensor reports the change once', async () => {
    const sensorReports = () =>
      box
        .db()
        .selectFrom('access_events')
        .select(['door_id', 'door_state', 'channel', 'outcome', 'was_success', 'user_id'])
        .where('door_id', '=', device.door_ids[2])
        .execute();
    // A door in motion: setting its state by hand ends the motion.
    await box
      .db()
      .updateTable('doors')
      .set({ moving_to: 'CLOSED', arrives_at: Date.UTC(2030, 0, 1) })
      .where('id', '=', device.door_ids[2])
      .execute();
    const opened = await simulate('--door', '3', '--state', 'OPEN');
    assert.deepEqual(
      opened.doors.map((d: any) => [d.state, d.moving_to, d.arrives_at]),
      [
        ['CLOSED', null, null],
        ['CLOSED', null, null],
        ['OPEN', null, null],
      ],
    );
    assert.deepEqual(await doorColumn('state'), ['CLOSED', 'CLOSED', 'OPEN']);
    const reports = await sensorReports();
    assert.deepEqual(
      reports.map((r) => ({ ...r })),
      [
        {
          door_id: device.door_ids[2],
          door_state: 'OPEN',
          channel: 'Door Sensor',
          outcome: 'sensor',
          was_success: 1,
          user_id: null,
        },
      ],
    );

    await simulate('--door', '3', '--state', 'open');
    assert.equal((await sensorReports()).length, 1, 'no change, no report');
    await simulate('--door', '3', '--state', 'CLOSED');
    assert.deepEqual(await doorColumn('state'), ['CLOSED', 'CLOSED', 'CLOSED']);
    assert.equal((await sensorReports()).length, 2);
  });

  test('--api off takes every door away from applications; with --door N only that door', async () => {
    const off = await simulate('--api', 'off');
    assert.deepEqual(
      off.doors.map((d: any) => d.api_enabled),
      [false, false, false],
    );
    assert.deepEqual(await doorColumn('is_api_enabled'), [0, 0, 0]);
    await simulate('--door', '2', '--api', 'on');
    assert.deepEqual(await doorColumn('is_api_enabled'), [0, 1, 0]);
    await simulate('--api', 'on');
    assert.deepEqual(await doorColumn('is_api_enabled'), [1, 1, 1]);
  });

  test('show tells a door in motion: the state it moves to and when it arrives', async () => {
    const arrivesAt = Date.UTC(2030, 0, 2, 3, 4, 5);
    await box
      .db()
      .updateTable('doors')
      .set({ moving_to: 'OPEN', arrives_at: arrivesAt })
      .where('id', '=', moving.door_ids[0])
      .execute();
    const [json, human] = await Promise.all([
      box.run(['devices', 'show', moving.device_id, '--json']),
      box.run(['devices', 'show', moving.device_id]),
    ]);
    const [door] = assertJson(json).doors;
    assert.equal(door.state, 'CLOSED');
    assert.equal(door.moving_to, 'OPEN');
    assert.equal(door.arrives_at, '2030-01-02T03:04:05.000Z');
    assert.match(
      human.stdout,
      /^ {4}state: CLOSED \(moving to OPEN, arrives at 2030-01-02T03:04:05\.000Z\)$/m,
    );
  });

  test('several settings at once, on the device id in its dashed form', async () => {
    const dashed = other.device_id.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const changed = assertJson(
      await box.run([
        ...['devices', 'simulate', dashed, '--json', '--offline', '--door', '1'],
        ...['--no-sensor', '--unsupported', 'close', '--state', 'OPEN', '--api', 'off'],
      ]),
    );
    assert.equal(changed.online, false);
    assert.deepEqual(
      {
        name: changed.doors[0].name,
        state: changed.doors[0].state,
        api_enabled: changed.doors[0].api_enabled,
        sensor_paired: changed.doors[0].sensor_paired,
        supported_actions: changed.doors[0].supported_actions,
      },
      {
        name: 'Door 1',
        state: 'OPEN',
        api_enabled: false,
        sensor_paired: false,
        supported_actions: ['open'],
      },
    );
    assert.deepEqual(changed.doors[1].supported_actions, ['open', 'close'], 'other doors untouched');
    assert.equal(changed.doors[1].api_enabled, true);
    assert.deepEqual(assertJson(await box.run(['devices', 'show', other.blackbox_code, '--json'])), changed);
  });
});

describe('parqex devices simulate refuses, naming the problem and changing nothing', {
  concurrency: true,
}, () => {
  let box: Sandbox;
  let hardware: any;
  let before_: Awaited<ReturnType<typeof snapshot>>;
  const CODE = 'c0ffee0000000002';
  before(async () => {
    box = await sandbox();
    const accountId = await newAccount(box, 'olive@example.com');
    await createDevice(box, ['--account', accountId, '--doors', '3', '--blackbox-code', CODE]);
    hardware = await createDevice(box, ['--account', accountId, '--doors', '1']);
    await box
      .db()
      .updateTable('devices')
      .set({ is_simulated: 0 })
      .where('id', '=', hardware.device_id)
      .execute();
    before_ = await snapshot(box);
  });
  after(() => box.close());

  const cases: Array<[string, () => string[], RegExp, number]> = [
    [
      'an unknown device',
      () => ['ffffffffffffffffffffffffffffffff', '--offline'],
      /no controller with id or blackbox code "ffffffffffffffffffffffffffffffff"/,
      1,
    ],
    [
      'an unknown blackbox code',
      () => ['c0ffee0000000003', '--offline'],
      /no controller with id or blackbox code "c0ffee0000000003"/,
      1,
    ],
    [
      'a malformed device',
      () => ['garage', '--offline'],
      /no controller with id or blackbox code "garage"/,
      1,
    ],
    [
      'an unknown door',
      () => [CODE, '--door', '4', '--no-sensor'],
      /controller c0ffee0000000002 has no door 4 \(its doors are numbered 1 to 3\)/,
      1,
    ],
    [
      'a controller that is hardware',
      () => [hardware.blackbox_code, '--offline'],
      /controller [0-9a-f]{16} is hardware, not simulated/,
      1,
    ],
    ['door 0', () => [CODE, '--door', '0', '--no-sensor'], /--door is an entity number, from 1/, 2],
    [
      'a door that is not a number',
      () => [CODE, '--door', 'two', '--no-sensor'],
      /--door must be a whole number/,
      2,
    ],
    [
      '--offline with --online',
      () => [CODE, '--offline', '--online'],
      /--offline and --online exclude each other/,
      2,
    ],
    [
      '--sensor with --no-sensor',
      () => [CODE, '--door', '1', '--sensor', '--no-sensor'],
      /--sensor and --no-sensor exclude each other/,
      2,
    ],
    ['--no-sensor without --door', () => [CODE, '--no-sensor'], /--no-sensor needs --door N/, 2],
    ['--state without --door', () => [CODE, '--state', 'OPEN'], /--state needs --door N/, 2],
    [
      '--unsupported without --door',
      () => [CODE, '--unsupported', 'open'],
      /--unsupported needs --door N/,
      2,
    ],
    [
      'an unknown action',
      () => [CODE, '--door', '1', '--unsupported', 'lock'],
      /--unsupported must be open, close, none, got "lock"/,
      2,
    ],
    [
      'an unknown state',
      () => [CODE, '--door', '1', '--state', 'AJAR'],
      /--state must be OPEN or CLOSED, got "AJAR"/,
      2,
    ],
    ['--api neither on nor off', () => [CODE, '--api', 'yes'], /--api must be on, off, got "yes"/, 2],
    ['nothing to change', () => [CODE], /devices simulate needs a setting/, 2],
    ['a door and nothing to change', () => [CODE, '--door', '1'], /devices simulate needs a setting/, 2],
    ['no device', () => ['--offline'], /devices simulate needs a device id or blackbox code/, 2],
    ['an unknown option', () => [CODE, '--door', '1', '--jammed'], /--jammed/, 2],
    [
      '--json: still one line on stderr, nothing on stdout',
      () => [CODE, '--json', '--door', '9', '--sensor'],
      /has no door 9/,
      1,
    ],
  ];
  for (const [what, args, message, code] of cases) {
    test(what, async () => {
      assertRefusedWith(await box.run(['devices', 'simulate', ...args()]), message, code);
      assert.deepEqual(await snapshot(box), before_, 'nothing changed');
    });
  }
});

describe('parqex devices --help', { concurrency: true }, () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.close());

  for (const args of [
    ['devices', '--help'],
    ['devices'],
    ['devices', 'create', '-h'],
    ['devices', 'simulate', '--help'],
  ]) {
    test(`parqex ${args.join(' ')}`, async () => {
      const result = await box.run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /^parqex devices — /);
      for (const option of [
        '--account ACCOUNT_ID',
        '--doors N',
        '--blackbox-code HEX',
        '--door-name NAME',
        'list [--account ACCOUNT_ID]',
        'show DEVICE',
        'simulate DEVICE',
        '--offline|--online',
        '--door N',
        '--no-sensor|--sensor',
        '--unsupported open|close|none',
        '--state OPEN|CLOSED',
        '--api on|off',
      ]) {
        assert.ok(result.stdout.includes(option), `mentions ${option}`);
      }
      if (box.file) assert.equal(existsSync(box.file), false, 'no database was opened');
    });
  }

  test('the overview names the devices command', async () => {
    const { stdout } = await box.run(['--help']);
    assert.match(stdout, /^ {2}devices\b/m);
  });
});

describe('the simulator settings take effect on the documented toggle', () => {
  let app: TestApp;
  let token: string;
  const CODE = '30000c2a691dd625'; // running.md: ParqEx Test's controller, doors 1–3
  const set = (change: SimulatorChange) =>
    changeSimulatorSettings(app.ctx.db, CODE, change, app.ctx.clock.now());
  const syncedDoors = async () => {
    const sync = await app.api('/oauth/v1/endpoints/sync', token);
    assert.equal(sync.status, 200);
    const device = sync.body.devices.find((d: any) => d.blackbox_code === CODE);
    return device.doors as any[];
  };
  const toggle = async (doorId: string, state: 'OPEN' | 'CLOSED') =>
    app.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: doorId, door_state: state } });

  before(async () => {
    app = await startTestApp({ env: { PARQEX_TOGGLE_COOLDOWN_S: '0', PARQEX_SIMULATOR_TRAVEL_MS: '0' } });
    token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
  });
  after(() => app.close());

  test('offline → 503, no sensor → 428, unsupported → 501, API off → 404, otherwise 200', async () => {
    const doors = await syncedDoors();
    assert.deepEqual(
      doors.map((d) => d.entity_number),
      [1, 2, 3],
    );
    const [garage, lobby, elevator] = doors.map((d) => d.id as string) as [string, string, string];
    const expect = async (doorId: string, state: 'OPEN' | 'CLOSED', status: number, message?: string) => {
      const result = await toggle(doorId, state);
      assert.equal(result.status, status, JSON.stringify(result.body));
      if (message) assert.equal(result.body.message, message);
      return result;
    };

    await expect(garage, 'OPEN', 200, '200');

    await set({ isOnline: false });
    await expect(
      garage,
      'CLOSED',
      503,
      "Sorry, your ParqEx Controller can't be found. Please unplug the ParqEx Controller and then plug it back in.",
    );
    await expect(lobby, 'OPEN', 503);
    await set({ isOnline: true });
    await expect(garage, 'CLOSED', 200);

    await set({ entityNumber: 1, hasSensor: false });
    await expect(
      garage,
      'OPEN',
      428,
      'Your ParqEx Controller requires pairing a door sensor before the request can be processed. (428)',
    );
    await expect(lobby, 'OPEN', 200, '200');
    await set({ entityNumber: 1, hasSensor: true });
    await expect(garage, 'OPEN', 200);

    // The seed leaves door 3 without a sensor; pairing one lets it move.
    await expect(elevator, 'OPEN', 428);
    await set({ entityNumber: 3, hasSensor: true });
    await expect(elevator, 'OPEN', 200);

    await set({ entityNumber: 2, unsupported: 'close' });
    await expect(
      lobby,
      'CLOSED',
      501,
      'Error communicating with ParqEx Controller. Not Implemented error. (501)',
    );
    await expect(lobby, 'OPEN', 200);
    await set({ entityNumber: 2, unsupported: 'none' });
    await expect(lobby, 'CLOSED', 200);

    await set({ entityNumber: 2, isApiEnabled: false });
    const hidden = await expect(lobby, 'OPEN', 404);
    assert.equal(hidden.body.errors[0].code, 'door_not_found');
    assert.deepEqual(
      (await syncedDoors()).map((d) => d.entity_number),
      [1, 3],
      'sync no longer lists it',
    );
    await set({ entityNumber: 2, isApiEnabled: true });
    await expect(lobby, 'OPEN', 200);
  });

  test('a state set by hand is what sync reports', async () => {
    await set({ entityNumber: 1, state: 'OPEN' });
    assert.equal((await syncedDoors())[0].state, 'OPEN');
    await set({ entityNumber: 1, state: 'CLOSED' });
    assert.equal((await syncedDoors())[0].state, 'CLOSED');
  });
});

test('a hardware controller refuses simulation but takes its doors’ API opt-in', async () => {
  const box = await sandbox();
  try {
    const accountId = await newAccount(box, 'hank@example.com');
    const hardware = await createDevice(box, ['--account', accountId, '--doors', '2']);
    await box
      .db()
      .updateTable('devices')
      .set({ is_simulated: 0 })
      .where('id', '=', hardware.device_id)
      .execute();
    assertRefused(
      await box.run(['devices', 'simulate', hardware.blackbox_code, '--offline']),
      /is hardware, not simulated/,
    );
    const result = await box.run([
      'devices',
      'simulate',
      hardware.blackbox_code,
      '--door',
      '2',
      '--api',
      'off',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const doors = await box
      .db()
      .selectFrom('doors')
      .select(['entity_number', 'is_api_enabled'])
      .where('device_id', '=', hardware.device_id)
      .orderBy('entity_number')
      .execute();
    assert.deepEqual(
      doors.map((d) => [d.entity_number, d.is_api_enabled]),
      [
        [1, 1],
        [2, 0],
      ],
    );
  } finally {
    await box.close();
  }
});
