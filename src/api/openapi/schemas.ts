import { type TSchema, Type } from 'typebox';
import { SCOPES } from '../../oauth/scopes.ts';

/**
 * The wire shapes of the documented endpoints (spec §3–§5), as JSON Schema for the OpenAPI document
 * only: no route validates or serializes with them, so they can never change what is sent.
 */

export const LocalTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  description: "`YYYY-MM-DD HH:MM:SS` in the user's `time_zone` setting.",
});
export const HexId = Type.String({ pattern: '^[0-9a-f]{32}$', description: '32 lower-case hex characters.' });
export const IdParameter = Type.String({
  pattern: '^[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}$',
  description: 'An id: 32 hex characters or a dashed UUID, any case.',
});
export const UserId = Type.String({ format: 'uuid', description: 'A dashed UUID.' });
const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
/** One of a few strings, as a plain `enum` (friendlier to tools than a union of constants). */
export const OneOf = (values: readonly string[], options: { description?: string } = {}) =>
  Type.Unsafe<string>({ type: 'string', enum: [...values], ...options });
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

export const Sync = Type.Object({
  success: Type.Literal(true),
  timestamp: Timestamp,
  devices: Type.Array(Device, { description: 'Where the docs put it: top level, beside the envelope.' }),
  profile: Profile,
  marketplace: Type.Object({ bookings: Type.Array(Type.Object({})) }),
  guests: Type.Object({ guests: Type.Array(Type.Object({})) }),
  access: Type.Object({
    doors: Type.Array(Type.Object({ door_id: HexId, device_id: HexId, user_relationship: Relationship })),
  }),
});

export const ToggleRequest = Type.Object({
  door_id: IdParameter,
  door_state: OneOf(['OPEN', 'CLOSED'], {
    description: 'The requested state. Asking to open an open door is accepted and changes nothing.',
  }),
});

/** The documented toggle body on every outcome, with our `errors` beside it on failures. */
export const ToggleOutcome = Type.Object({
  success: Type.Boolean({ description: 'True only when the door was toggled.' }),
  timestamp: Timestamp,
  message: Type.String(),
  errors: Type.Optional(ApiErrors.properties.errors),
});

export const HistoryQuery = Type.Object({
  start_date: Type.String({
    pattern: '^(\\d{4}-\\d{2}-\\d{2}|TODAY)$',
    description: "First day (inclusive), `YYYY-MM-DD` in the user's time zone, or `TODAY`.",
    examples: ['2019-12-01'],
  }),
  end_date: Type.String({
    pattern: '^(\\d{4}-\\d{2}-\\d{2}|TODAY)$',
    description: "Last day (inclusive), `YYYY-MM-DD` in the user's time zone, or `TODAY`.",
    examples: ['TODAY'],
  }),
  history_type: OneOf(['door', 'device', 'user'], {
    description:
      "`door` (with `door_id`), `device` (with `device_id`), or `user`: the user's own actions on every door they can see.",
  }),
  door_id: Type.Optional({ ...IdParameter, description: 'The door, with `history_type=door`.' }),
  device_id: Type.Optional({ ...IdParameter, description: 'The device, with `history_type=device`.' }),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Events per page.' }),
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

export const InviteRequest = Type.Object({
  email: Type.String({ format: 'email' }),
  door_ids: Type.Array(IdParameter, { minItems: 1, description: 'Doors of your account to share.' }),
});

export const RemoveAccessRequest = Type.Object(
  {
    email: Type.Optional(Type.String({ format: 'email' })),
    user_id: Type.Optional(IdParameter),
    door_ids: Type.Optional(
      Type.Array(IdParameter, { description: 'Doors to take back; every shared door when absent.' }),
    ),
  },
  { description: 'Give exactly one of `email` and `user_id`.' },
);

const ScopeList = Type.String({
  description: `Granted scopes, upper-case, space-separated (${SCOPES.join(', ')}).`,
});

/** RFC 6749 §5.1. */
export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds the access token is valid.' }),
  refresh_token: Type.String({ description: 'Rotates: always keep the most recent one.' }),
  scope: ScopeList,
});

/** RFC 6749 §5.2. */
export const OAuthErrorBody = Type.Object({
  error: OneOf([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
  ]),
  error_description: Type.String(),
});

/** RFC 7662 §2.2. */
export const Introspection = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(ScopeList),
  client_id: Type.Optional(Type.String()),
  username: Type.Optional(Type.String({ description: "The user's email." })),
  token_type: Type.Optional(OneOf(['Bearer', 'refresh_token'])),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(UserId),
  iss: Type.Optional(Type.String({ format: 'uri' })),
});

/** RFC 8414 §2. */
export const ServerMetadata = Type.Object({
  issuer: Type.String({ format: 'uri' }),
  authorization_endpoint: Type.String({ format: 'uri' }),
  token_endpoint: Type.String({ format: 'uri' }),
  revocation_endpoint: Type.String({ format: 'uri' }),
  introspection_endpoint: Type.String({ format: 'uri' }),
  scopes_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  response_modes_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  code_challenge_methods_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
  introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
  authorization_response_iss_parameter_supported: Type.Boolean(),
});

/** The form fields of the token, revocation and introspection endpoints (client_secret_post). */
export const ClientCredentials = {
  client_id: Type.String({ description: 'Your client_id.', examples: ['555555555555555555.api.parqex.com'] }),
  client_secret: Type.String({
    description: 'Your client_secret (or send both in an HTTP Basic header instead).',
  }),
};

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
