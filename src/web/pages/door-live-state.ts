import type { DoorState } from '../../access/toggle.ts';
import type { VisibleDoor } from '../../access/visible-doors.ts';
import { formatLocal } from '../../lib/time.ts';

/**
 * A door in motion whose sensor has not reported this long after it should have arrived is no
 * longer treated as moving: its buttons come back (the person may try again).
 */
export const OVERDUE_ARRIVAL_MS = 10_000;

/** What a door card shows of a door right now: the page renders it, `/doors/state` sends it. */
export interface DoorLiveState {
  id: string;
  state: DoorState;
  /** The state a simulated door is travelling to, until its sensor reports it. */
  movingTo: DoorState | null;
  /** In motion and not overdue: the card's buttons are disabled and the page polls quickly. */
  isMoving: boolean;
  /** `Open`, `Closed`, `Opening…` or `Closing…`. */
  label: string;
  isOnline: boolean;
  /** `Never used` or `Last used YYYY-MM-DD HH:MM:SS` in the person's time zone. */
  lastUsed: string;
}

/** The live state of a door as a person sees it at `now`. */
export function doorLiveState(view: VisibleDoor, now: number, timeZone: string): DoorLiveState {
  const { door, device } = view;
  const movingTo = door.moving_to;
  const label =
    movingTo === null
      ? door.state === 'OPEN'
        ? 'Open'
        : 'Closed'
      : movingTo === 'OPEN'
        ? 'Opening…'
        : 'Closing…';
  return {
    id: door.id,
    state: door.state,
    movingTo,
    isMoving: movingTo !== null && (door.arrives_at === null || now < door.arrives_at + OVERDUE_ARRIVAL_MS),
    label,
    isOnline: device.is_online === 1,
    lastUsed:
      door.last_toggled === null ? 'Never used' : `Last used ${formatLocal(door.last_toggled, timeZone)}`,
  };
}
