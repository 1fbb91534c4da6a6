import { randomBytes } from 'node:crypto';
import type { DbOrTrx } from '../storage/schema.ts';
import type { EventFamily } from './payloads.ts';

let lastSeq = 0;
/**
 * Increasing within this process (and roughly across processes: it starts from the clock), so two
 * events of one millisecond are sent in the order they happened (spec: order follows event time).
 */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

/** A new delivery id: upper-case 32-hex (the docs' `id`), also the `webhook-id` header. */
export function newDeliveryId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** Where an event about a door may go: the door, and the account that owns it. */
export interface DoorResource {
  doorId: string;
  accountId: string;
  /**
   * The people who hold access to the door when the event happened, besides its account's Admin:
   * access's one visibility rule answers (`doorHolders`), asked only when an endpoint listens.
   */
  holders: DoorHolders;
}

/** Who holds a grant to a door in force at an instant (user ids), in the caller's transaction. */
export type DoorHolders = (trx: DbOrTrx, doorId: string, at: number) => Promise<readonly string[]>;

/**
 * Fan-out (spec §6): one delivery per event per endpoint subscribed to the family, per user who
 * authorized that endpoint's application (a consent not revoked) and can see the door through it
 * (its account's Admin, or given access; and the door opted in to applications). Written with the
 * caller's transaction, so the event exists exactly when the change does. `payloadFor` builds the
 * body of each delivery (each has its own id).
 */
export async function enqueueForDoor(
  trx: DbOrTrx,
  family: EventFamily,
  resource: DoorResource,
  eventType: string,
  occurredAt: number,
  payloadFor: (deliveryId: string) => object | Promise<object>,
): Promise<number> {
  const endpoints = await subscribedEndpoints(trx, family);
  if (endpoints.length === 0) return 0;

  const holders = await resource.holders(trx, resource.doorId, occurredAt);
  const recipients = await trx
    .selectFrom('consents as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('doors as d', (j) => j.on('d.id', '=', resource.doorId))
    .select(['c.client_id', 'u.id as user_id'])
    .where(
      'c.client_id',
      'in',
      endpoints.map((e) => e.client_id),
    )
    .where('c.revoked_at', 'is', null)
    .where('d.is_api_enabled', '=', 1)
    .where((eb) =>
      eb.or([
        eb.and([eb('u.role', '=', 'admin'), eb('u.account_id', '=', resource.accountId)]),
        // Those holding a grant to the door in force when it happened (the one visibility rule).
        ...(holders.length > 0 ? [eb('u.id', 'in', holders)] : []),
      ]),
    )
    .execute();
  return insertDeliveries(trx, endpoints, recipients, eventType, occurredAt, payloadFor);
}

/**
 * Fan-out of an event about one person's own things (their vehicles): one delivery per endpoint
 * subscribed to the family, when that person authorized the endpoint's application — and, given
 * `requiredScope`, only when that consent includes the scope (guest passes need `GUESTS`).
 */
export async function enqueueForPerson(
  trx: DbOrTrx,
  family: EventFamily,
  userId: string,
  eventType: string,
  occurredAt: number,
  payloadFor: (deliveryId: string) => object | Promise<object>,
  requiredScope?: string,
): Promise<number> {
  const endpoints = await subscribedEndpoints(trx, family);
  if (endpoints.length === 0) return 0;
  const recipients = await trx
    .selectFrom('consents as c')
    .select(['c.client_id', 'c.user_id', 'c.scopes'])
    .where('c.user_id', '=', userId)
    .where(
      'c.client_id',
      'in',
      endpoints.map((e) => e.client_id),
    )
    .where('c.revoked_at', 'is', null)
    .execute();
  const allowed =
    requiredScope === undefined
      ? recipients
      : recipients.filter((r) => r.scopes.split(/[\s,]+/).includes(requiredScope));
  return insertDeliveries(trx, endpoints, allowed, eventType, occurredAt, payloadFor);
}

async function subscribedEndpoints(trx: DbOrTrx, family: EventFamily) {
  return (
    await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'client_id', 'event_families'])
      .where('disabled_at', 'is', null)
      .execute()
  ).filter((e) => e.event_families.split(',').includes(family));
}

async function insertDeliveries(
  trx: DbOrTrx,
  endpoints: { id: string; client_id: string }[],
  recipients: { client_id: string; user_id: string }[],
  eventType: string,
  occurredAt: number,
  payloadFor: (deliveryId: string) => object | Promise<object>,
): Promise<number> {
  let count = 0;
  for (const endpoint of endpoints) {
    for (const recipient of recipients.filter((r) => r.client_id === endpoint.client_id)) {
      const id = newDeliveryId();
      await trx
        .insertInto('webhook_deliveries')
        .values({
          id,
          endpoint_id: endpoint.id,
          user_id: recipient.user_id,
          event_type: eventType,
          payload: JSON.stringify(await payloadFor(id)),
          event_at: occurredAt,
          seq: nextSeq(),
          status: 'pending',
          next_attempt_at: occurredAt,
          locked_until: null,
          last_status: null,
          last_error: null,
          delivered_at: null,
          created_at: occurredAt,
        })
        .execute();
      count++;
    }
  }
  return count;
}
