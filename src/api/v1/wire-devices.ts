import type { DeviceFacts } from '../../access/device-facts.ts';
import type { VisibleDoor } from '../../access/visible-doors.ts';
import { formatLocal } from '../../lib/time.ts';

const NO_MAC = '000000000000';

/** Spec §5.3: a device with the doors this person can see, in the documented fields. */
export function toWireDevices(
  doors: readonly VisibleDoor[],
  facts: Map<string, DeviceFacts>,
  timeZone: string,
) {
  const byDevice = new Map<string, VisibleDoor[]>();
  for (const d of doors) byDevice.set(d.device.id, [...(byDevice.get(d.device.id) ?? []), d]);
  return [...byDevice.values()].map((group) => {
    const device = group[0]!.device;
    const fact = facts.get(device.id);
    return {
      id: device.id,
      active: device.is_active === 1,
      registered: true,
      online: device.is_online === 1,
      number_of_entities_controlled: fact?.doorCount ?? group.length,
      owner_first_name: fact?.ownerFirstName ?? '',
      owner_last_name: fact?.ownerLastName ?? '',
      last_contact: device.last_contact === null ? null : formatLocal(device.last_contact, timeZone),
      software_version: device.software_version,
      blackbox_code: device.blackbox_code,
      bluetooth_onboard: device.bluetooth_onboard === 1,
      bluetooth_mac_address: device.bluetooth_mac_address,
      time_before_door_open_alert: device.time_before_door_open_alert,
      doors: group.map(({ door, name, relationship }) => ({
        id: door.id,
        entity_number: door.entity_number,
        name,
        state: door.state,
        active: door.is_active === 1,
        last_toggled: door.last_toggled === null ? null : formatLocal(door.last_toggled, timeZone),
        user_relationship: relationship,
        door_auto_close_enabled: door.auto_close_enabled === 1,
        door_auto_close_delay: door.auto_close_delay,
        door_sensor_paired: door.has_sensor === 1,
        // Deprecated in the docs; always present with neutral values.
        bluetooth_sensor: false,
        bluetooth_sensor_mac_address: NO_MAC,
        bluetooth_sensor_battery_level: 0,
        sensor: false,
        light: false,
        image: '',
      })),
    };
  });
}
