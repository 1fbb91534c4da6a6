import type { Selectable } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Relationship } from './actor.ts';

export type DoorRow = Selectable<Database['doors']>;
export type DeviceRow = Selectable<Database['devices']>;

/** A door as one person sees it: the door, its controller, the name they see and why they see it. */
export interface VisibleDoor {
  door: DoorRow;
  device: DeviceRow;
  /** The name this person gave the door, else the owner's. */
  name: string;
  relationship: Relationship;
}
