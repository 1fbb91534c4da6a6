import { cooldownMessage, TOGGLE_MESSAGES } from './toggle-messages.ts';

/**
 * The documented examples of the API (spec §4–§5), fixed to valid JSON: `timestamp` filled in
 * (epoch milliseconds), the `…` placeholders replaced by values of the right shape, `success` honest.
 */

export const TIMESTAMP = 1764000000000;

/** John Doe's car, in the profile and in the vehicle webhooks. */
export const VEHICLE = {
  id: '0f7c2b9e4d1a4e6b8c3a5d7f9e1b2c4d',
  plate: 'ABC1234',
  region: 'NY',
  make: 'Toyota',
  model: 'Prius',
  color: 'Blue',
};

export const PROFILE = {
  id: '69668e34-2b60-49aa-b42a-7e01ebc0cb58',
  first_name: 'John',
  last_name: 'Doe',
  email: 'john@example.com',
  phone: '+1 555 0100',
  address: {
    line1: '350 Fifth Avenue',
    line2: null,
    city: 'New York',
    region: 'NY',
    postal_code: '10118',
    country: 'US',
  },
  vehicles: [VEHICLE],
};

export const USER_INFO = { success: true, timestamp: TIMESTAMP, data: PROFILE };

export const SETTINGS = {
  success: true,
  timestamp: TIMESTAMP,
  data: {
    door_open_alert_notification_enabled: true,
    door_open_alert_notification_tone: 'door_open',
    time_zone: 'America/New_York',
    pin_code: '1234',
  },
};

const DOOR_ID = '70fc7ebd63d841d9a9f06ff815be1e7c';
const DEVICE_ID = '9d9e5e0e093a06d5f16e1116d108d0c7';

export const SYNC = {
  success: true,
  timestamp: TIMESTAMP,
  devices: [
    {
      id: DEVICE_ID,
      active: true,
      registered: true,
      online: true,
      number_of_entities_controlled: 1,
      owner_first_name: 'ParqEx',
      owner_last_name: 'Production',
      last_contact: '2020-12-18 18:47:25',
      software_version: '0',
      blackbox_code: '20000c2a6908848d',
      bluetooth_onboard: false,
      bluetooth_mac_address: '000000000000',
      time_before_door_open_alert: 900,
      doors: [
        {
          id: DOOR_ID,
          entity_number: 1,
          name: 'Kitty',
          state: 'OPEN',
          active: true,
          last_toggled: '2020-12-18 18:32:25',
          user_relationship: 'Has Access',
          door_auto_close_enabled: false,
          door_auto_close_delay: 0,
          door_sensor_paired: true,
          bluetooth_sensor: false,
          bluetooth_sensor_mac_address: '000000000000',
          bluetooth_sensor_battery_level: 0,
          sensor: false,
          light: false,
          image: '',
        },
      ],
    },
  ],
  profile: PROFILE,
  marketplace: { bookings: [], listings: [] },
  guests: { passes: [] },
  access: { doors: [{ door_id: DOOR_ID, device_id: DEVICE_ID, user_relationship: 'Has Access' }] },
};

export const TOGGLE_REQUEST = { door_id: DOOR_ID, door_state: 'OPEN' };

/** A failed toggle's body: the documented `message` and `errors`, with the same words. */
export function failedToggle(code: string, message: string) {
  return { success: false, timestamp: TIMESTAMP, message, errors: [{ code, message }] };
}

export const TOGGLE = {
  done: { success: true, timestamp: TIMESTAMP, message: TOGGLE_MESSAGES.done },
  malformed: {
    success: false,
    timestamp: TIMESTAMP,
    message: TOGGLE_MESSAGES.malformed,
    errors: [{ code: 'invalid_request', message: 'door_state must be "OPEN" or "CLOSED"' }],
  },
  insufficientScope: failedToggle('insufficient_scope', 'this action needs the OPENDOOR scope'),
  cooldown: failedToggle('door_cooldown', cooldownMessage(17)),
  noSensor: failedToggle('controller_no_sensor', TOGGLE_MESSAGES.no_sensor),
  unsupported: failedToggle('controller_unsupported', TOGGLE_MESSAGES.unsupported),
  unauthorized: failedToggle('controller_unauthorized', TOGGLE_MESSAGES.unauthorized),
  offline: failedToggle('controller_offline', TOGGLE_MESSAGES.offline),
};

export const HISTORY = {
  success: true,
  timestamp: TIMESTAMP,
  data: {
    toggle_events: [
      {
        door_id: DOOR_ID,
        door_name: 'Main Door',
        door_state: 'OPEN',
        channel: 'Door Sensor',
        user: { id: '', first_name: '', last_name: '', email_address: '' },
        was_success: true,
        toggle_date_time: '2019-12-12 08:15:04',
      },
      {
        door_id: DOOR_ID,
        door_name: 'Main Door',
        door_state: 'OPEN',
        channel: 'MyHome',
        user: {
          id: PROFILE.id,
          first_name: 'John',
          last_name: 'Doe',
          email_address: 'john@example.com',
        },
        was_success: true,
        toggle_date_time: '2019-12-12 08:15:02',
      },
    ],
    next_cursor: null,
  },
};

export const INVITE_REQUEST = { email: 'jane@example.com', door_ids: [DOOR_ID] };
export const REMOVE_ACCESS_REQUEST = { email: 'jane@example.com', door_ids: [DOOR_ID] };

export function apiError(code: string, message: string) {
  return { errors: [{ code, message }] };
}

const JANE_ID = '0b1e6c4a-5f3d-4e2a-9c8b-7d6e5f4a3b2c';
const ADMIN_ID = 'c2f1a0e9-8d7c-4b6a-a5f4-e3d2c1b0a998';

export const INVITE = {
  granted: {
    success: true,
    timestamp: TIMESTAMP,
    data: {
      result: 'access_granted',
      email: 'jane@example.com',
      user_id: JANE_ID,
      door_ids: [DOOR_ID],
      email_sent: true,
    },
  },
  invited: {
    success: true,
    timestamp: TIMESTAMP,
    data: {
      result: 'invitation_sent',
      email: 'newcomer@example.com',
      invitation_id: '5a4b3c2d1e0f4a9b8c7d6e5f4a3b2c1d',
      door_ids: [DOOR_ID],
      expires_at: '2025-12-01 11:00:00',
      email_sent: true,
    },
  },
  list: {
    success: true,
    timestamp: TIMESTAMP,
    data: {
      invitations: [
        {
          id: '5a4b3c2d1e0f4a9b8c7d6e5f4a3b2c1d',
          email: 'newcomer@example.com',
          door_ids: [DOOR_ID],
          invited_by: ADMIN_ID,
          created_at: '2025-11-24 11:00:00',
          expires_at: '2025-12-01 11:00:00',
        },
      ],
      shared_access: [
        {
          user: { id: JANE_ID, first_name: 'Jane', last_name: 'Roe', email: 'jane@example.com' },
          doors: [
            { door_id: DOOR_ID, name: 'Main Gate', granted_by: ADMIN_ID, granted_at: '2025-11-24 10:58:12' },
          ],
        },
      ],
    },
  },
  removed: {
    success: true,
    timestamp: TIMESTAMP,
    data: {
      email: 'jane@example.com',
      user_id: JANE_ID,
      removed_door_ids: [DOOR_ID],
      revoked_invitations: 0,
    },
  },
};
