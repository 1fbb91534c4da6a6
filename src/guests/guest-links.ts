import { DoorNotFound } from '../access/errors.ts';
import { type ToggleResult, toggleDoor } from '../access/toggle.ts';
import { randomToken, safeEqual, sha256 } from '../lib/crypto.ts';
import { type DoorPlace, placesOfDoors } from '../marketplace/door-properties.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import type { GuestDeps } from './deps.ts';
import { GuestLinkNotUsable } from './errors.ts';
import {
  type GuestPass,
  guestLabel,
  lentPassCut,
  passDoorIds,
  passOf,
  selectPasses,
} from './pass-records.ts';

/**
 * Guest links (products.md §2): `/g/<token>`, no account needed. The token is a 256-bit secret
 * (base64url, 43 characters) handed out once, when the pass is made; only its SHA-256 is stored
 * (`guest_passes.link_hash`, unique). A link is looked up by its hash (an index lookup on a value
 * the caller cannot steer towards a stored one) and the stored hash compared in constant time.
 *
 * A link opens a door only through the one toggle service, as a guest (`GuestOpener`, channel
 * `GuestAccess`, the guest's name in the history): same cooldown, history and webhooks as anyone.
 * The pass's status is read from the database on every use, so a revocation holds on every process
 * at once; the toggle itself asks the grant again (`findGuestGrant`), so a revocation between the
 * two still opens nothing.
 */

/** The access history's channel for a door opened through a guest link. */
export const GUEST_CHANNEL = 'GuestAccess';

/** A link's format: 32 bytes base64url, no padding. Anything else is unknown without a query. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A new link secret and what is stored of it. */
export function mintLinkSecret(): { token: string; hash: string } {
  const token = randomToken(32);
  return { token, hash: sha256(token) };
}

/** The pass a link names (any status), or undefined for a link nobody has. */
export async function findPassByLink(
  db: DbOrTrx,
  token: string,
  now: number,
): Promise<GuestPass | undefined> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
  const hash = sha256(token);
  const row = await selectPasses(db).where('p.link_hash', '=', hash).executeTakeFirst();
  if (!row || !safeEqual(row.link_hash, hash)) return undefined;
  const doors = await passDoorIds(db, [row.id]);
  return lentPassCut(db, passOf(row, doors.get(row.id) ?? [], now));
}

/** A door as the guest page shows it: its owner's name; its live state only while the pass is active. */
export interface GuestDoorView {
  id: string;
  name: string;
  /** Null outside the window (the page shows no live state then). */
  state: 'OPEN' | 'CLOSED' | null;
  /** Where the door is going when it moves (null when still or outside the window). */
  movingTo: 'OPEN' | 'CLOSED' | null;
  /** The controller is online (false outside the window). */
  online: boolean;
  canOpen: boolean;
}

/** Everything the guest page shows (products.md §2): the pass, who invited, where, the doors. */
export interface GuestLinkView {
  pass: GuestPass;
  /** The first door's property (name, address, zone), or null when its doors belong to none. */
  place: DoorPlace | null;
  /** The host's address when no property says where (may be all null). */
  hostAddress: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
  };
  doors: GuestDoorView[];
}

/**
 * The guest page's facts for a link (any status: the page says when it is scheduled, expired or
 * revoked). Throws `GuestLinkNotUsable('unknown')` for a link nobody has.
 */
export async function viewByLink(db: DbOrTrx, token: string, now: number): Promise<GuestLinkView> {
  const pass = await findPassByLink(db, token, now);
  if (!pass) throw new GuestLinkNotUsable('unknown');
  const live = pass.status === 'active';
  const doorRows =
    pass.doorIds.length === 0
      ? []
      : await db
          .selectFrom('doors as d')
          .innerJoin('devices as v', 'v.id', 'd.device_id')
          .select(['d.id', 'd.name', 'd.state', 'd.moving_to', 'd.can_open', 'v.is_online'])
          .where('d.id', 'in', pass.doorIds)
          .orderBy('d.name')
          .orderBy('d.id')
          .execute();
  const places = await placesOfDoors(db, pass.doorIds);
  const host = await db
    .selectFrom('users')
    .select([
      'address_line1',
      'address_line2',
      'address_city',
      'address_region',
      'address_postal_code',
      'address_country',
    ])
    .where('id', '=', pass.host.userId)
    .executeTakeFirst();
  return {
    pass,
    place: pass.doorIds.map((id) => places.get(id)).find((p) => p !== undefined) ?? null,
    hostAddress: {
      line1: host?.address_line1 ?? null,
      line2: host?.address_line2 ?? null,
      city: host?.address_city ?? null,
      region: host?.address_region ?? null,
      postalCode: host?.address_postal_code ?? null,
      country: host?.address_country ?? null,
    },
    doors: doorRows.map((d) => ({
      id: d.id,
      name: d.name,
      state: live ? d.state : null,
      movingTo: live ? d.moving_to : null,
      online: live && Number(d.is_online) === 1,
      canOpen: Number(d.can_open) === 1,
    })),
  };
}

/**
 * Opens one of the pass's doors through its link, at `now`. Refusals write nothing (no history
 * entry): a link nobody has, a pass revoked, expired or not yet started (`GuestLinkNotUsable`), a
 * door not on the pass (`DoorNotFound`, 404, as any door one cannot see). Inside the window the
 * toggle service decides and records as for anyone: `done`, `cooldown`, `offline`, … (its result).
 */
export async function openWithLink(
  deps: GuestDeps,
  token: string,
  doorId: string,
  now: number,
): Promise<ToggleResult> {
  const pass = await findPassByLink(deps.db, token, now);
  if (!pass) throw new GuestLinkNotUsable('unknown');
  if (pass.status !== 'active') throw new GuestLinkNotUsable(pass.status);
  if (!pass.doorIds.includes(doorId)) throw new DoorNotFound(doorId);
  return toggleDoor(
    deps.toggleDeps,
    {
      kind: 'guest',
      channel: GUEST_CHANNEL,
      label: guestLabel(pass),
      grant: { source: 'guest_pass', sourceId: pass.id },
    },
    { doorId, state: 'OPEN' },
    { apiOnly: false, now },
  );
}
