import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { createDevice } from '../access/devices.ts';
import { normalizeHexId } from '../access/ids.ts';
import {
  changeSimulatorSettings,
  type DeviceView,
  getDevice,
  listDevices,
  type SimulatorChange,
} from '../access/simulator-settings.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

export const DEVICES_HELP = `parqex devices — register controllers ("blackboxes") and drive the simulated ones

  parqex devices create --account ACCOUNT_ID --doors N [--blackbox-code HEX] [--door-name NAME …] [--offline]
      Registers a simulated controller with N doors (1 to 100, numbered 1..N) to an account; prints
      device_id, blackbox_code and the door ids. --blackbox-code: 16 hexadecimal characters
      (generated when absent). --door-name, once per door in order (default "Door N").
      --offline: the controller starts offline.
  parqex devices list [--account ACCOUNT_ID]   every controller (or one account's)
  parqex devices show DEVICE                   one controller and its doors
  parqex devices simulate DEVICE [--offline|--online]
                        [--door N [--no-sensor|--sensor] [--unsupported open|close|none] [--state OPEN|CLOSED]]
                        [--api on|off]
      Changes how a simulated controller behaves; a toggle through the API then answers:
        --offline                 503, the controller cannot be found (--online: it answers again)
        --door N --no-sensor      428, door N needs a paired door sensor (--sensor: paired again)
        --door N --unsupported open|close
                                  501 for that action on door N (none: both supported again)
        --door N --state OPEN|CLOSED
                                  door N is now in that state, as if moved by hand (its sensor reports it)
        --api off                 404, the owner has not opted the doors in to applications
                                  (every door of the controller, or door N with --door N)
      Prints the controller as it now is.

DEVICE is a device id (32 hexadecimal characters, dashes allowed) or a blackbox code.
Every command takes --json (one JSON document on stdout) and --help.`;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean' } } as const;

const OPTIONS = {
  create: {
    ...COMMON,
    account: { type: 'string' },
    doors: { type: 'string' },
    'blackbox-code': { type: 'string' },
    'door-name': { type: 'string', multiple: true },
    offline: { type: 'boolean' },
  },
  list: { ...COMMON, account: { type: 'string' } },
  show: COMMON,
  simulate: {
    ...COMMON,
    offline: { type: 'boolean' },
    online: { type: 'boolean' },
    door: { type: 'string' },
    sensor: { type: 'boolean' },
    'no-sensor': { type: 'boolean' },
    unsupported: { type: 'string' },
    state: { type: 'string' },
    api: { type: 'string' },
  },
} satisfies Record<string, ParseArgsOptionsConfig>;

type Subcommand = keyof typeof OPTIONS;

/** Account ids are dashed UUIDs; like every id (spec §4), accept them without dashes and in any case. */
function accountId(raw: string): string {
  const hex = normalizeHexId(raw);
  if (hex === undefined) return raw;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function wholeNumber(option: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw))
    throw new UsageError(`${option} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function oneOf<T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${option} must be ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function describe(device: DeviceView) {
  return {
    device_id: device.id,
    blackbox_code: device.blackboxCode,
    account_id: device.accountId,
    account_name: device.accountName,
    active: device.isActive,
    simulated: device.isSimulated,
    online: device.isOnline,
    last_contact: iso(device.lastContact),
    software_version: device.softwareVersion,
    created_at: iso(device.createdAt),
    doors: device.doors.map((door) => ({
      door_id: door.id,
      entity_number: door.entityNumber,
      name: door.name,
      state: door.state,
      api_enabled: door.isApiEnabled,
      sensor_paired: door.hasSensor,
      supported_actions: [...(door.canOpen ? ['open'] : []), ...(door.canClose ? ['close'] : [])],
      moving_to: door.movingTo,
      arrives_at: iso(door.arrivesAt),
      last_toggled: iso(door.lastToggled),
    })),
  };
}

function status(device: DeviceView): string {
  return [
    device.isOnline ? 'online' : 'offline',
    device.isSimulated ? 'simulated' : 'hardware',
    ...(device.isActive ? [] : ['disabled by ParqEx']),
  ].join(', ');
}

function humanDevice(device: DeviceView): string {
  const d = describe(device);
  const doors = d.doors.map((door) =>
    [
      `  door ${door.entity_number}: ${door.door_id}  ${JSON.stringify(door.name)}`,
      `    state: ${door.state}${door.moving_to ? ` (moving to ${door.moving_to}, arrives at ${door.arrives_at})` : ''}`,
      `    api: ${door.api_enabled ? 'on' : 'off'}   sensor: ${door.sensor_paired ? 'paired' : 'none'}   supports: ${door.supported_actions.join(', ') || 'nothing'}`,
    ].join('\n'),
  );
  return [
    `device_id:     ${d.device_id}`,
    `blackbox_code: ${d.blackbox_code}`,
    `account:       ${d.account_id} (${d.account_name})`,
    `status:        ${status(device)}`,
    `last_contact:  ${d.last_contact ?? 'never'}`,
    `doors:         ${d.doors.length}`,
    ...doors,
  ].join('\n');
}

export async function devicesCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${DEVICES_HELP}\n`);
    return;
  }
  if (!Object.hasOwn(OPTIONS, sub))
    throw new UsageError(`unknown command: devices ${sub} (see parqex devices --help)`);
  const command = sub as Subcommand;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: OPTIONS[command],
  });
  const option = values as Options;
  if (option.help) {
    process.stdout.write(`${DEVICES_HELP}\n`);
    return;
  }
  const json = option.json === true;
  const takesDevice = command === 'show' || command === 'simulate';
  if (takesDevice && positionals.length === 0)
    throw new UsageError(`devices ${command} needs a device id or blackbox code`);
  const extra = positionals.slice(takesDevice ? 1 : 0);
  if (extra.length > 0) {
    throw new UsageError(
      `devices ${command}: unexpected argument ${JSON.stringify(extra[0])} (see parqex devices --help)`,
    );
  }
  /** DEVICE of show and simulate. */
  const ref = positionals[0] ?? '';

  switch (command) {
    case 'create': {
      const input = parseCreate(option);
      const { ctx, close } = await openContext();
      try {
        const now = ctx.clock.now();
        // One transaction: a refused or failed registration leaves no controller without its doors.
        const created = await ctx.db.transaction().execute((trx) => createDevice(trx, input, now));
        const { blackboxCode } = await getDevice(ctx.db, created.deviceId);
        print(
          json,
          { device_id: created.deviceId, blackbox_code: blackboxCode, door_ids: created.doorIds },
          () =>
            [
              `device_id:     ${created.deviceId}`,
              `blackbox_code: ${blackboxCode}`,
              ...created.doorIds.map((id, i) => `${`door ${i + 1}:`.padEnd(15)}${id}`),
            ].join('\n'),
        );
      } finally {
        await close();
      }
      return;
    }
    case 'list': {
      const account = typeof option.account === 'string' ? accountId(option.account) : undefined;
      const { ctx, close } = await openContext();
      try {
        const devices = await listDevices(ctx.db, { accountId: account });
        print(json, devices.map(describe), () =>
          devices.length === 0
            ? 'no controllers registered'
            : table(
                ['DEVICE_ID', 'BLACKBOX_CODE', 'STATUS', 'DOORS', 'ACCOUNT'],
                devices.map((d) => [
                  d.id,
                  d.blackboxCode,
                  d.isOnline ? 'online' : 'offline',
                  `${d.doors.length} door${d.doors.length === 1 ? '' : 's'}`,
                  `${d.accountId} (${d.accountName})`,
                ]),
              ),
        );
      } finally {
        await close();
      }
      return;
    }
    case 'show': {
      const { ctx, close } = await openContext();
      try {
        const found = await getDevice(ctx.db, ref);
        print(json, describe(found), () => humanDevice(found));
      } finally {
        await close();
      }
      return;
    }
    case 'simulate': {
      const change = parseSimulate(option);
      const { ctx, close } = await openContext();
      try {
        const changed = await changeSimulatorSettings(ctx.db, ref, change, ctx.clock.now());
        print(json, describe(changed), () => humanDevice(changed));
      } finally {
        await close();
      }
      return;
    }
  }
}

type Options = Record<string, string | string[] | boolean | undefined>;

function parseCreate(option: Options) {
  if (typeof option.account !== 'string') throw new UsageError('devices create needs --account ACCOUNT_ID');
  if (typeof option.doors !== 'string') throw new UsageError('devices create needs --doors N');
  const doorCount = wholeNumber('--doors', option.doors);
  const doorNames = (option['door-name'] as string[] | undefined) ?? [];
  if (doorNames.some((name) => name.trim() === '')) throw new UsageError('--door-name cannot be blank');
  if (doorNames.length > doorCount) {
    throw new UsageError(`--door-name given ${doorNames.length} times for ${doorCount} door(s)`);
  }
  return {
    accountId: accountId(option.account),
    doorCount,
    blackboxCode: option['blackbox-code'] as string | undefined,
    doorNames: doorNames.map((name) => name.trim()),
    isOnline: option.offline !== true,
  };
}

function parseSimulate(option: Options): SimulatorChange {
  if (option.offline && option.online) throw new UsageError('--offline and --online exclude each other');
  if (option.sensor && option['no-sensor'])
    throw new UsageError('--sensor and --no-sensor exclude each other');
  const change: SimulatorChange = {};
  if (option.offline || option.online) change.isOnline = option.online === true;
  if (typeof option.door === 'string') {
    change.entityNumber = wholeNumber('--door', option.door);
    if (change.entityNumber < 1) throw new UsageError('--door is an entity number, from 1');
  }
  const doorSettings = ['sensor', 'no-sensor', 'unsupported', 'state'].filter(
    (name) => option[name] !== undefined,
  );
  if (doorSettings.length > 0 && change.entityNumber === undefined) {
    throw new UsageError(`--${doorSettings[0]} needs --door N`);
  }
  if (option.sensor || option['no-sensor']) change.hasSensor = option.sensor === true;
  if (typeof option.unsupported === 'string') {
    change.unsupported = oneOf('--unsupported', option.unsupported, ['open', 'close', 'none'] as const);
  }
  if (typeof option.state === 'string') {
    const state = option.state.toUpperCase();
    if (state !== 'OPEN' && state !== 'CLOSED')
      throw new UsageError(`--state must be OPEN or CLOSED, got ${JSON.stringify(option.state)}`);
    change.state = state;
  }
  if (typeof option.api === 'string')
    change.isApiEnabled = oneOf('--api', option.api, ['on', 'off']) === 'on';
  const { entityNumber: _, ...settings } = change;
  if (Object.keys(settings).length === 0) {
    throw new UsageError(
      'devices simulate needs a setting: --offline, --online, --door N with --no-sensor, --sensor, --unsupported or --state, or --api on|off',
    );
  }
  return change;
}
