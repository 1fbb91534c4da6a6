import { doorHolders } from '../access/grants.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { enqueueForDoor, enqueueForPerson } from '../webhooks/outbox.ts';
import { guestAccessListPayload, guestPassPayload } from '../webhooks/payloads.ts';

/**
 * A pass's webhooks, in the caller's transaction (the outbox fans out with it: the events exist
 * exactly when the change does):
 * - `guest_pass_created` / `guest_pass_revoked` (family `guests`) to the applications the host or the
 *   account's Admin authorized with `GUESTS` (once when they are the same person);
 * - per door, the documented management events (family `management`) to whoever may see the door:
 *   `access_list_user_added` for the guest (and `access_list_vehicle_added` for a plate) when the
 *   pass is made, `…_removed` when it ends (revoked, or its window closed: see `endDuePasses`).
 */

export interface PassFacts {
  id: string;
  accountId: string;
  hostUserId: string;
  guest: { firstName: string; lastName: string; email: string | null };
  plate: string | null;
  doorIds: readonly string[];
  startsAt: number;
  endsAt: number;
  bookingId: string | null;
}

async function accountAdmins(trx: DbOrTrx, accountId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('users')
    .select('id')
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .execute();
  return rows.map((r) => r.id);
}

export async function publishGuestPass(
  trx: DbOrTrx,
  eventType: 'guest_pass_created' | 'guest_pass_revoked',
  pass: PassFacts,
  occurredAt: number,
): Promise<void> {
  const people = [...new Set([pass.hostUserId, ...(await accountAdmins(trx, pass.accountId))])];
  for (const userId of people) {
    await enqueueForPerson(
      trx,
      'guests',
      userId,
      eventType,
      occurredAt,
      (deliveryId) =>
        guestPassPayload({
          deliveryId,
          eventType,
          passId: pass.id,
          hostUserId: pass.hostUserId,
          guest: { firstName: pass.guest.firstName, lastName: pass.guest.lastName },
          plate: pass.plate,
          doorIds: pass.doorIds,
          startsAt: pass.startsAt,
          endsAt: pass.endsAt,
          bookingId: pass.bookingId,
          occurredAt,
        }),
      // Only apps the person let manage guests (products.md §0): an OPENDOOR-only app hears nothing.
      'GUESTS',
    );
  }
}

/** The management events of a pass's doors: `added` when made, else `removed` at its end. */
export async function publishGuestAccessList(
  trx: DbOrTrx,
  pass: PassFacts,
  added: boolean,
  occurredAt: number,
): Promise<void> {
  if (pass.doorIds.length === 0) return;
  const doors = await trx
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select(['d.id', 'v.id as device_id', 'v.account_id'])
    .where('d.id', 'in', [...pass.doorIds])
    .execute();
  const byId = new Map(doors.map((d) => [d.id, d]));
  const kinds = pass.plate === null ? (['user'] as const) : (['user', 'vehicle'] as const);
  for (const doorId of pass.doorIds) {
    const door = byId.get(doorId);
    if (!door) continue;
    for (const kind of kinds) {
      const eventType = `access_list_${kind}_${added ? 'added' : 'removed'}` as const;
      await enqueueForDoor(
        trx,
        'management',
        { doorId: door.id, accountId: door.account_id, holders: doorHolders },
        eventType,
        occurredAt,
        (deliveryId) =>
          guestAccessListPayload({
            deliveryId,
            eventType,
            doorId: door.id,
            deviceId: door.device_id,
            guest: pass.guest,
            plate: pass.plate,
            passId: pass.id,
            occurredAt,
          }),
      );
    }
  }
}
