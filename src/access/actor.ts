import type { Scope } from '../oauth/scopes.ts';
import type { GrantSource } from './grants.ts';

/** A person who acts on doors: signed in on a page, or an application on their behalf. */
export interface Actor {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
}

/** Spec §5.3: `Owner` for the Admin of the account that owns the device, else `Has Access`. */
export type Relationship = 'Owner' | 'Has Access';

/**
 * Who opens a door, and through which channel (the access history's `channel`):
 * - a person (`kind` absent or `person`), themself on a page or through an application;
 * - a guest holding a link, who has no account: the grant of `source`/`sourceId` (their pass) is
 *   what lets them in, `label` (their name) is what the history shows;
 * - a plate read by a camera at the door: a plate grant matching it lets it in.
 */
export type DoorOpener = PersonOpener | GuestOpener | PlateOpener;

export interface PersonOpener extends Actor {
  kind?: 'person';
  /** The application's name, or `ParqEx Web`. */
  channel: string;
  clientId: string | null;
  /** An application's granted scopes; undefined for the person themself on a ParqEx page. */
  scopes: readonly Scope[] | undefined;
}

export interface GuestOpener {
  kind: 'guest';
  channel: string;
  /** The guest's name, as the history shows it. */
  label: string;
  grant: { source: GrantSource; sourceId: string };
}

export interface PlateOpener {
  kind: 'plate';
  channel: string;
  /** The plate as read. */
  plate: string;
}

/** What the access history records of who acted (a person's id, or a guest's name or a plate). */
export type ActorKind = 'person' | 'guest' | 'plate' | 'sensor';
