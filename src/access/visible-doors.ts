import type { Selectable } from 'kysely';
import type { HotCaches } from '../storage/hot-caches.ts';
import type { Database, DbOrTrx } from '../storage/schema.ts';
import type { Actor, Relationship } from './actor.ts';

export type DoorRow = Selectable<Database['doors']>;
export type DeviceRow = Selectable<Database['devices']>;

export interface VisibleDoor {
  door: DoorRow;
  device: DeviceRow;
  /** The name this person gave the door, else the owner's. */
  name: string;
  relationship: Relationship;
}

/**
 * Every door a person can see: all doors of their account's devices when they are its Admin, and
 * every door they were given access to. `apiOnly` hides doors whose owner has not opted them in to
 * API control (spec: such a door behaves as not found for third-party apps).
 */
export async function listVisibleDoors(
  db: DbOrTrx,
  actor: Actor,
  options: {
    apiOnly: boolean;
    doorId?: string;
    deviceId?: string;
    /** Read through the hot caches (outside transactions only): the whole list, then filtered. */
    caches?: HotCaches;
  },
): Promise<readonly VisibleDoor[]> {
  const { caches } = options;
  if (caches?.visibleDoors.enabled && !db.isTransaction) {
    const key = `${actor.userId}|${actor.accountId}|${actor.role}|${options.apiOnly}`;
    // The whole list is read through the cache; one door or device is only taken from it when there.
    const all =
      options.doorId === undefined && options.deviceId === undefined
        ? await caches.readThrough(caches.visibleDoors, key, async () =>
            freeze(await queryVisibleDoors(db, actor, { apiOnly: options.apiOnly })),
          )
        : caches.peek(caches.visibleDoors, key);
    if (all) {
      return all.filter(
        (d) =>
          (options.doorId === undefined || d.door.id === options.doorId) &&
          (options.deviceId === undefined || d.device.id === options.deviceId),
      );
    }
  }
  return queryVisibleDoors(db, actor, options);
}

/** Shared by every request that reads it from the cache: nobody may change it. */
function freeze(doors: VisibleDoor[]): readonly VisibleDoor[] {
  for (const d of doors) {
    Object.freeze(d.door);
    Object.freeze(d.device);
    Object.freeze(d);
  }
  return Object.freeze(doors);
}

async function queryVisibleDoors(
  db: DbOrTrx,
  actor: Actor,
  options: { apiOnly: boolean; doorId?: string; deviceId?: string },
): Promise<VisibleDoor[]> {
  let query = db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .leftJoin('door_names as n', (j) => j.onRef('n.door_id', '=', 'd.id').on('n.user_id', '=', actor.userId))
    .leftJoin('door_access as a', (j) => j.onRef('a.door_id', '=', 'd.id').on('a.user_id', '=', actor.userId))
    .selectAll('d')
    .select([
      'v.id as v_id',
      'v.account_id as v_account_id',
      'v.blackbox_code as v_blackbox_code',
      'v.is_active as v_is_active',
      'v.software_version as v_software_version',
      'v.bluetooth_onboard as v_bluetooth_onboard',
      'v.bluetooth_mac_address as v_bluetooth_mac_address',
      'v.time_before_door_open_alert as v_time_before_door_open_alert',
      'v.last_contact as v_last_contact',
      'v.is_simulated as v_is_simulated',
      'v.is_online as v_is_online',
      'v.created_at as v_created_at',
      'n.name as personal_name',
      'a.user_id as access_user',
    ])
    // Two indexed lookups (the account's devices, the person's grants) rather than one condition on
    // the joined rows, which would scan every door of every account.
    .where((eb) =>
      eb.or([
        ...(actor.role === 'admin'
          ? [
              eb(
                'd.device_id',
                'in',
                eb.selectFrom('devices').select('id').where('account_id', '=', actor.accountId),
              ),
            ]
          : []),
        eb('d.id', 'in', eb.selectFrom('door_access').select('door_id').where('user_id', '=', actor.userId)),
      ]),
    );
  if (options.apiOnly) query = query.where('d.is_api_enabled', '=', 1);
  if (options.doorId !== undefined) query = query.where('d.id', '=', options.doorId);
  if (options.deviceId !== undefined) query = query.where('v.id', '=', options.deviceId);
  const rows = await query
    .orderBy('v.created_at')
    .orderBy('v.blackbox_code')
    .orderBy('d.entity_number')
    .execute();
  return rows.map((r) => ({
    door: {
      id: r.id,
      device_id: r.device_id,
      entity_number: r.entity_number,
      name: r.name,
      state: r.state,
      is_active: r.is_active,
      is_api_enabled: r.is_api_enabled,
      has_sensor: r.has_sensor,
      can_open: r.can_open,
      can_close: r.can_close,
      auto_close_enabled: r.auto_close_enabled,
      auto_close_delay: r.auto_close_delay,
      last_toggled: r.last_toggled,
      cooldown_until: r.cooldown_until,
      moving_to: r.moving_to,
      arrives_at: r.arrives_at,
      moving_event_id: r.moving_event_id,
      moving_channel: r.moving_channel,
      moving_user_id: r.moving_user_id,
      created_at: r.created_at,
    },
    device: {
      id: r.v_id,
      account_id: r.v_account_id,
      blackbox_code: r.v_blackbox_code,
      is_active: r.v_is_active,
      software_version: r.v_software_version,
      bluetooth_onboard: r.v_bluetooth_onboard,
      bluetooth_mac_address: r.v_bluetooth_mac_address,
      time_before_door_open_alert: r.v_time_before_door_open_alert,
      last_contact: r.v_last_contact,
      is_simulated: r.v_is_simulated,
      is_online: r.v_is_online,
      created_at: r.v_created_at,
    },
    name: r.personal_name ?? r.name,
    relationship: actor.role === 'admin' && r.v_account_id === actor.accountId ? 'Owner' : 'Has Access',
  }));
}

/** One door if this person can see it (and, with `apiOnly`, if it is open to applications). */
export async function findVisibleDoor(
  db: DbOrTrx,
  actor: Actor,
  doorId: string,
  options: { apiOnly: boolean },
): Promise<VisibleDoor | undefined> {
  const [door] = await listVisibleDoors(db, actor, { ...options, doorId });
  return door;
}
