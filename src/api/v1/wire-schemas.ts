import { type TSchema, Type } from 'typebox';
import { says } from './api-validation.ts';

/**
 * The wire shapes of the documented endpoints (spec §4–§5) as TypeBox schemas: the routes validate
 * their input with them and the OpenAPI document shows them. The words of a refusal sit beside the
 * field they are about (`says`).
 */

export const LocalTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  description: "`YYYY-MM-DD HH:MM:SS` in the user's `time_zone` setting.",
});
export const HexId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '32 lower-case hex characters.' });
export const UserId = Type.String({ format: 'uuid', description: 'A dashed UUID.' });
export const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
/** One of a few strings, as a plain `enum` (friendlier to tools than a union of constants). */
export const OneOf = (
  values: readonly string[],
  options: { description?: string; [key: string]: unknown } = {},
) => Type.Unsafe<string>({ type: 'string', enum: [...values], ...options });
const DoorState = OneOf(['OPEN', 'CLOSED']);
const Relationship = OneOf(['Owner', 'Has Access'], {
  description: '`Owner` when the user is the Admin of the account owning the device, else `Has Access`.',
});

const Timestamp = Type.Integer({ description: 'Unix epoch milliseconds of the response.' });

/** `{"success": true, "timestamp": …, "data": …}` (spec §4). */
export function envelope(data: TSchema) {
  return Type.Object({ success: Type.Literal(true), timestamp: Timestamp, data });
}

/** `{"errors": [{"code", "message"}]}` (spec §4): every error of the documented endpoints. */
export const ApiErrors = Type.Object({
  errors: Type.Array(
    Type.Object({
      code: Type.String({ description: 'Stable, machine-readable.' }),
      message: Type.String({ description: 'For people.' }),
    }),
    { minItems: 1 },
  ),
});

export const Address = Type.Object({
  line1: Nullable(Type.String()),
  line2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2.' })),
});

export const Vehicle = Type.Object({
  id: HexId,
  plate: Type.String(),
  region: Nullable(Type.String()),
  make: Nullable(Type.String()),
  model: Nullable(Type.String()),
  color: Nullable(Type.String()),
});

export const Profile = Type.Object({
  id: UserId,
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String({ format: 'email' }),
  phone: Nullable(Type.String()),
  address: Address,
  vehicles: Type.Array(Vehicle),
});

export const Settings = Type.Object({
  door_open_alert_notification_enabled: Type.Boolean(),
  door_open_alert_notification_tone: Type.String(),
  time_zone: Type.String({ description: 'IANA time zone; times in bodies use it.' }),
  pin_code: Nullable(
    Type.String({ pattern: '^\\d{4,8}$', description: "The user's keypad PIN; null when none is set." }),
  ),
});

export const Door = Type.Object({
  id: HexId,
  entity_number: Type.Integer({ minimum: 1, maximum: 100 }),
  name: Type.String({ description: "This user's name for the door (default: the owner's name)." }),
  state: DoorState,
  active: Type.Boolean(),
  last_toggled: Nullable(LocalTime),
  user_relationship: Relationship,
  door_auto_close_enabled: Type.Boolean(),
  door_auto_close_delay: Type.Integer({ minimum: 0, description: 'Seconds.' }),
  door_sensor_paired: Type.Boolean({
    description: 'ParqEx addition: a door sensor is paired (some doors need one to be toggled, see 428).',
  }),
  bluetooth_sensor: Type.Boolean({ description: 'Deprecated; always false.' }),
  bluetooth_sensor_mac_address: Type.String({ description: 'Deprecated; always "000000000000".' }),
  bluetooth_sensor_battery_level: Type.Integer({ description: 'Deprecated; always 0.' }),
  sensor: Type.Boolean({ description: 'Deprecated; always false.' }),
  light: Type.Boolean({ description: 'Deprecated; always false.' }),
  image: Type.String({ description: 'Deprecated; always "".' }),
});

export const Device = Type.Object({
  id: HexId,
  active: Type.Boolean({ description: 'The device is enabled by ParqEx.' }),
  registered: Type.Boolean({ description: 'The device is registered to an account.' }),
  online: Type.Boolean({ description: 'ParqEx addition: the controller is connected right now.' }),
  number_of_entities_controlled: Type.Integer({
    minimum: 1,
    maximum: 100,
    description: 'How many doors the device controls (all of them, also those this user cannot see).',
  }),
  owner_first_name: Type.String(),
  owner_last_name: Type.String(),
  last_contact: Nullable(LocalTime),
  software_version: Type.String(),
  blackbox_code: Type.String(),
  bluetooth_onboard: Type.Boolean(),
  bluetooth_mac_address: Type.String(),
  time_before_door_open_alert: Type.Integer({ description: 'Seconds.' }),
  doors: Type.Array(Door, { description: 'Only the doors this user can see.' }),
});

/** `sync`'s answer without its `marketplace` section (the Marketplace's schemas add it, see sync.routes.ts). */
export const SyncSections = Type.Object({
  success: Type.Literal(true),
  timestamp: Timestamp,
  devices: Type.Array(Device, { description: 'Where the docs put it: top level, beside the envelope.' }),
  profile: Profile,
  guests: Type.Object({
    passes: Type.Array(Type.Object({}, { additionalProperties: true }), {
      description:
        'The guest passes the user hosts (the Admin: every pass of the account) that are scheduled or active, as `GET guest-passes` lists them; empty unless the token has the `GUESTS` scope.',
    }),
  }),
  access: Type.Object({
    doors: Type.Array(Type.Object({ door_id: HexId, device_id: HexId, user_relationship: Relationship })),
  }),
});

/** Spec §4: 32 hex digits, dashes anywhere (a dashed UUID), any case (see `normalizeHexId`). */
const ID_PATTERN = '^\\s*-*(?:[0-9A-Fa-f]-*){32}\\s*$';

/** An id parameter (spec §4): the 32-hex and the dashed UUID form, any case; `what` names it in refusals. */
export function idParameter(
  what: string,
  description = 'An id: 32 hex characters or a dashed UUID, any case.',
) {
  return Type.String({
    pattern: ID_PATTERN,
    description,
    ...says({ default: `{field} must be ${what}` }),
  });
}

/** A door id, as the toggle, the history and the invitations take it. */
const DOOR_ID_WORDS = 'a door id (32 hexadecimal characters or a UUID)';

export const ToggleRequest = Type.Object(
  {
    door_id: Type.String({
      ...idParameter(DOOR_ID_WORDS),
      ...says({ required: 'door_id is required', default: `door_id must be ${DOOR_ID_WORDS}` }),
    }),
    door_state: OneOf(['OPEN', 'CLOSED'], {
      description: 'The requested state. Asking to open an open door is accepted and changes nothing.',
      ...says({
        required: 'door_state must be "OPEN" or "CLOSED"',
        default: 'door_state must be "OPEN" or "CLOSED"',
      }),
    }),
  },
  says({ default: 'the body must be a JSON object {"door_id": …, "door_state": "OPEN"|"CLOSED"}' }),
);

/** The documented toggle body on every outcome, with our `errors` beside it on failures. */
export const ToggleOutcome = Type.Object({
  success: Type.Boolean({ description: 'True only when the door was toggled.' }),
  timestamp: Timestamp,
  message: Type.String(),
  errors: Type.Optional(ApiErrors.properties.errors),
});

const LOCAL_DAY = '^(\\d{4}-\\d{2}-\\d{2}|TODAY)$';

function localDay(name: string, description: string, example: string) {
  return Type.String({
    pattern: LOCAL_DAY,
    description,
    examples: [example],
    ...says({
      required: `${name} is required (YYYY-MM-DD or TODAY)`,
      default: `${name} must be a date written YYYY-MM-DD, or TODAY`,
    }),
  });
}

/** Spec §5.5: the query of Get Access History; unknown parameters are ignored. */
export const HistoryQuery = Type.Object({
  start_date: localDay(
    'start_date',
    "First day (inclusive), `YYYY-MM-DD` in the user's time zone, or `TODAY`.",
    '2019-12-01',
  ),
  end_date: localDay(
    'end_date',
    "Last day (inclusive), `YYYY-MM-DD` in the user's time zone, or `TODAY`.",
    'TODAY',
  ),
  history_type: OneOf(['door', 'device', 'user'], {
    description:
      "`door` (with `door_id`), `device` (with `device_id`), or `user`: the user's own actions on every door they can see.",
    ...says({
      required: 'history_type is required: door, device or user',
      default: 'history_type must be door, device or user',
    }),
  }),
  door_id: Type.Optional(idParameter(DOOR_ID_WORDS, 'The door, with `history_type=door`.')),
  device_id: Type.Optional(
    idParameter(
      'a device id (32 hexadecimal characters or a UUID)',
      'The device, with `history_type=device`.',
    ),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 100,
      description: 'Events per page.',
      ...says({ default: 'limit must be a whole number from 1 to 1000' }),
    }),
  ),
  cursor: Type.Optional(Type.String({ description: 'The `next_cursor` of the previous page.' })),
});

export const ToggleEvent = Type.Object({
  door_id: HexId,
  door_name: Type.String(),
  door_state: DoorState,
  channel: Type.String({
    description:
      'The application name for API calls; `ParqEx Web`, `ParqEx iOS`, `ParqEx Android`, or `Door Sensor`.',
  }),
  user: Type.Object({
    id: Type.String({ description: 'A dashed UUID, or "" when no person caused the event (sensor).' }),
    first_name: Type.String(),
    last_name: Type.String(),
    email_address: Type.String(),
  }),
  was_success: Type.Boolean(),
  toggle_date_time: LocalTime,
});

export const History = envelope(
  Type.Object({
    toggle_events: Type.Array(ToggleEvent, { description: 'Newest first.' }),
    next_cursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
    ),
  }),
);

/** At most this many doors in one request. */
export const MAX_DOORS = 100;

const INVITE_SHAPE = '{"email": "…", "door_ids": ["…"]}';
const REMOVE_SHAPE = '{"email": "…" or "user_id": "…", "door_ids": ["…"] (optional)}';

const EmailField = Type.String({
  description: 'An email address.',
  examples: ['jane@example.com'],
  ...says({ default: 'email must be an email address' }),
});

function doorIds(description: string) {
  return Type.Array(idParameter(DOOR_ID_WORDS), {
    minItems: 1,
    maxItems: MAX_DOORS,
    description,
    ...says({
      default: 'door_ids must be a non-empty array of door ids',
      maxItems: `door_ids may name at most ${MAX_DOORS} doors`,
    }),
  });
}

export const InviteRequest = Type.Object(
  { email: EmailField, door_ids: doorIds('Doors of your account to share.') },
  {
    additionalProperties: false,
    ...says({
      default: `the body must be a JSON object ${INVITE_SHAPE}`,
      additionalProperties: `unknown field "{name}"; expected ${INVITE_SHAPE}`,
    }),
  },
);

export const RemoveAccessRequest = Type.Object(
  {
    email: Type.Optional(EmailField),
    user_id: Type.Optional(idParameter('a user id (a UUID)', 'The person, by id.')),
    door_ids: Type.Optional(doorIds('Doors to take back; every shared door when absent.')),
  },
  {
    description: 'Give exactly one of `email` and `user_id`.',
    additionalProperties: false,
    ...says({
      default: `the body must be a JSON object ${REMOVE_SHAPE}`,
      additionalProperties: `unknown field "{name}"; expected ${REMOVE_SHAPE}`,
    }),
  },
);

/** Invite User (spec §5.6): an existing user got access at once (200) … */
export const AccessGranted = Type.Object({
  result: Type.Literal('access_granted'),
  email: Type.String({ format: 'email' }),
  user_id: UserId,
  door_ids: Type.Array(HexId),
  email_sent: Type.Boolean({ description: 'The notification email went out.' }),
});

/** … or an unknown email got a pending invitation (201). */
export const InvitationSent = Type.Object({
  result: Type.Literal('invitation_sent'),
  email: Type.String({ format: 'email' }),
  invitation_id: HexId,
  door_ids: Type.Array(HexId),
  expires_at: LocalTime,
  email_sent: Type.Literal(true),
});

export const Sharing = Type.Object({
  invitations: Type.Array(
    Type.Object({
      id: HexId,
      email: Type.String({ format: 'email' }),
      door_ids: Type.Array(HexId),
      invited_by: UserId,
      created_at: LocalTime,
      expires_at: LocalTime,
    }),
    { description: 'Pending invitations.' },
  ),
  shared_access: Type.Array(
    Type.Object({
      user: Type.Object({
        id: UserId,
        first_name: Type.String(),
        last_name: Type.String(),
        email: Type.String({ format: 'email' }),
      }),
      doors: Type.Array(
        Type.Object({
          door_id: HexId,
          name: Type.String(),
          granted_by: Nullable(UserId),
          granted_at: LocalTime,
        }),
      ),
    }),
    { description: 'People who were given doors of the account.' },
  ),
});

export const AccessRemoved = Type.Object({
  email: Type.String({ format: 'email' }),
  user_id: Nullable(UserId),
  removed_door_ids: Type.Array(HexId),
  revoked_invitations: Type.Integer({ minimum: 0, description: 'Pending invitations cancelled.' }),
});
