import type { Db, DbOrTrx } from '../storage/schema.ts';
import { AT_REST, reportSensorChange } from './door-sensor.ts';
import { DeviceDoorNotFound, DeviceInputError, DeviceNotFound } from './errors.ts';
import { normalizeHexId } from './ids.ts';
import type { DoorState } from './toggle.ts';

export interface DoorView {
  id: string;
  entityNumber: number;
  /** The owner's name for the door (each person may call it otherwise). */
  name: string;
  state: DoorState;
  isActive: boolean;
  /** The owner opted the door in to control by applications; otherwise it is "not found" to them. */
  isApiEnabled: boolean;
  /** A door sensor is paired: without one the controller refuses to move the door (428). */
  hasSensor: boolean;
  canOpen: boolean;
  canClose: boolean;
  /** A simulated door in motion: the state it is moving to and when its sensor will report it. */
  movingTo: DoorState | null;
  arrivesAt: number | null;
  lastToggled: number | null;
}

export interface DeviceView {
  id: string;
  accountId: string;
  accountName: string;
  blackboxCode: string;
  /** Enabled by ParqEx (spec §5.3 `active`). */
  isActive: boolean;
  isSimulated: boolean;
  isOnline: boolean;
  lastContact: number | null;
  softwareVersion: string;
  createdAt: number;
  doors: DoorView[];
}

/** What the simulator can be told; every field is optional and only the given ones change. */
export interface SimulatorChange {
  /** The controller answers (online) or cannot be found (offline: a toggle gets 503). */
  isOnline?: boolean;
  /** The door the settings below apply to (its entity number); every door of the controller when absent. */
  entityNumber?: number;
  /** A door sensor is paired (without one a toggle gets 428). */
  hasSensor?: boolean;
  /** The action the door does not support (a toggle asking for it gets 501); `none`: it supports both. */
  unsupported?: 'open' | 'close' | 'none';
  /**
   * The door is now in this state, as if moved by hand: any motion in progress is cancelled and, when
   * the state changed and the door has a sensor, the sensor's report is written to the access history.
   */
  state?: DoorState;
  /** The owner's opt-in to control by applications (off: the door is not found to them, 404). */
  isApiEnabled?: boolean;
}

// A blackbox code is 16 hex characters; device ids are 32 (with or without the dashes of a UUID).
const BLACKBOX_CODE = /^[0-9a-f]{16}$/;

function selectDevices(db: DbOrTrx) {
  return db
    .selectFrom('devices as v')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .selectAll('v')
    .select('a.name as account_name');
}

async function findDeviceRow(db: DbOrTrx, ref: string) {
  const code = ref.trim().toLowerCase();
  if (BLACKBOX_CODE.test(code)) {
    return selectDevices(db).where('v.blackbox_code', '=', code).executeTakeFirst();
  }
  const id = normalizeHexId(ref);
  return id === undefined ? undefined : selectDevices(db).where('v.id', '=', id).executeTakeFirst();
}

type DeviceRow = NonNullable<Awaited<ReturnType<typeof findDeviceRow>>>;

async function withDoors(db: DbOrTrx, devices: DeviceRow[]): Promise<DeviceView[]> {
  if (devices.length === 0) return [];
  const doors = await db
    .selectFrom('doors')
    .selectAll()
    .where(
      'device_id',
      'in',
      devices.map((d) => d.id),
    )
    .orderBy('device_id')
    .orderBy('entity_number')
    .execute();
  const doorsOf = Map.groupBy(doors, (d) => d.device_id);
  return devices.map((v) => ({
    id: v.id,
    accountId: v.account_id,
    accountName: v.account_name,
    blackboxCode: v.blackbox_code,
    isActive: v.is_active === 1,
    isSimulated: v.is_simulated === 1,
    isOnline: v.is_online === 1,
    lastContact: v.last_contact,
    softwareVersion: v.software_version,
    createdAt: v.created_at,
    doors: (doorsOf.get(v.id) ?? []).map((d) => ({
      id: d.id,
      entityNumber: d.entity_number,
      name: d.name,
      state: d.state,
      isActive: d.is_active === 1,
      isApiEnabled: d.is_api_enabled === 1,
      hasSensor: d.has_sensor === 1,
      canOpen: d.can_open === 1,
      canClose: d.can_close === 1,
      movingTo: d.moving_to,
      arrivesAt: d.arrives_at,
      lastToggled: d.last_toggled,
    })),
  }));
}

/** One controller by its id (32 hex characters or a dashed UUID, any case) or its blackbox code. */
export async function findDevice(db: DbOrTrx, ref: string): Promise<DeviceView | undefined> {
  const row = await findDeviceRow(db, ref);
  return row ? (await withDoors(db, [row]))[0] : undefined;
}

/** As `findDevice`; throws `DeviceNotFound` when no controller answers to `ref`. */
export async function getDevice(db: DbOrTrx, ref: string): Promise<DeviceView> {
  const device = await findDevice(db, ref);
  if (!device) throw new DeviceNotFound(ref);
  return device;
}

/** Every controller, oldest first; only one account's with `accountId` (which must exist). */
export async function listDevices(db: DbOrTrx, filter: { accountId?: string } = {}): Promise<DeviceView[]> {
  if (filter.accountId !== undefined) {
    const account = await db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', filter.accountId)
      .executeTakeFirst();
    if (!account) throw new DeviceInputError(`account ${filter.accountId} does not exist`);
  }
  let query = selectDevices(db);
  if (filter.accountId !== undefined) query = query.where('v.account_id', '=', filter.accountId);
  return withDoors(db, await query.orderBy('v.created_at').orderBy('v.id').execute());
}

/**
 * Changes how a simulated controller behaves (the simulated controller reads these settings on
 * every command), in one transaction, and returns the controller as it now is. Throws
 * `DeviceNotFound`, `DeviceDoorNotFound`, or `DeviceInputError` when a controller that is not
 * simulated is asked anything but its doors' API opt-in.
 */
export async function changeSimulatorSettings(
  db: Db,
  ref: string,
  change: SimulatorChange,
  now: number,
): Promise<DeviceView> {
  return db.transaction().execute(async (trx) => {
    const device = await getDevice(trx, ref);
    // The API opt-in is the owner's choice for any controller; the rest only a simulator has.
    const simulationOnly = Object.entries(change).some(
      ([key, value]) => value !== undefined && key !== 'isApiEnabled' && key !== 'entityNumber',
    );
    if (!device.isSimulated && simulationOnly) {
      throw new DeviceInputError(`controller ${device.blackboxCode} is hardware, not simulated`);
    }
    const targets =
      change.entityNumber === undefined
        ? device.doors
        : device.doors.filter((d) => d.entityNumber === change.entityNumber);
    if (targets.length === 0 && change.entityNumber !== undefined) {
      throw new DeviceDoorNotFound(device.blackboxCode, change.entityNumber, device.doors.length);
    }

    if (change.isOnline !== undefined) {
      await trx
        .updateTable('devices')
        .set({
          is_online: change.isOnline ? 1 : 0,
          // Coming online is contact; going offline keeps the last one.
          ...(change.isOnline ? { last_contact: now } : {}),
        })
        .where('id', '=', device.id)
        .execute();
    }

    const flags = {
      ...(change.hasSensor !== undefined ? { has_sensor: change.hasSensor ? 1 : 0 } : {}),
      ...(change.unsupported !== undefined
        ? {
            can_open: change.unsupported === 'open' ? 0 : 1,
            can_close: change.unsupported === 'close' ? 0 : 1,
          }
        : {}),
      ...(change.isApiEnabled !== undefined ? { is_api_enabled: change.isApiEnabled ? 1 : 0 } : {}),
    };
    const doorIds = targets.map((d) => d.id);
    if (Object.keys(flags).length > 0 && doorIds.length > 0) {
      await trx.updateTable('doors').set(flags).where('id', 'in', doorIds).execute();
    }

    if (change.state !== undefined) {
      const state = change.state;
      for (const door of targets) {
        // Conditional, so a sensor report that lands meanwhile is not undone nor reported twice.
        const moved = await trx
          .updateTable('doors')
          .set({ state, ...AT_REST })
          .where('id', '=', door.id)
          .where((eb) => eb.or([eb('state', '!=', state), eb('moving_to', 'is not', null)]))
          .executeTakeFirst();
        const hasSensor = change.hasSensor ?? door.hasSensor;
        if (moved.numUpdatedRows === 1n && door.state !== state && hasSensor) {
          // Moved by hand: the sensor's report is a door event of its own, caused by no toggle.
          await reportSensorChange(trx, {
            door: {
              id: door.id,
              entityNumber: door.entityNumber,
              deviceId: device.id,
              accountId: device.accountId,
            },
            state,
            occurredAt: now,
            cause: null,
          });
        }
      }
    }
    return getDevice(trx, device.id);
  });
}
