import type { Selectable } from 'kysely';
import { hexId } from '../lib/crypto.ts';
import { normalizePlate, plateMatchKey } from '../lib/plates.ts';
import type { Database, DbOrTrx } from '../storage/schema.ts';
import { GrantInputError } from './errors.ts';

/**
 * Access grants (products.md §0): the one record of who may reach a door besides its Owner, and
 * when. A grant is `{door, holder, [startsAt, endsAt), source, sourceId}`; the window is half-open
 * and `endsAt` null means open-ended. A grant outside its window is exactly no grant: the toggle,
 * `sync`, the access history, the pages and LPR all read grants through `activeGrants` only.
 *
 * Products (invitations, bookings, guest passes) make and end grants through this file, in their own
 * transaction (every function takes `db | trx` first), and are known here only by `source`/`sourceId`.
 */

/** Why a grant exists. New products add their name; nothing here depends on which it is. */
export type GrantSource = 'invitation' | 'booking' | 'guest_pass' | (string & {});

/**
 * Who holds a grant: a person with an account; a plate (read by a camera at the door); or a guest
 * holding a link, known by a name only (the link's product finds its grant by `source`/`sourceId`).
 */
export type GrantHolder =
  | { kind: 'person'; userId: string }
  | { kind: 'plate'; plate: string }
  | { kind: 'guest'; label: string };

export interface AccessGrant {
  id: string;
  doorId: string;
  /** A plate holder's plate is as typed. */
  holder: GrantHolder;
  startsAt: number;
  /** Exclusive; null: open-ended. */
  endsAt: number | null;
  source: GrantSource;
  sourceId: string | null;
  /** The person who made it, when one did. */
  grantedBy: string | null;
  createdAt: number;
}

export interface NewGrant {
  doorId: string;
  holder: GrantHolder;
  startsAt: number;
  endsAt: number | null;
  source: GrantSource;
  sourceId?: string | null;
  grantedBy?: string | null;
}

type GrantRow = Selectable<Database['access_grants']>;

/**
 * THE visibility rule, as a query every reader starts from: the grants in force at `at`, i.e.
 * `starts_at <= at < ends_at` (products.md §0: windows are half-open; `ends_at` null never ends).
 */
export function activeGrants(db: DbOrTrx, at: number) {
  return db
    .selectFrom('access_grants')
    .where('starts_at', '<=', at)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', at)]));
}

/**
 * The people holding a grant to `doorId` in force at `at` (the rule above): whom a webhook about the
 * door may reach besides its account's Admin (the outbox asks, see `DoorHolders`).
 */
export async function doorHolders(db: DbOrTrx, doorId: string, at: number): Promise<string[]> {
  const rows = await activeGrants(db, at)
    .select('user_id')
    .where('door_id', '=', doorId)
    .where('user_id', 'is not', null)
    .execute();
  return [...new Set(rows.map((r) => r.user_id!))];
}

/** True when `grant` is in force at `at` (the same rule as `activeGrants`, for a grant in hand). */
export function isGrantActive(grant: Pick<AccessGrant, 'startsAt' | 'endsAt'>, at: number): boolean {
  return grant.startsAt <= at && (grant.endsAt === null || at < grant.endsAt);
}

function holderColumns(holder: GrantHolder) {
  switch (holder.kind) {
    case 'person':
      return {
        holder_kind: 'person',
        user_id: holder.userId,
        plate: null,
        plate_match: null,
        holder_label: null,
      } as const;
    case 'plate': {
      const typed = holder.plate.trim();
      if (normalizePlate(typed) === '') throw new GrantInputError('a plate grant needs a plate');
      return {
        holder_kind: 'plate',
        user_id: null,
        plate: typed,
        plate_match: plateMatchKey(typed),
        holder_label: null,
      } as const;
    }
    case 'guest': {
      const label = holder.label.trim();
      if (label === '') throw new GrantInputError("a guest grant needs the guest's name");
      return {
        holder_kind: 'guest',
        user_id: null,
        plate: null,
        plate_match: null,
        holder_label: label,
      } as const;
    }
  }
}

function toGrant(row: GrantRow): AccessGrant {
  const holder: GrantHolder =
    row.holder_kind === 'person'
      ? { kind: 'person', userId: row.user_id! }
      : row.holder_kind === 'plate'
        ? { kind: 'plate', plate: row.plate! }
        : { kind: 'guest', label: row.holder_label ?? '' };
  return {
    id: row.id,
    doorId: row.door_id,
    holder,
    startsAt: Number(row.starts_at),
    endsAt: row.ends_at === null ? null : Number(row.ends_at),
    source: row.source,
    sourceId: row.source_id,
    grantedBy: row.granted_by,
    createdAt: Number(row.created_at),
  };
}

/**
 * Gives `grant.holder` the door for `[startsAt, endsAt)`, in the caller's transaction. Throws
 * `GrantInputError` for an empty window or a holder without a plate or name. The caller has checked
 * that whoever asked may give this door (e.g. the Admin of its account, or a booking of a listing
 * whose property it belongs to).
 */
export async function grantAccess(db: DbOrTrx, grant: NewGrant, now: number): Promise<AccessGrant> {
  checkWindow(grant.startsAt, grant.endsAt);
  const row = {
    id: hexId(),
    door_id: grant.doorId,
    ...holderColumns(grant.holder),
    starts_at: grant.startsAt,
    ends_at: grant.endsAt,
    source: grant.source,
    source_id: grant.sourceId ?? null,
    granted_by: grant.grantedBy ?? null,
    created_at: now,
  };
  await db.insertInto('access_grants').values(row).execute();
  return toGrant(row);
}

function checkWindow(startsAt: number, endsAt: number | null): void {
  if (!Number.isSafeInteger(startsAt) || (endsAt !== null && !Number.isSafeInteger(endsAt)))
    throw new GrantInputError('a grant starts and ends at whole milliseconds');
  if (endsAt !== null && endsAt <= startsAt) throw new GrantInputError('a grant must end after it starts');
}

/**
 * An invitation's access (spec §5.6): `userId` gets the door open-ended from `now`, unless they
 * already hold a running invitation grant to it (that first grant stays; a unique index decides a
 * race). Returns true when a grant was added.
 */
export async function grantInvitationAccess(
  db: DbOrTrx,
  grant: { doorId: string; userId: string; grantedBy: string | null; sourceId?: string | null },
  now: number,
): Promise<boolean> {
  const added = await db
    .insertInto('access_grants')
    .values({
      id: hexId(),
      door_id: grant.doorId,
      ...holderColumns({ kind: 'person', userId: grant.userId }),
      starts_at: now,
      ends_at: null,
      source: 'invitation',
      source_id: grant.sourceId ?? null,
      granted_by: grant.grantedBy,
      created_at: now,
    })
    // Only the partial unique index (door, person) of running invitation grants can conflict.
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(added.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Ends one grant at `at` (nothing is deleted: the record stays, with its window). A grant not yet
 * started ends empty (`ends_at = starts_at`). Conditional, so ending twice or ending one that already
 * ended earlier changes nothing; returns true when this call shortened it.
 */
export async function endGrant(db: DbOrTrx, grantId: string, at: number): Promise<boolean> {
  const result = await endRunning(db, at).where('id', '=', grantId).executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Ends, at `at`, every grant one product record made (a booking cancelled, a pass revoked). */
export async function endGrantsOfSource(
  db: DbOrTrx,
  source: GrantSource,
  sourceId: string,
  at: number,
): Promise<number> {
  const result = await endRunning(db, at)
    .where('source', '=', source)
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Ends, at `at`, a person's invitation grants to these doors; returns the doors they lost. */
export async function endInvitationGrants(
  db: DbOrTrx,
  userId: string,
  doorIds: readonly string[],
  at: number,
): Promise<string[]> {
  if (doorIds.length === 0) return [];
  const ended = await endRunning(db, at)
    .where('user_id', '=', userId)
    .where('source', '=', 'invitation')
    .where('door_id', 'in', doorIds)
    .returning('door_id')
    .execute();
  return [...new Set(ended.map((r) => r.door_id))];
}

/**
 * Access a person lent ends when they lose the door: ends, at `at`, every grant `userId` gave
 * (`granted_by`) on these doors, whatever product made it (a guest pass…). Returns what ended.
 */
export async function endGrantsGivenBy(
  db: DbOrTrx,
  userId: string,
  doorIds: readonly string[],
  at: number,
): Promise<{ doorId: string; source: string; sourceId: string | null }[]> {
  if (doorIds.length === 0) return [];
  const ended = await endRunning(db, at)
    .where('granted_by', '=', userId)
    .where('source', '!=', 'invitation')
    .where('door_id', 'in', doorIds)
    .returning(['door_id', 'source', 'source_id'])
    .execute();
  return ended.map((r) => ({ doorId: r.door_id, source: r.source, sourceId: r.source_id }));
}

function endRunning(db: DbOrTrx, at: number) {
  return db
    .updateTable('access_grants')
    .set((eb) => ({
      ends_at: eb.case().when('starts_at', '>', at).then(eb.ref('starts_at')).else(at).end(),
    }))
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', at)]));
}

/**
 * The grants of one door: those in force at `at`, or with `{from, to}` those whose window meets
 * `[from, to)`; earliest first.
 */
export async function listDoorGrants(
  db: DbOrTrx,
  doorId: string,
  when: { at: number } | { from: number; to: number },
): Promise<AccessGrant[]> {
  const query =
    'at' in when
      ? activeGrants(db, when.at)
      : db
          .selectFrom('access_grants')
          .where('starts_at', '<', when.to)
          .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', when.from)]));
  const rows = await query
    .selectAll()
    .where('door_id', '=', doorId)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  return rows.map(toGrant);
}

/** Every grant one product record made, ended or not, earliest first. */
export async function listGrantsOfSource(
  db: DbOrTrx,
  source: GrantSource,
  sourceId: string,
): Promise<AccessGrant[]> {
  const rows = await db
    .selectFrom('access_grants')
    .selectAll()
    .where('source', '=', source)
    .where('source_id', '=', sourceId)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  return rows.map(toGrant);
}

/** A person's grants in force at `at`, earliest first. */
export async function listPersonGrants(db: DbOrTrx, userId: string, at: number): Promise<AccessGrant[]> {
  const rows = await activeGrants(db, at)
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  return rows.map(toGrant);
}

/**
 * A plate grant to the door in force at `at` for a plate as read (products.md §3): matched in the
 * plate's match form (`O`/`0`, `I`/`1`, spaces and dashes alike). The one ending last when several.
 */
export async function findPlateGrant(
  db: DbOrTrx,
  doorId: string,
  plate: string,
  at: number,
): Promise<AccessGrant | undefined> {
  const key = plateMatchKey(plate);
  if (key === '') return undefined;
  const row = await activeGrants(db, at)
    .selectAll()
    .where('door_id', '=', doorId)
    .where('plate_match', '=', key)
    .where('holder_kind', '=', 'plate')
    .orderBy((eb) => eb.case().when('ends_at', 'is', null).then(0).else(1).end())
    .orderBy('ends_at', 'desc')
    .orderBy('id')
    .executeTakeFirst();
  return row && toGrant(row);
}

/** The guest grant to the door that one product record (a guest pass) holds in force at `at`. */
export async function findGuestGrant(
  db: DbOrTrx,
  doorId: string,
  of: { source: GrantSource; sourceId: string },
  at: number,
): Promise<AccessGrant | undefined> {
  const row = await activeGrants(db, at)
    .selectAll()
    .where('door_id', '=', doorId)
    .where('holder_kind', '=', 'guest')
    .where('source', '=', of.source)
    .where('source_id', '=', of.sourceId)
    .orderBy('starts_at')
    .orderBy('id')
    .executeTakeFirst();
  return row && toGrant(row);
}

/**
 * When what a person may see next changes by the clock alone: the first start or end of one of
 * their grants after `at`, or null when none is ahead. A cached list of their doors lives until then.
 */
export async function nextPersonGrantEdge(db: DbOrTrx, userId: string, at: number): Promise<number | null> {
  const row = await db
    .selectFrom('access_grants')
    .select((eb) => [
      eb.fn
        .min(eb.case().when('starts_at', '>', at).then(eb.ref('starts_at')).else(null).end())
        .as('next_start'),
      eb.fn.min(eb.case().when('ends_at', '>', at).then(eb.ref('ends_at')).else(null).end()).as('next_end'),
    ])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const edges = [row?.next_start, row?.next_end].filter((v) => v !== null && v !== undefined).map(Number);
  return edges.length === 0 ? null : Math.min(...edges);
}
