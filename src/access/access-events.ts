import { hexId } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';

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
  userId: string | null;
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
