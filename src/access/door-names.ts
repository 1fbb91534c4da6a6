import type { DbOrTrx } from '../storage/schema.ts';
import type { Actor } from './actor.ts';
import { DoorNameInputError, DoorNotFound } from './errors.ts';
import { findVisibleDoor } from './visible-doors.ts';

/** The longest name a person may give a door. */
export const MAX_DOOR_NAME_LENGTH = 60;

/**
 * Spec §5.3: a door's `name` is per user. Sets this person's own name for a door they can see; an
 * empty name removes it, so they see the owner's name again. Nobody else's view changes.
 */
export async function renameDoor(
  db: DbOrTrx,
  actor: Actor,
  doorId: string,
  rawName: string,
  now: number,
): Promise<void> {
  const visible = await findVisibleDoor(db, actor, doorId, { apiOnly: false, at: now });
  if (!visible) throw new DoorNotFound(doorId);
  const name = rawName.trim().replace(/\s+/g, ' ');
  if (name.length > MAX_DOOR_NAME_LENGTH) {
    throw new DoorNameInputError(`A door name is at most ${MAX_DOOR_NAME_LENGTH} characters.`);
  }
  if (name === '') {
    await db
      .deleteFrom('door_names')
      .where('door_id', '=', doorId)
      .where('user_id', '=', actor.userId)
      .execute();
    return;
  }
  await db
    .insertInto('door_names')
    .values({ door_id: doorId, user_id: actor.userId, name })
    .onConflict((oc) => oc.columns(['door_id', 'user_id']).doUpdateSet({ name }))
    .execute();
}
