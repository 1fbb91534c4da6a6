import { hexId } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import type { ActorKind } from './actor.ts';

/** The channel of a change reported by the door's own sensor (spec §5.4). */
export const SENSOR_CHANNEL = 'Door Sensor';
/** The channel of the ParqEx account pages. */
export const WEB_CHANNEL = 'ParqEx Web';

/** Why an attempt ended as it did: stable codes, also used by webhooks and metrics. */
export type AttemptOutcome =
  | 'done'
  | 'sensor'
  | 'insufficient_scope'
  | 'cooldown'
  | 'offline'
  | 'no_sensor'
  | 'unsupported'
  | 'unauthorized';

export interface AccessEvent {
  accountId: string;
  deviceId: string;
  doorId: string;
  /** The person who acted; null for a guest, a plate or the door's sensor. */
  userId: string | null;
  /** Who acted; absent: a person when `userId` is set, else the door's sensor. */
  actorKind?: ActorKind;
  /** A guest's name or the plate as read; null for a person or the sensor. */
  actorLabel?: string | null;
  clientId: string | null;
  channel: string;
  doorState: 'OPEN' | 'CLOSED';
  outcome: AttemptOutcome;
  occurredAt: number;
}

/** Appends one entry to the access history (within the caller's transaction). Returns its id. */
export async function recordAccessEvent(db: DbOrTrx, event: AccessEvent): Promise<string> {
  const id = hexId();
  await db
    .insertInto('access_events')
    .values({
      id,
      account_id: event.accountId,
      device_id: event.deviceId,
      door_id: event.doorId,
      user_id: event.userId,
      actor_kind: event.actorKind ?? (event.userId === null ? 'sensor' : 'person'),
      actor_label: event.actorLabel ?? null,
      client_id: event.clientId,
      channel: event.channel,
      door_state: event.doorState,
      was_success: event.outcome === 'done' || event.outcome === 'sensor' ? 1 : 0,
      outcome: event.outcome,
      occurred_at: event.occurredAt,
    })
    .execute();
  return id;
}
