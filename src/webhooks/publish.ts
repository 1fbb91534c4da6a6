import type { DbOrTrx } from '../storage/schema.ts';
import { type DoorHolders, enqueueForDoor, enqueueForPerson } from './outbox.ts';
import {
  accessEventPayload,
  bookingEventPayload,
  doorEventPayload,
  eventTime,
  type Person,
  wirePerson,
} from './payloads.ts';

async function person(trx: DbOrTrx, userId: string | null): Promise<Person | null> {
  if (userId === null) return null;
  const row = await trx
    .selectFrom('users')
    .select(['first_name', 'last_name', 'email'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ? { firstName: row.first_name, lastName: row.last_name, email: row.email } : null;
}

async function accountAdmin(trx: DbOrTrx, accountId: string): Promise<string> {
  const row = await trx
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .executeTakeFirst();
  return row?.id ?? '';
}

/** A toggle attempt as an `access_granted` / `access_denied` event (spec §6), in the caller's transaction. */
export async function publishAccessAttempt(
  trx: DbOrTrx,
  attempt: {
    eventId: string;
    doorId: string;
    deviceId: string;
    accountId: string;
    /** The person who asked; null for a guest's link or a plate read by a camera. */
    userId: string | null;
    channel: string;
    requestedState: 'OPEN' | 'CLOSED';
    outcome: string;
    occurredAt: number;
  },
  holders: DoorHolders,
): Promise<void> {
  const granted = attempt.outcome === 'done';
  let who: Person | null | undefined;
  await enqueueForDoor(
    trx,
    'access',
    { doorId: attempt.doorId, accountId: attempt.accountId, holders },
    granted ? 'access_granted' : 'access_denied',
    attempt.occurredAt,
    async (deliveryId) => {
      who ??= await person(trx, attempt.userId);
      return accessEventPayload({
        deliveryId,
        granted,
        toggleId: attempt.eventId,
        doorId: attempt.doorId,
        deviceId: attempt.deviceId,
        requestedState: attempt.requestedState,
        channel: attempt.channel,
        outcome: attempt.outcome,
        occurredAt: attempt.occurredAt,
        person: who ?? { firstName: '', lastName: '', email: '' },
      });
    },
  );
}

/**
 * A door that changed state, as reported by its sensor, as the documented `door<N>_open|close`
 * event: attributed to the toggle that set it moving (its channel and person), or to the sensor
 * alone when nobody did.
 */
export async function publishDoorChange(
  trx: DbOrTrx,
  change: {
    sensorEventId: string;
    doorId: string;
    entityNumber: number;
    deviceId: string;
    accountId: string;
    state: 'OPEN' | 'CLOSED';
    occurredAt: number;
    cause: { eventId: string; channel: string; userId: string | null } | null;
  },
  holders: DoorHolders,
): Promise<void> {
  let facts: { owner: string; toggledBy: Person | null } | undefined;
  await enqueueForDoor(
    trx,
    'door',
    { doorId: change.doorId, accountId: change.accountId, holders },
    `door${change.entityNumber}_${change.state === 'OPEN' ? 'open' : 'close'}`,
    change.occurredAt,
    async (deliveryId) => {
      facts ??= {
        owner: await accountAdmin(trx, change.accountId),
        toggledBy: await person(trx, change.cause?.userId ?? null),
      };
      return doorEventPayload({
        deliveryId,
        toggleId: change.cause?.eventId ?? change.sensorEventId,
        doorId: change.doorId,
        entityNumber: change.entityNumber,
        deviceId: change.deviceId,
        state: change.state,
        channel: change.cause?.channel ?? 'Door Sensor',
        occurredAt: change.occurredAt,
        ownerUserId: facts.owner,
        toggledBy: facts.toggledBy,
      });
    },
  );
}

/**
 * A person added to or removed from a door's access list (spec §6 management events:
 * `access_list_user_added` / `access_list_user_removed`), for the users who can see the door.
 */
export async function publishAccessListChange(
  trx: DbOrTrx,
  change: { doorId: string; userId: string; added: boolean; occurredAt: number },
  holders: DoorHolders,
): Promise<void> {
  const door = await trx
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select(['d.id', 'v.id as device_id', 'v.account_id'])
    .where('d.id', '=', change.doorId)
    .executeTakeFirst();
  if (!door) return;
  const eventType = change.added ? 'access_list_user_added' : 'access_list_user_removed';
  let who: Person | null | undefined;
  await enqueueForDoor(
    trx,
    'management',
    { doorId: door.id, accountId: door.account_id, holders },
    eventType,
    change.occurredAt,
    async (deliveryId) => {
      who ??= await person(trx, change.userId);
      return {
        id: deliveryId,
        eventType,
        doorID: door.id,
        deviceID: door.device_id,
        user: wirePerson(who ?? null),
        ...eventTime(change.occurredAt),
      };
    },
  );
}

export interface VehicleFacts {
  id: string;
  plate: string;
  region: string | null;
  make: string | null;
  model: string | null;
  color: string | null;
}

/**
 * A vehicle added to or removed from a person's profile (spec §6 management events:
 * `access_list_vehicle_added` / `access_list_vehicle_removed`), for that person's applications.
 */
export async function publishVehicleChange(
  trx: DbOrTrx,
  change: { userId: string; vehicle: VehicleFacts; added: boolean; occurredAt: number },
): Promise<void> {
  const eventType = change.added ? 'access_list_vehicle_added' : 'access_list_vehicle_removed';
  let who: Person | null | undefined;
  await enqueueForPerson(
    trx,
    'management',
    change.userId,
    eventType,
    change.occurredAt,
    async (deliveryId) => {
      who ??= await person(trx, change.userId);
      const v = change.vehicle;
      return {
        id: deliveryId,
        eventType,
        vehicle: { id: v.id, plate: v.plate, region: v.region, make: v.make, model: v.model, color: v.color },
        user: wirePerson(who ?? null),
        ...eventTime(change.occurredAt),
      };
    },
  );
}

/**
 * A booking made or cancelled (products.md §1 webhooks), in the caller's transaction: one event to
 * the apps the renter authorized and one to those the owner account's Admin authorized (once when
 * the renter is that Admin). Family `marketplace`.
 */
export async function publishBookingEvent(
  trx: DbOrTrx,
  booking: {
    eventType: 'booking_created' | 'booking_cancelled';
    occurredAt: number;
    bookingId: string;
    listingId: string;
    propertyId: string;
    accountId: string;
    userId: string;
    status: string;
    startsAt: number;
    endsAt: number;
    plate: string;
    total: { amount: number; currency: string };
  },
): Promise<number> {
  const renter = (await person(trx, booking.userId)) ?? { firstName: '', lastName: '', email: '' };
  const admin = await accountAdmin(trx, booking.accountId);
  const recipients = [...new Set([booking.userId, admin].filter((id) => id !== ''))];
  let count = 0;
  for (const userId of recipients) {
    count += await enqueueForPerson(
      trx,
      'marketplace',
      userId,
      booking.eventType,
      booking.occurredAt,
      (deliveryId) => bookingEventPayload({ deliveryId, renter, ...booking }),
    );
  }
  return count;
}
