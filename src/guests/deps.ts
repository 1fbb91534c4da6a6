import type { ToggleDeps } from '../access/toggle.ts';
import type { TransferDeps } from '../marketplace/transfer.ts';
import type { Db, Dialect } from '../storage/schema.ts';

/**
 * What GuestParq's services need; the composition root's `AppContext` satisfies it as it is
 * (`db`, `dialect`, `toggleDeps`, `marketplace`).
 */
export interface GuestDeps {
  db: Db;
  /** PostgreSQL takes a row lock on the account while a pass is checked against the policy. */
  dialect: Dialect;
  /** A guest link opens a door through the one toggle service (cooldown, history, webhooks). */
  toggleDeps: ToggleDeps;
  /** What lending a booking needs of the Marketplace (its grace around a booking's window). */
  marketplace: TransferDeps;
}

/** The guest page of a link: `<publicUrl>/g/<token>`. */
export function guestLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/g/${token}`;
}
