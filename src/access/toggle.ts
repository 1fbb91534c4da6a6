import type { Scope } from '../oauth/scopes.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { publishAccessAttempt } from '../webhooks/publish.ts';
import { type AttemptOutcome, recordAccessEvent } from './access-events.ts';
import type { Actor } from './actor.ts';
import type { ControllerPort } from './controllers/controller-port.ts';
import { findVisibleDoor } from './visible-doors.ts';

export type DoorState = 'OPEN' | 'CLOSED';

/** A door this person cannot see (or, for applications, one not opted in to API control). */
export class DoorNotFound extends Error {
  readonly code = 'door_not_found';
  constructor(doorId: string) {
    super(`door ${doorId} not found`);
    this.name = 'DoorNotFound';
  }
}

export interface ToggleActor extends Actor {
  /** The history's channel: the application's name, or `ParqEx Web`. */
  channel: string;
  clientId: string | null;
  /** An application's granted scopes; undefined for the person themself on a ParqEx page. */
  scopes: readonly Scope[] | undefined;
}

export type ToggleResult =
  | { outcome: 'done'; eventId: string }
  | { outcome: 'insufficient_scope'; scope: Scope }
  | { outcome: 'cooldown'; retryAfterS: number }
  | { outcome: 'offline' | 'no_sensor' | 'unsupported' | 'unauthorized' };

export interface ToggleDeps {
  db: Db;
  controller: ControllerPort;
  /** Minimum seconds between two toggles of one door; 0 = off. */
  cooldownS: number;
  /** Called after an accepted command whose door should already have arrived (zero travel time). */
  afterAccepted?: (now: number) => Promise<unknown>;
}

/** ParqEx docs, Toggle Access Point: `OPEN` needs OPENDOOR, `CLOSED` needs CLOSEDOOR. */
export function scopeFor(state: DoorState): Scope {
  return state === 'OPEN' ? 'OPENDOOR' : 'CLOSEDOOR';
}

/**
 * Asks a door to reach `state`. Permission and scope first, then the per-door cooldown (claimed by a
 * conditional UPDATE, so of many simultaneous toggles one proceeds), then the controller. Every
 * attempt the person may know about — done, refused or failed — is written to the access history,
 * together with the door's change, in one transaction.
 */
export async function toggleDoor(
  deps: ToggleDeps,
  actor: ToggleActor,
  request: { doorId: string; state: DoorState },
  options: { apiOnly: boolean; now: number },
): Promise<ToggleResult> {
  const { db } = deps;
  const { now } = options;
  const visible = await findVisibleDoor(db, actor, request.doorId, { apiOnly: options.apiOnly });
  if (!visible) throw new DoorNotFound(request.doorId);
  const { door, device } = visible;
  // Every attempt goes to the history and, as an access event, to the webhook outbox: together.
  const record = async (outcome: AttemptOutcome, trx: DbOrTrx): Promise<string> => {
    const eventId = await recordAccessEvent(trx, {
      accountId: device.account_id,
      deviceId: device.id,
      doorId: door.id,
      userId: actor.userId,
      clientId: actor.clientId,
      channel: actor.channel,
      doorState: request.state,
      outcome,
      occurredAt: now,
    });
    await publishAccessAttempt(trx, {
      eventId,
      doorId: door.id,
      deviceId: device.id,
      accountId: device.account_id,
      userId: actor.userId,
      channel: actor.channel,
      requestedState: request.state,
      outcome,
      occurredAt: now,
    });
    return eventId;
  };
  const recordAlone = (outcome: AttemptOutcome) => db.transaction().execute((trx) => record(outcome, trx));

  const scope = scopeFor(request.state);
  if (actor.scopes !== undefined && !actor.scopes.includes(scope)) {
    await recordAlone('insufficient_scope');
    return { outcome: 'insufficient_scope', scope };
  }

  let claimedUntil: number | null = null;
  if (deps.cooldownS > 0) {
    claimedUntil = now + deps.cooldownS * 1000;
    const claim = await db
      .updateTable('doors')
      .set({ cooldown_until: claimedUntil })
      .where('id', '=', door.id)
      .where((eb) => eb.or([eb('cooldown_until', 'is', null), eb('cooldown_until', '<=', now)]))
      .executeTakeFirst();
    if (claim.numUpdatedRows !== 1n) {
      const current = await db
        .selectFrom('doors')
        .select('cooldown_until')
        .where('id', '=', door.id)
        .executeTakeFirst();
      await recordAlone('cooldown');
      const until = current?.cooldown_until ?? claimedUntil;
      // A request that started just before the winner's sees a little more than the cooldown left.
      const retryAfterS = Math.min(deps.cooldownS, Math.max(1, Math.ceil((until - now) / 1000)));
      return { outcome: 'cooldown', retryAfterS };
    }
  }

  const action = request.state === 'OPEN' ? 'open' : 'close';
  const answer = await deps.controller.command(
    { deviceId: device.id, doorId: door.id, entityNumber: door.entity_number },
    action,
    now,
  );
  if (!answer.ok) {
    await db.transaction().execute(async (trx) => {
      await record(answer.reason, trx);
      // A command that did not reach the door does not hold the door's cooldown.
      if (claimedUntil !== null) {
        await trx
          .updateTable('doors')
          .set({ cooldown_until: null })
          .where('id', '=', door.id)
          .where('cooldown_until', '=', claimedUntil)
          .execute();
      }
    });
    return { outcome: answer.reason };
  }

  const eventId = await db.transaction().execute(async (trx) => {
    const id = await record('done', trx);
    // Asking an open door to open is accepted and changes nothing (spec §5.4).
    const moves = answer.reportAt !== undefined && (door.moving_to ?? door.state) !== request.state;
    await trx
      .updateTable('doors')
      .set({
        last_toggled: now,
        ...(moves
          ? {
              moving_to: request.state,
              arrives_at: answer.reportAt,
              moving_event_id: id,
              moving_channel: actor.channel,
              moving_user_id: actor.userId,
            }
          : {}),
      })
      .where('id', '=', door.id)
      .execute();
    return id;
  });
  if (answer.reportAt !== undefined && answer.reportAt <= now) await deps.afterAccepted?.(now);
  return { outcome: 'done', eventId };
}
