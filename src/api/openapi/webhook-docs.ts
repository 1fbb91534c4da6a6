import { type TSchema, Type } from 'typebox';
import {
  accessEventPayload,
  bookingEventPayload,
  doorEventPayload,
  eventTime,
  guestPassPayload,
  wirePerson,
} from '../../webhooks/payloads.ts';
import { VEHICLE } from '../v1/wire-examples.ts';
import { HexId, Nullable, OneOf, Vehicle } from '../v1/wire-schemas.ts';

/**
 * The `webhooks` section of the OpenAPI 3.1 document (spec §6): one entry per event type ParqEx
 * sends, the body as a TypeBox schema beside an example made by the very functions that make the
 * real bodies (`src/webhooks/payloads.ts`).
 */

const OCCURRED = Date.UTC(2016, 11, 2, 4, 1, 11);
const PERSON = { firstName: 'ParqEx', lastName: 'Test', email: 'test@parqex.com' };

const DeliveryId = Type.String({
  pattern: '^[0-9A-F]{32}$',
  description: 'Upper-case 32-hex, unique per delivery: use it to drop a repeated delivery.',
});
const EventOccurred = Type.Integer({ description: 'Unix epoch seconds of the event.' });
const EventOccurredUTC = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
  description: 'The same instant as `eventOccurred`, ISO 8601 UTC.',
});
const Person = Type.Object({
  firstName: Type.String(),
  lastName: Type.String(),
  emailAddress: Type.String({ description: 'Empty when nobody is known.' }),
});
const UpperHexId = Type.String({ pattern: '^[0-9A-F]{32}$' });
const DoorState = OneOf(['OPEN', 'CLOSED']);
const Channel = Type.String({
  description:
    'The application name for API calls; `ParqEx Web`, `ParqEx iOS`, `ParqEx Android`, or `Door Sensor`.',
});

function event(eventType: TSchema, fields: Record<string, TSchema>) {
  return Type.Object({
    id: DeliveryId,
    eventType,
    ...fields,
    eventOccurred: EventOccurred,
    eventOccurredUTC: EventOccurredUTC,
  });
}

function doorEvent(suffix: 'open' | 'close') {
  return event(
    Type.String({
      pattern: `^door\\d+_${suffix}$`,
      description: `\`door<N>_${suffix}\`, N = the door's entity_number.`,
    }),
    {
      toggleID: { ...UpperHexId, description: 'The access-history event that moved the door.' } as TSchema,
      doorID: HexId,
      doorState: DoorState,
      channel: Channel,
      deviceID: HexId,
      doorOwnerUserID: { ...HexId, description: 'The Admin of the account owning the door.' } as TSchema,
      userThatToggled: Nullable(Person),
    },
  );
}

function accessEvent(eventType: 'access_granted' | 'access_denied') {
  return event(Type.Literal(eventType), {
    toggleID: UpperHexId,
    doorID: HexId,
    deviceID: HexId,
    doorState: { ...DoorState, description: 'The requested state.' } as TSchema,
    channel: Channel,
    outcome: Type.String({
      description:
        'Why: `done`, `insufficient_scope`, `cooldown`, `offline`, `no_sensor`, `unsupported`, `unauthorized`.',
    }),
    user: Person,
  });
}

const GuestPassID = Type.Optional({
  ...HexId,
  description: 'Present when a guest pass made the change: the guest (`user`) has no ParqEx account.',
} as TSchema);

function accessListUserEvent(eventType: 'access_list_user_added' | 'access_list_user_removed') {
  return event(Type.Literal(eventType), {
    doorID: HexId,
    deviceID: HexId,
    user: Person,
    guestPassID: GuestPassID,
  });
}

function vehicleEvent(eventType: 'access_list_vehicle_added' | 'access_list_vehicle_removed') {
  return event(Type.Literal(eventType), {
    // A guest pass's plate is no profile vehicle: its `id` is null, and the event names the door.
    vehicle: Type.Object({ ...Vehicle.properties, id: Nullable(HexId) }),
    user: Person,
    doorID: Type.Optional(HexId),
    deviceID: Type.Optional(HexId),
    guestPassID: GuestPassID,
  });
}

function guestPassEvent(eventType: 'guest_pass_created' | 'guest_pass_revoked') {
  return event(Type.Literal(eventType), {
    guestPassID: HexId,
    hostUserID: { ...HexId, description: 'The host (32 hex, as `doorOwnerUserID`).' } as TSchema,
    guest: Type.Object({ firstName: Type.String(), lastName: Type.String() }),
    plate: Nullable(Type.String({ description: 'As the host typed it.' })),
    doorIDs: Type.Array(HexId),
    startsAtUTC: Type.String({ description: 'The window’s start, RFC 3339 UTC.' }),
    endsAtUTC: Type.String({ description: 'The window’s end (exclusive), RFC 3339 UTC.' }),
    bookingID: Nullable(Type.String({ description: 'The host’s booking transferred to the guest.' })),
  });
}

const GUEST_PASS = {
  passId: '5e1f0c9e7b5d4e2a8c6b4d2f0e1a3c5b',
  hostUserId: '01ba9fbf-306a-dfe5-65ff-c816f135a79d',
  guest: { firstName: 'Grace', lastName: 'Hopper' },
  plate: 'GH 1906',
  doorIds: ['8c76e7bb1250f55bebcc9928b04d1a60'],
  startsAt: Date.UTC(2016, 11, 2, 14),
  endsAt: Date.UTC(2016, 11, 2, 18),
  bookingId: null,
  occurredAt: OCCURRED,
};

const DOOR = {
  deliveryId: 'FE09DCDD7E75BD5202B662446690F40F',
  toggleId: 'b69048db753ba907005e9b40dc5d7e36',
  doorId: '8c76e7bb1250f55bebcc9928b04d1a60',
  entityNumber: 1,
  deviceId: 'd8cf720bb6c5cbc126b249a09ca086b9',
  channel: 'ParqEx Web',
  occurredAt: OCCURRED,
  ownerUserId: '01ba9fbf-306a-dfe5-65ff-c816f135a79d',
  toggledBy: PERSON,
};

const ACCESS = {
  deliveryId: '3A1F0C9E7B5D4E2A8C6B4D2F0E1A3C5B',
  toggleId: 'b69048db753ba907005e9b40dc5d7e36',
  doorId: DOOR.doorId,
  deviceId: DOOR.deviceId,
  channel: 'MyHome',
  occurredAt: OCCURRED,
  person: PERSON,
};

const UtcSeconds = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' });

function bookingEvent(eventType: 'booking_created' | 'booking_cancelled') {
  return event(Type.Literal(eventType), {
    bookingID: HexId,
    listingID: HexId,
    propertyID: HexId,
    status: Type.String({ description: '`confirmed` (created) or `cancelled`.' }),
    startsAt: { ...UtcSeconds, description: 'The window’s start, UTC.' } as TSchema,
    endsAt: { ...UtcSeconds, description: 'The window’s end (exclusive), UTC.' } as TSchema,
    plate: Type.String({ description: 'The plate as the renter typed it.' }),
    renter: Person,
    total: Type.Object(
      {
        amount: Type.Integer({ description: 'Minor units.' }),
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      },
      { description: 'The order’s total so far (all its lines).' },
    ),
  });
}

const BOOKING = {
  occurredAt: OCCURRED,
  bookingId: '4f1c2a9be0d34c8f9a6b7c5d3e2f1a0b',
  listingId: '9b8a7c6d5e4f40312a1b0c9d8e7f6a5b',
  propertyId: '1a2b3c4d5e6f47089a0b1c2d3e4f5a6b',
  startsAt: Date.UTC(2016, 11, 3, 14, 0, 0),
  endsAt: Date.UTC(2016, 11, 3, 17, 0, 0),
  plate: 'ABC1234',
  renter: PERSON,
  total: { amount: 1320, currency: 'USD' },
};

export interface WebhookDoc {
  family: 'door' | 'management' | 'access' | 'marketplace' | 'guests' | 'ping';
  summary: string;
  schema: TSchema;
  example: unknown;
}

/** Every event type ParqEx sends, by the name the document gives it (door events: N = 1 in the name). */
export const WEBHOOK_DOCS: Readonly<Record<string, WebhookDoc>> = {
  door_open: {
    family: 'door',
    summary: 'A door opened (`door<N>_open`): the docs’ example, field by field.',
    schema: doorEvent('open'),
    example: doorEventPayload({ ...DOOR, state: 'OPEN' }),
  },
  door_close: {
    family: 'door',
    summary: 'A door closed (`door<N>_close`). `userThatToggled` is null when nobody asked it to move.',
    schema: doorEvent('close'),
    example: doorEventPayload({ ...DOOR, state: 'CLOSED', channel: 'Door Sensor', toggledBy: null }),
  },
  access_granted: {
    family: 'access',
    summary: 'A user was let through: a toggle was done.',
    schema: accessEvent('access_granted'),
    example: accessEventPayload({ ...ACCESS, granted: true, requestedState: 'OPEN', outcome: 'done' }),
  },
  access_denied: {
    family: 'access',
    summary: 'A toggle was refused (scope, cooldown, controller); `outcome` says why.',
    schema: accessEvent('access_denied'),
    example: accessEventPayload({ ...ACCESS, granted: false, requestedState: 'OPEN', outcome: 'cooldown' }),
  },
  access_list_user_added: {
    family: 'management',
    summary: 'A person was given a door.',
    schema: accessListUserEvent('access_list_user_added'),
    example: {
      id: '7D3B2A190E8F4C6D5B4A39281706F5E4',
      eventType: 'access_list_user_added',
      doorID: DOOR.doorId,
      deviceID: DOOR.deviceId,
      user: wirePerson(PERSON),
      ...eventTime(OCCURRED),
    },
  },
  access_list_user_removed: {
    family: 'management',
    summary: 'A person’s access to a door was taken back.',
    schema: accessListUserEvent('access_list_user_removed'),
    example: {
      id: '8E4C3B2A1F0E4D7C6B5A4938271605F4',
      eventType: 'access_list_user_removed',
      doorID: DOOR.doorId,
      deviceID: DOOR.deviceId,
      user: wirePerson(PERSON),
      ...eventTime(OCCURRED),
    },
  },
  access_list_vehicle_added: {
    family: 'management',
    summary: 'A vehicle was added to a person’s profile.',
    schema: vehicleEvent('access_list_vehicle_added'),
    example: {
      id: '9F5D4C3B2A104E8D7C6B5A4938271605',
      eventType: 'access_list_vehicle_added',
      vehicle: VEHICLE,
      user: wirePerson(PERSON),
      ...eventTime(OCCURRED),
    },
  },
  access_list_vehicle_removed: {
    family: 'management',
    summary: 'A vehicle was removed from a person’s profile.',
    schema: vehicleEvent('access_list_vehicle_removed'),
    example: {
      id: 'A06E5D4C3B2A4F9E8D7C6B5A49382716',
      eventType: 'access_list_vehicle_removed',
      vehicle: VEHICLE,
      user: wirePerson(PERSON),
      ...eventTime(OCCURRED),
    },
  },
  booking_created: {
    family: 'marketplace',
    summary: 'A booking was made and paid (to apps the renter and the owner account’s Admin authorized).',
    schema: bookingEvent('booking_created'),
    example: bookingEventPayload({
      ...BOOKING,
      deliveryId: 'C28F7E6D5C4B4A1F0E9D8C7B6A594837',
      eventType: 'booking_created',
      status: 'confirmed',
    }),
  },
  booking_cancelled: {
    family: 'marketplace',
    summary:
      'A booking was cancelled by its renter or the owner account’s Admin (refunded or not: see the order).',
    schema: bookingEvent('booking_cancelled'),
    example: bookingEventPayload({
      ...BOOKING,
      deliveryId: 'D3907F6E5D4C4B2A1F0E9D8C7B6A5948',
      eventType: 'booking_cancelled',
      status: 'cancelled',
    }),
  },
  guest_pass_created: {
    family: 'guests',
    summary:
      'A host made a guest pass (to the apps the host or the account’s Admin authorized). Its doors also get `access_list_user_added` (and `access_list_vehicle_added` with a plate).',
    schema: guestPassEvent('guest_pass_created'),
    example: guestPassPayload({
      ...GUEST_PASS,
      deliveryId: 'C28F7E6D5C4B4A1F0E9D8C7B6A594837',
      eventType: 'guest_pass_created',
    }),
  },
  guest_pass_revoked: {
    family: 'guests',
    summary:
      'A guest pass was revoked: it opens nothing from now on. Its doors get the `…_removed` events (also when a pass simply ends).',
    schema: guestPassEvent('guest_pass_revoked'),
    example: guestPassPayload({
      ...GUEST_PASS,
      deliveryId: 'D3907F6E5D4C4B2A1F0E9D8C7B6A5948',
      eventType: 'guest_pass_revoked',
    }),
  },
  ping: {
    family: 'ping',
    summary: 'A test event staff send on request (`parqex webhooks ping`), whatever the families.',
    schema: event(Type.Literal('ping'), { endpointID: Type.String({ description: 'Your endpoint’s id.' }) }),
    example: {
      id: 'B17F6E5D4C3B4A0F9E8D7C6B5A493827',
      eventType: 'ping',
      ...eventTime(OCCURRED),
      endpointID: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    },
  },
};

/** The name in `WEBHOOK_DOCS` of a real `eventType` (`door3_open` → `door_open`). */
export function webhookNameOf(eventType: string): string {
  return eventType.replace(/^door\d+_/, 'door_');
}

const HEADERS = [
  ['X-ParqEx-Api-Key', 'Your endpoint’s API key (shown once when staff registered it).'],
  ['webhook-id', 'Standard Webhooks: the delivery id (the body’s `id`).'],
  ['webhook-timestamp', 'Standard Webhooks: epoch seconds of this attempt; refuse old ones.'],
  [
    'webhook-signature',
    'Standard Webhooks: `v1,<base64 HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<raw body>")>` with your `whsec_…` secret.',
  ],
] as const;

/**
 * The `webhooks` section (OpenAPI 3.1 §4.8.1): a POST to your endpoint per event, per user who
 * authorized your application and can see what happened (spec §6).
 */
export function webhooksSection(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(WEBHOOK_DOCS).map(([name, doc]) => [
      name,
      {
        post: {
          operationId: `webhook_${name}`,
          summary: doc.summary,
          description: `Sent to endpoints subscribed to the \`${doc.family}\` events${doc.family === 'ping' ? ' (any)' : ''}. Answer any 2xx within 10 seconds; anything else is retried with backoff for about 3 days.`,
          tags: ['Webhooks'],
          parameters: HEADERS.map(([header, description]) => ({
            name: header,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: doc.schema,
                examples: { [name]: { summary: doc.summary, value: doc.example } },
              },
            },
          },
          responses: {
            '2XX': { description: 'Delivered.' },
            default: { description: 'Not delivered: retried later.' },
          },
        },
      },
    ]),
  );
}
