import { formatUtcInstant } from '../lib/time.ts';

/**
 * Webhook bodies with the documented field names (spec §6). Wire names live here only.
 */

export interface Person {
  firstName: string;
  lastName: string;
  email: string;
}

export interface DoorEventFacts {
  /** Upper-case 32-hex, unique per delivery (the docs' `id`). */
  deliveryId: string;
  /** The access-history event that moved the door (a toggle), or the sensor report itself. */
  toggleId: string;
  doorId: string;
  entityNumber: number;
  deviceId: string;
  state: 'OPEN' | 'CLOSED';
  channel: string;
  occurredAt: number;
  /** The Admin of the account that owns the door. */
  ownerUserId: string;
  /** Who asked the door to move; null when nobody did (moved by hand, reported by its sensor). */
  toggledBy: Person | null;
}

/** `2016-12-02T04:01:11Z`: agrees with `eventOccurred` (the docs' example does not; ours must). */
export function utcSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `eventOccurred` (epoch seconds) and `eventOccurredUTC`, which always agree. */
export function eventTime(ms: number) {
  return { eventOccurred: Math.floor(ms / 1000), eventOccurredUTC: utcSeconds(ms) };
}

/** A person in the docs' spelling (`userThatToggled`, `user`); blank fields for an unknown one. */
export function wirePerson(p: Person | null) {
  return { firstName: p?.firstName ?? '', lastName: p?.lastName ?? '', emailAddress: p?.email ?? '' };
}

/** The ids the docs show as 32 hex characters (ours may be dashed UUIDs). */
function compactId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** ParqEx docs, Webhooks: the door-opened example, field by field. */
export function doorEventPayload(f: DoorEventFacts) {
  return {
    id: f.deliveryId,
    eventType: `door${f.entityNumber}_${f.state === 'OPEN' ? 'open' : 'close'}`,
    toggleID: f.toggleId.toUpperCase(),
    doorID: f.doorId,
    doorState: f.state,
    channel: f.channel,
    deviceID: f.deviceId,
    ...eventTime(f.occurredAt),
    doorOwnerUserID: compactId(f.ownerUserId),
    userThatToggled: f.toggledBy ? wirePerson(f.toggledBy) : null,
  };
}

export interface AccessEventFacts {
  deliveryId: string;
  granted: boolean;
  toggleId: string;
  doorId: string;
  deviceId: string;
  requestedState: 'OPEN' | 'CLOSED';
  channel: string;
  /** Why (a stable code: done, insufficient_scope, cooldown, offline, no_sensor, unsupported, …). */
  outcome: string;
  occurredAt: number;
  person: Person;
}

/** Spec §6 decision: `access_granted` / `access_denied`, in the same top-level style. */
export function accessEventPayload(f: AccessEventFacts) {
  return {
    id: f.deliveryId,
    eventType: f.granted ? 'access_granted' : 'access_denied',
    toggleID: f.toggleId.toUpperCase(),
    doorID: f.doorId,
    deviceID: f.deviceId,
    doorState: f.requestedState,
    channel: f.channel,
    outcome: f.outcome,
    ...eventTime(f.occurredAt),
    user: wirePerson(f.person),
  };
}

/** Event families a staff member subscribes an endpoint to (`--events`). */
export const EVENT_FAMILIES = ['door', 'management', 'access', 'enforcer', 'marketplace', 'guests'] as const;
export type EventFamily = (typeof EVENT_FAMILIES)[number];

export interface BookingEventFacts {
  deliveryId: string;
  eventType: 'booking_created' | 'booking_cancelled';
  occurredAt: number;
  bookingId: string;
  listingId: string;
  propertyId: string;
  status: string;
  startsAt: number;
  endsAt: number;
  plate: string;
  renter: Person;
  total: { amount: number; currency: string };
}

/** products.md §1 webhooks: `booking_created` / `booking_cancelled`, in the documented style. */
export function bookingEventPayload(f: BookingEventFacts) {
  return {
    id: f.deliveryId,
    eventType: f.eventType,
    ...eventTime(f.occurredAt),
    bookingID: f.bookingId,
    listingID: f.listingId,
    propertyID: f.propertyId,
    status: f.status,
    startsAt: utcSeconds(f.startsAt),
    endsAt: utcSeconds(f.endsAt),
    plate: f.plate,
    renter: wirePerson(f.renter),
    total: { amount: f.total.amount, currency: f.total.currency },
  };
}

// GuestParq (products.md §2) -----------------------------------------------------------------

/** A guest pass as its webhooks tell it (`guest_pass_created`, `guest_pass_revoked`). */
export interface GuestPassFacts {
  deliveryId: string;
  eventType: 'guest_pass_created' | 'guest_pass_revoked';
  passId: string;
  hostUserId: string;
  guest: { firstName: string; lastName: string };
  /** As typed; null when the pass has none. */
  plate: string | null;
  doorIds: readonly string[];
  startsAt: number;
  endsAt: number;
  /** The host's booking transferred to the guest; null when none. */
  bookingId: string | null;
  occurredAt: number;
}

/** products.md §2: `guestPassID`, `hostUserID`, `guest`, `plate`, `doorIDs`, `startsAtUTC`, `endsAtUTC`. */
export function guestPassPayload(f: GuestPassFacts) {
  return {
    id: f.deliveryId,
    eventType: f.eventType,
    guestPassID: f.passId,
    hostUserID: compactId(f.hostUserId),
    guest: { firstName: f.guest.firstName, lastName: f.guest.lastName },
    plate: f.plate,
    doorIDs: [...f.doorIds],
    startsAtUTC: formatUtcInstant(f.startsAt),
    endsAtUTC: formatUtcInstant(f.endsAt),
    bookingID: f.bookingId,
    ...eventTime(f.occurredAt),
  };
}

/**
 * A guest pass adding its guest (a person without an account) or its plate to a door's access list,
 * or taking them off at its end, as the documented management events: `user` is the guest (their
 * email when the host gave one), `vehicle` the plate alone (`id` null: no profile vehicle), and
 * `guestPassID` says which pass.
 */
export function guestAccessListPayload(f: {
  deliveryId: string;
  eventType:
    | 'access_list_user_added'
    | 'access_list_user_removed'
    | 'access_list_vehicle_added'
    | 'access_list_vehicle_removed';
  doorId: string;
  deviceId: string;
  guest: { firstName: string; lastName: string; email: string | null };
  plate: string | null;
  passId: string;
  occurredAt: number;
}) {
  const user = wirePerson({
    firstName: f.guest.firstName,
    lastName: f.guest.lastName,
    email: f.guest.email ?? '',
  });
  const vehicle =
    f.eventType === 'access_list_vehicle_added' || f.eventType === 'access_list_vehicle_removed'
      ? { vehicle: { id: null, plate: f.plate, region: null, make: null, model: null, color: null } }
      : {};
  return {
    id: f.deliveryId,
    eventType: f.eventType,
    doorID: f.doorId,
    deviceID: f.deviceId,
    ...vehicle,
    user,
    guestPassID: f.passId,
    ...eventTime(f.occurredAt),
  };
}
