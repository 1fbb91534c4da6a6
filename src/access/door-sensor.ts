import type { DbOrTrx } from '../storage/schema.ts';
import { publishDoorChange } from '../webhooks/publish.ts';
import { recordAccessEvent, SENSOR_CHANNEL } from './access-events.ts';
import { doorHolders } from './grants.ts';

/** The door columns of a door at rest: no motion in progress, nothing to attribute. */
export const AT_REST = {
  moving_to: null,
  arrives_at: null,
  moving_event_id: null,
  moving_channel: null,
  moving_user_id: null,
} as const;

/**
 * A door's sensor reports a new state (the caller has just written it to the door): the change goes
 * to the access history with the channel `Door Sensor`, and out as the documented door event —
 * attributed to the toggle that set the door moving, or to nobody when it was moved by hand.
 */
export async function reportSensorChange(
  trx: DbOrTrx,
  change: {
    door: { id: string; entityNumber: number; deviceId: string; accountId: string };
    state: 'OPEN' | 'CLOSED';
    occurredAt: number;
    cause: { eventId: string; channel: string; userId: string | null } | null;
  },
): Promise<void> {
  const { door, state, occurredAt } = change;
  const sensorEventId = await recordAccessEvent(trx, {
    accountId: door.accountId,
    deviceId: door.deviceId,
    doorId: door.id,
    userId: null,
    actorKind: 'sensor',
    clientId: null,
    channel: SENSOR_CHANNEL,
    doorState: state,
    outcome: 'sensor',
    occurredAt,
  });
  await publishDoorChange(
    trx,
    {
      sensorEventId,
      doorId: door.id,
      entityNumber: door.entityNumber,
      deviceId: door.deviceId,
      accountId: door.accountId,
      state,
      occurredAt,
      cause: change.cause,
    },
    doorHolders,
  );
}
