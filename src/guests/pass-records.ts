import type { Selectable } from 'kysely';
import { listGrantsOfSource } from '../access/grants.ts';
import type { Database, DbOrTrx } from '../storage/schema.ts';

/**
 * A guest pass as the rest of the room and the edges see it (products.md §2), and the one mapping
 * from its rows. Times are epoch milliseconds (UTC), the window half-open `[startsAt, endsAt)`.
 */

/** `scheduled` before its window, `active` inside it, `expired` after it, `revoked` once revoked. */
export type GuestPassStatus = 'scheduled' | 'active' | 'expired' | 'revoked';
export const GUEST_PASS_STATUSES: readonly GuestPassStatus[] = ['scheduled', 'active', 'expired', 'revoked'];

export interface GuestPass {
  id: string;
  accountId: string;
  host: { userId: string; firstName: string; lastName: string };
  guest: { firstName: string; lastName: string; email: string | null; phone: string | null };
  /** As typed; null when none. */
  plate: string | null;
  startsAt: number;
  /** Exclusive. */
  endsAt: number;
  /** The zone the times were read in and are shown in (`_local`). */
  timeZone: string;
  /** The doors the guest may open inside the window, sorted. */
  doorIds: string[];
  /** The host's booking lent to the guest (`transferBooking`); null when none. */
  bookingId: string | null;
  /** 8 characters, human-readable. */
  code: string;
  status: GuestPassStatus;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** The status at `now` (a revoked pass stays revoked; the window is half-open). */
export function passStatus(
  pass: { startsAt: number; endsAt: number; revokedAt: number | null },
  now: number,
): GuestPassStatus {
  if (pass.revokedAt !== null) return 'revoked';
  if (now < pass.startsAt) return 'scheduled';
  if (now < pass.endsAt) return 'active';
  return 'expired';
}

export type PassRow = Selectable<Database['guest_passes']> & {
  host_first_name: string;
  host_last_name: string;
};

/** The pass rows with their host's name (join `users as h`). */
export function selectPasses(db: DbOrTrx) {
  return db
    .selectFrom('guest_passes as p')
    .innerJoin('users as h', 'h.id', 'p.host_user_id')
    .selectAll('p')
    .select(['h.first_name as host_first_name', 'h.last_name as host_last_name']);
}

/** The doors of each pass, sorted, by pass id (one query). */
export async function passDoorIds(db: DbOrTrx, passIds: readonly string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(passIds.map((id) => [id, []]));
  if (passIds.length === 0) return result;
  const rows = await db
    .selectFrom('guest_pass_doors')
    .select(['pass_id', 'door_id'])
    .where('pass_id', 'in', [...new Set(passIds)])
    .execute();
  for (const row of rows) result.get(row.pass_id)?.push(row.door_id);
  for (const ids of result.values()) ids.sort();
  return result;
}

export function passOf(row: PassRow, doorIds: readonly string[], now: number): GuestPass {
  const window = {
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
  return {
    id: row.id,
    accountId: row.account_id,
    host: { userId: row.host_user_id, firstName: row.host_first_name, lastName: row.host_last_name },
    guest: {
      firstName: row.guest_first_name,
      lastName: row.guest_last_name,
      email: row.guest_email,
      phone: row.guest_phone,
    },
    plate: row.plate,
    ...window,
    timeZone: row.time_zone,
    doorIds: [...doorIds].sort(),
    bookingId: row.booking_id,
    code: row.code,
    status: passStatus(window, now),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The guest's name as the access history and the pages show it. */
export function guestLabel(pass: { guest: { firstName: string; lastName: string } }): string {
  return `${pass.guest.firstName} ${pass.guest.lastName}`.trim();
}

/** What the webhooks tell of a pass (src/guests/guest-events.ts). */
export function passFacts(pass: GuestPass) {
  return {
    id: pass.id,
    accountId: pass.accountId,
    hostUserId: pass.host.userId,
    guest: { firstName: pass.guest.firstName, lastName: pass.guest.lastName, email: pass.guest.email },
    plate: pass.plate,
    doorIds: pass.doorIds,
    startsAt: pass.startsAt,
    endsAt: pass.endsAt,
    bookingId: pass.bookingId,
  };
}

/**
 * A pass whose grants all ended early without touching this product's row reads as `revoked` (its
 * link opens nothing; lists and the guest page say it is over): a lent booking cancelled (the
 * Marketplace ended them, marketplace/transfer.ts), or a host who lost the doors (access ends the
 * grants a person gave on doors they lose, access/remove-access.ts). Its grants otherwise run at
 * least to the pass's end. Other passes are returned as they are.
 */
export async function lentPassCut(db: DbOrTrx, pass: GuestPass): Promise<GuestPass> {
  if (pass.status !== 'scheduled' && pass.status !== 'active') return pass;
  const grants = await listGrantsOfSource(db, 'guest_pass', pass.id);
  return grants.every((g) => g.endsAt !== null && g.endsAt < pass.endsAt)
    ? { ...pass, status: 'revoked' }
    : pass;
}
