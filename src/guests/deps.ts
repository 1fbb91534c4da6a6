import type { ToggleDeps } from '../access/toggle.ts';
import type { Db, Dialect } from '../storage/schema.ts';

/**
 * What GuestParq's services need; the composition root's `AppContext` satisfies it as it is
 * (`db`, `dialect`, `toggleDeps`).
 */
export interface GuestDeps {
  db: Db;
  /** PostgreSQL takes a row lock on the account while a pass is checked against the policy. */
  dialect: Dialect;
  /** A guest link opens a door through the one toggle service (cooldown, history, webhooks). */
  toggleDeps: ToggleDeps;
}

/** The guest page of a link: `<publicUrl>/g/<token>`. */
export function guestLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/g/${token}`;
}
