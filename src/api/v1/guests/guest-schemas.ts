import { Type } from 'typebox';
import { says } from '../api-validation.ts';
import { HexId, idParameter, Nullable, OneOf, UserId } from '../wire-schemas.ts';

/**
 * The wire shapes of GuestParq & GuestAccess (products.md §2) and of the members' permissions
 * (products.md §0 "Permissions") as TypeBox schemas: the routes validate with them, the OpenAPI
 * document shows them.
 */

const UtcTime = Type.String({ format: 'date-time', description: 'RFC 3339 UTC (`Z`).' });
const LocalTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  description: "`YYYY-MM-DD HH:MM:SS` in the pass's `time_zone`.",
});

const PASS_SHAPE =
  '{"guest": {"first_name": "…", "last_name": "…"}, "starts": "…", "ends": "…", "door_ids": ["…"]}';
const TIME_WORDS =
  'an RFC 3339 time with an offset (2026-03-07T18:00:00-05:00) or a local YYYY-MM-DDTHH:MM[:SS]';

function timeInput(name: string, description: string) {
  return Type.String({
    minLength: 1,
    maxLength: 40,
    description: `${description} RFC 3339 with an offset, or a naive local \`YYYY-MM-DDTHH:MM[:SS]\` read in the zone of the first door's property, else the host's \`time_zone\`.`,
    ...says({ default: `${name} must be ${TIME_WORDS}` }),
  });
}

const Name = (field: string) =>
  Type.String({
    minLength: 1,
    maxLength: 100,
    ...says({ default: `guest.${field} must be a name of 1 to 100 characters` }),
  });

const GuestInput = Type.Object(
  {
    first_name: Name('first_name'),
    last_name: Name('last_name'),
    email: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 254,
          description: 'Where the link may be emailed.',
          ...says({ default: 'guest.email must be an email address' }),
        }),
      ),
    ),
    phone: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 40,
          description: 'Kept for the host; ParqEx sends no SMS.',
          ...says({ default: 'guest.phone must be a phone number of at most 40 characters' }),
        }),
      ),
    ),
  },
  {
    additionalProperties: false,
    ...says({
      default: 'guest must be an object {"first_name": "…", "last_name": "…", "email"?: "…", "phone"?: "…"}',
      additionalProperties: 'unknown field guest.{name}',
    }),
  },
);

const PlateInput = Nullable(
  Type.String({
    minLength: 1,
    maxLength: 16,
    description: 'The guest vehicle’s plate, as typed (matched normalised).',
    ...says({ default: 'plate must be a licence plate of 1 to 16 characters' }),
  }),
);

const DOOR_ID_WORDS = 'a door id (32 hexadecimal characters or a UUID)';

export const CreatePassRequest = Type.Object(
  {
    guest: GuestInput,
    plate: Type.Optional(PlateInput),
    starts: Type.Optional(timeInput('starts', 'When the pass starts; up to 5 minutes ago counts as now.')),
    ends: Type.Optional(timeInput('ends', 'When it ends (exclusive).')),
    door_ids: Type.Optional(
      Type.Array(idParameter(DOOR_ID_WORDS), {
        maxItems: 100,
        description: 'Doors the host may operate now; the guest may open them only inside the window.',
        ...says({
          default: 'door_ids must be an array of door ids',
          maxItems: 'door_ids may name at most 100 doors',
        }),
      }),
    ),
    booking_id: Type.Optional(
      idParameter(
        'a booking id (32 hexadecimal characters)',
        "One of the host's own confirmed bookings to lend to the guest: its gates (leave door_ids out), its window (the default of starts/ends, and their bounds) and, without a guest plate, its plate. The host's access stops for the window and returns when the pass is revoked or ends; cancelling the booking ends the pass.",
      ),
    ),
  },
  {
    additionalProperties: false,
    ...says({
      default: `the body must be a JSON object ${PASS_SHAPE}`,
      additionalProperties: `unknown field "{name}"; expected ${PASS_SHAPE}`,
    }),
  },
);

export const UpdatePassRequest = Type.Object(
  {
    starts: Type.Optional(timeInput('starts', 'The new start.')),
    ends: Type.Optional(timeInput('ends', 'The new end (exclusive).')),
  },
  {
    additionalProperties: false,
    ...says({
      default: 'the body must be a JSON object {"starts": "…", "ends": "…"} (either or both)',
      additionalProperties: 'unknown field "{name}"; only the window can be changed: starts, ends',
    }),
  },
);

export const PassStatus = OneOf(['scheduled', 'active', 'expired', 'revoked'], {
  description:
    '`scheduled` before its start, `active` inside its window, then `expired`; `revoked` once revoked.',
});

export const GuestPass = Type.Object({
  id: HexId,
  status: PassStatus,
  host_user_id: UserId,
  guest: Type.Object({
    first_name: Type.String(),
    last_name: Type.String(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
  }),
  plate: Nullable(Type.String()),
  door_ids: Type.Array(HexId),
  booking_id: Nullable(HexId),
  starts_at: UtcTime,
  ends_at: UtcTime,
  starts_at_local: LocalTime,
  ends_at_local: LocalTime,
  time_zone: Type.String({ description: 'IANA zone the window was read in and is shown in.' }),
  code: Type.String({ description: '8 characters a guest can read out at a gate or a desk.' }),
  link: Nullable(
    Type.String({
      format: 'uri',
      description:
        'The guest link (`/g/<token>`): given once, when the pass is created (only its hash is kept); null afterwards.',
    }),
  ),
  revoked_at: Nullable(UtcTime),
  created_at: UtcTime,
});

export const PassIdParams = Type.Object({
  id: idParameter('a guest pass id (32 hexadecimal characters)', 'The guest pass.'),
});

export const PassesQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 200,
      default: 50,
      description: 'Items per page (at most 200).',
      ...says({ default: 'limit must be a whole number from 1 to 200' }),
    }),
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, description: 'The `next_cursor` of the previous page.' }),
  ),
  status: Type.Optional(
    OneOf(['scheduled', 'active', 'expired', 'revoked'], {
      description: 'Only the passes with this status now.',
      ...says({ default: 'status must be one of scheduled, active, expired, revoked' }),
    }),
  ),
});

export const PassPage = Type.Object({
  items: Type.Array(GuestPass, { description: 'Newest first.' }),
  next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' })),
});

const Limit = (description: string) =>
  Nullable(
    Type.Integer({
      minimum: 1,
      maximum: 100000,
      description: `${description} null: no limit.`,
      ...says({ default: '{field} must be a whole number from 1 to 100000, or null' }),
    }),
  );

export const GuestPolicy = Type.Object(
  {
    max_active_passes_per_host: Limit('Most passes one host may have scheduled or active at once.'),
    max_pass_hours: Limit('Longest pass, in hours.'),
    max_days_per_plate_30d: Limit(
      'Most calendar days (in the account’s zone) one guest plate may be on passes in any 30 days.',
    ),
  },
  {
    additionalProperties: false,
    ...says({
      default:
        'the body must be a JSON object {"max_active_passes_per_host": int|null, "max_pass_hours": int|null, "max_days_per_plate_30d": int|null}',
      required: '{name} is required (null for no limit)',
      additionalProperties: 'unknown field "{name}"',
    }),
  },
);

export const Member = Type.Object({
  user_id: UserId,
  first_name: Type.String(),
  last_name: Type.String(),
  email: Type.String(),
  role: OneOf(['admin', 'user']),
  permissions: Type.Object({
    guests: Type.Boolean({ description: 'May create guest passes (always true for the Admin).' }),
    enforce: Type.Boolean({ description: 'May act as a patrol agent (always true for the Admin).' }),
  }),
});

export const Members = Type.Object({ items: Type.Array(Member) });

export const MemberIdParams = Type.Object({
  user_id: idParameter('a user id (a UUID)', 'The member.'),
});

export const PermissionsRequest = Type.Object(
  {
    guests: Type.Optional(Type.Boolean({ ...says({ default: 'guests must be true or false' }) })),
    enforce: Type.Optional(Type.Boolean({ ...says({ default: 'enforce must be true or false' }) })),
  },
  {
    additionalProperties: false,
    ...says({
      default: 'the body must be a JSON object {"guests": bool, "enforce": bool}',
      additionalProperties: 'unknown field "{name}"; expected {"guests": bool, "enforce": bool}',
    }),
  },
);

export const GuestsSyncSection = Type.Object({
  passes: Type.Array(GuestPass, {
    description: 'The person’s own passes (the Admin: the account’s) that are scheduled or active.',
  }),
});

export { HexId };
