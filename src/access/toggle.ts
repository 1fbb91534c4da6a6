import type { Scope } from '../oauth/scopes.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { publishAccessAttempt } from '../webhooks/publish.ts';
import { type AttemptOutcome, recordAccessEvent } from './access-events.ts';
import type { DoorOpener } from './actor.ts';
import type { ControllerPort } from './controllers/controller-port.ts';
import type { DoorCooldowns } from './door-cooldowns.ts';
import { DoorNotFound } from './errors.ts';
import { doorHolders } from './grants.ts';
import { findOpenableDoor } from './visible-doors.ts';

export type DoorState = 'OPEN' | 'CLOSED';

/** Who toggles: a person (themself or through an application), a guest's link, or a plate. */
export type ToggleActor = DoorOpener;

export type ToggleResult =
  | { outcome: 'done'; eventId: string }
  | { outcome: 'insufficient_scope'; scope: Scope }
  | { outcome: 'cooldown'; retryAfterS: number }
  | { outcome: 'offline' | 'no_sensor' | 'unsupported' | 'unauthorized' };

export interface ToggleDeps {
  db: Db;
  controller: ControllerPort;
  /** The per-door cooldown; undefined when `PARQEX_TOGGLE_COOLDOWN_S` is 0 (off). */
  cooldowns: DoorCooldowns | undefined;
  /** Called after an accepted command whose door should already have arrived (zero travel time). */
  afterAccepted?: (now: number) => Promise<unknown>;
}

/** ParqEx docs, Toggle Access Point: `OPEN` needs OPENDOOR, `CLOSED` needs CLOSEDOOR. */
export function scopeFor(state: DoorState): Scope {
  return state === 'OPEN' ? 'OPENDOOR' : 'CLOSEDOOR';
}

/**
 * Asks a door to reach `state`. Permission (the door's Owner, or a grant in force at `now`: a
 * person's, a guest pass's, a plate's) and scope first, then the per-door cooldown (of many
 * simultaneous toggles one claims it), then the controller. Every
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
  const visible = await findOpenableDoor(db, actor, request.doorId, { apiOnly: options.apiOnly, at: now });
  if (!visible) throw new DoorNotFound(request.doorId);
  const { door, device } = visible;
  const person = actor.kind === 'guest' || actor.kind === 'plate' ? undefined : actor;
  const who = {
    userId: person?.userId ?? null,
    actorKind: actor.kind ?? 'person',
    actorLabel: actor.kind === 'guest' ? actor.label : actor.kind === 'plate' ? actor.plate : null,
  } as const;
  // Every attempt goes to the history and, as an access event, to the webhook outbox: together.
  const record = async (outcome: AttemptOutcome, trx: DbOrTrx): Promise<string> => {
    const eventId = await recordAccessEvent(trx, {
      accountId: device.account_id,
      deviceId: device.id,
      doorId: door.id,
      ...who,
      clientId: person?.clientId ?? null,
      channel: actor.channel,
      doorState: request.state,
      outcome,
      occurredAt: now,
    });
    await publishAccessAttempt(
      trx,
      {
        eventId,
        doorId: door.id,
        deviceId: device.id,
        accountId: device.account_id,
        userId: who.userId,
        channel: actor.channel,
        requestedState: request.state,
        outcome,
        occurredAt: now,
      },
      doorHolders,
    );
    return eventId;
  };
  const recordAlone = (outcome: AttemptOutcome) => db.transaction().execute((trx) => record(outcome, trx));

  const scope = scopeFor(request.state);
  if (person?.scopes !== undefined && !person.scopes.includes(scope)) {
    await recordAlone('insufficient_scope');
    return { outcome: 'insufficient_scope', scope };
  }

  let claimedUntil: number | null = null;
  if (deps.cooldowns) {
    const claim = await deps.cooldowns.claim(door.id, now);
    if (!claim.claimed) {
      await recordAlone('cooldown');
      return { outcome: 'cooldown', retryAfterS: claim.retryAfterS };
    }
    claimedUntil = claim.until;
  }

  const action = request.state === 'OPEN' ? 'open' : 'close';
  const answer = await deps.controller.command(
    { deviceId: device.id, doorId: door.id, entityNumber: door.entity_number },
    action,
    now,
  );
  if (!answer.ok) {
    // A command that did not reach the door does not hold the door's cooldown.
    if (claimedUntil !== null) await deps.cooldowns?.release(door.id, claimedUntil);
    await recordAlone(answer.reason);
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
              moving_user_id: who.userId,
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
