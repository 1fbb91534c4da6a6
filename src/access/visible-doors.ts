import type { DbOrTrx } from '../storage/schema.ts';
import type { Actor, DoorOpener, Relationship } from './actor.ts';
import {
  type AccessGrant,
  activeGrants,
  findGuestGrant,
  findPlateGrant,
  nextPersonGrantEdge,
} from './grants.ts';
import type { VisibleDoor } from './visible-door.ts';
import type { VisibleDoorsCache } from './visible-doors-cache.ts';

export type { DeviceRow, DoorRow, VisibleDoor } from './visible-door.ts';

export interface VisibleDoorsOptions {
  /** Hide doors whose owner has not opted them in to API control (the caller is an application). */
  apiOnly: boolean;
  /** The moment asked about: grants count only inside their window (products.md §0). */
  at: number;
  doorId?: string;
  deviceId?: string;
  /** Read through the visible-doors cache (outside transactions only): the whole list, then filtered. */
  caches?: { readonly visibleDoors: VisibleDoorsCache };
}

/**
 * Every door a person can see at `at`: all doors of their account's devices when they are its
 * Admin (`Owner`), and every door they hold a grant to in force at `at` (`Has Access`) — whatever
 * product the grant came from. `apiOnly` hides doors whose owner has not opted them in to API
 * control (spec: such a door behaves as not found for third-party apps).
 */
export async function listVisibleDoors(
  db: DbOrTrx,
  actor: Actor,
  options: VisibleDoorsOptions,
): Promise<readonly VisibleDoor[]> {
  const cache = options.caches?.visibleDoors;
  if (cache?.enabled && !db.isTransaction) {
    const key = `${actor.userId}|${actor.accountId}|${actor.role}|${options.apiOnly}`;
    const { at } = options;
    // The whole list is read through the cache; one door or device is only taken from it when there.
    const all =
      options.doorId === undefined && options.deviceId === undefined
        ? await cache.readThrough(key, at, async () => ({
            doors: await queryVisibleDoors(db, actor, { apiOnly: options.apiOnly, at }),
            // Never stale across a window's edge: the list lives until the next start or end.
            until: await nextPersonGrantEdge(db, actor.userId, at),
          }))
        : cache.peek(key, at);
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

/** One door if this person can see it at `at` (and, with `apiOnly`, if it is open to applications). */
export async function findVisibleDoor(
  db: DbOrTrx,
  actor: Actor,
  doorId: string,
  options: { apiOnly: boolean; at: number },
): Promise<VisibleDoor | undefined> {
  const [door] = await listVisibleDoors(db, actor, { ...options, doorId });
  return door;
}

/**
 * The door if `opener` may open it at `at`: a person who can see it (`findVisibleDoor`), a guest
 * whose pass holds a guest grant to it, or a plate with a plate grant to it — each in force at `at`.
 */
export async function findOpenableDoor(
  db: DbOrTrx,
  opener: DoorOpener,
  doorId: string,
  options: { apiOnly: boolean; at: number },
): Promise<VisibleDoor | undefined> {
  let grant: AccessGrant | undefined;
  if (opener.kind === 'guest') grant = await findGuestGrant(db, doorId, opener.grant, options.at);
  else if (opener.kind === 'plate') grant = await findPlateGrant(db, doorId, opener.plate, options.at);
  else return findVisibleDoor(db, opener, doorId, options);
  if (!grant) return undefined;
  let query = selectDoors(db).where('d.id', '=', doorId);
  if (options.apiOnly) query = query.where('d.is_api_enabled', '=', 1);
  const row = await query.select('d.name as personal_name').executeTakeFirst();
  return row && toVisibleDoor(row, 'Has Access');
}

function selectDoors(db: DbOrTrx) {
  return db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
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
    ]);
}

type DoorWithDevice = Awaited<ReturnType<ReturnType<typeof selectDoors>['executeTakeFirstOrThrow']>> & {
  personal_name: string | null;
};

async function queryVisibleDoors(
  db: DbOrTrx,
  actor: Actor,
  options: { apiOnly: boolean; at: number; doorId?: string; deviceId?: string },
): Promise<VisibleDoor[]> {
  let query = selectDoors(db)
    .leftJoin('door_names as n', (j) => j.onRef('n.door_id', '=', 'd.id').on('n.user_id', '=', actor.userId))
    .select('n.name as personal_name')
    // Two indexed lookups (the account's devices, the person's grants in force) rather than one
    // condition on the joined rows, which would scan every door of every account.
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
        eb('d.id', 'in', activeGrants(db, options.at).select('door_id').where('user_id', '=', actor.userId)),
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
  return rows.map((r) =>
    toVisibleDoor(r, actor.role === 'admin' && r.v_account_id === actor.accountId ? 'Owner' : 'Has Access'),
  );
}

function toVisibleDoor(r: DoorWithDevice, relationship: Relationship): VisibleDoor {
  return {
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
    relationship,
  };
}
