import { addDays, isCalendarDate, localDate, startOfLocalDay } from '../lib/time.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import type { Actor, ActorKind } from './actor.ts';
import { DeviceNotFound, DoorNotFound, InvalidHistoryQuery } from './errors.ts';
import { listVisibleDoors, type VisibleDoorsOptions } from './visible-doors.ts';

/** Spec §5.5, decision: pages of `limit` events, 100 unless asked, at most 1000. */
export const HISTORY_LIMIT = { default: 100, max: 1000 } as const;

/**
 * Spec §5.5 `history_type`: one door, every door of one device, or the person's own actions; and,
 * for the account pages only, `all`: everything the person may see on every door they can see (an
 * Owner's "who used my doors").
 */
export type HistoryScope =
  | { type: 'door'; doorId: string }
  | { type: 'device'; deviceId: string }
  | { type: 'user' }
  | { type: 'all' };

export interface AccessHistoryQuery {
  /** First and last local day of the range, inclusive: `YYYY-MM-DD` or `TODAY`, in the person's time zone. */
  startDate: string;
  endDate: string;
  scope: HistoryScope;
  /** Events per page, 1 to HISTORY_LIMIT.max. */
  limit: number;
  /** The `nextCursor` of the previous page; absent for the first. */
  cursor?: string;
}

export interface HistoryEvent {
  id: string;
  doorId: string;
  /** The name this person gives the door, else the owner's (spec §5.3). */
  doorName: string;
  doorState: 'OPEN' | 'CLOSED';
  channel: string;
  /** Who caused it; null when no person did (a guest, a plate, a `Door Sensor` report). */
  user: { id: string; firstName: string; lastName: string; email: string } | null;
  /** Who acted, person or not: a guest's name or the plate as read in `label`. */
  actor: { kind: ActorKind; label: string | null };
  wasSuccess: boolean;
  occurredAt: number;
}

export interface AccessHistoryPage {
  /** Newest first. */
  events: HistoryEvent[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
  /** The person's time zone, in which the range was read and times are to be shown (spec §4). */
  timeZone: string;
}

/**
 * The access history a person may see (spec §5.5), newest first, one page at a time.
 *
 * Visibility: only events of doors the person can see now (with `apiOnly`, doors opted in to the
 * API). On a door they own (Admin of its account: `Owner`) they see everyone's events. On a door
 * they were given (`Has Access`) they see their own events and the door's sensor reports, never
 * another person's, guest's or plate's — the spec's default for Users. "Can see now" is the grant
 * rule at `now`: a door whose grant has ended shows no history. Sensor reports carry no person and only say
 * when the door moved, which the person can already read from the door's state and `last_toggled`
 * (spec §5.3), so showing them reveals nothing new and explains the door's state.
 *
 * Pagination is keyset on (occurred_at desc, id desc): the cursor names the last event handed out,
 * and the next page holds the events strictly after it in that order. Events recorded meanwhile are
 * newer, so they never shift a later page: no event is repeated or skipped.
 *
 * Throws DoorNotFound / DeviceNotFound for a door or device the person cannot see (whoever owns
 * it), and InvalidHistoryQuery for dates, ranges, limits or cursors it cannot answer.
 */
export async function accessHistory(
  db: DbOrTrx,
  actor: Actor,
  query: AccessHistoryQuery,
  options: { apiOnly: boolean; now: number; caches?: VisibleDoorsOptions['caches'] },
): Promise<AccessHistoryPage> {
  const { time_zone: timeZone } = await db
    .selectFrom('users')
    .select('time_zone')
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  // Spec §5.5: dates in the person's time zone; decision: the literal TODAY is today there.
  const today = localDate(options.now, timeZone);
  const first = query.startDate === 'TODAY' ? today : query.startDate;
  const last = query.endDate === 'TODAY' ? today : query.endDate;
  if (!isCalendarDate(first)) throw new InvalidHistoryQuery('the start date must be YYYY-MM-DD or TODAY');
  if (!isCalendarDate(last)) throw new InvalidHistoryQuery('the end date must be YYYY-MM-DD or TODAY');
  if (last < first) throw new InvalidHistoryQuery(`the end date ${last} is before the start date ${first}`);
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > HISTORY_LIMIT.max) {
    throw new InvalidHistoryQuery(`the limit must be a whole number from 1 to ${HISTORY_LIMIT.max}`);
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);

  const scope = query.scope;
  const doors = await listVisibleDoors(db, actor, {
    apiOnly: options.apiOnly,
    at: options.now,
    ...(options.caches ? { caches: options.caches } : {}),
    ...(scope.type === 'door' ? { doorId: scope.doorId } : {}),
    ...(scope.type === 'device' ? { deviceId: scope.deviceId } : {}),
  });
  // Another account's door or device is answered exactly like one that does not exist.
  if (scope.type === 'door' && doors.length === 0) throw new DoorNotFound(scope.doorId);
  if (scope.type === 'device' && doors.length === 0) throw new DeviceNotFound(scope.deviceId);
  if (doors.length === 0) return { events: [], nextCursor: null, timeZone };
  const byId = new Map(doors.map((d) => [d.door.id, d]));
  const owned = doors.filter((d) => d.relationship === 'Owner').map((d) => d.door.id);
  const shared = doors.filter((d) => d.relationship !== 'Owner').map((d) => d.door.id);

  // Inclusive local days: from the start of the first to the start of the day after the last, so
  // 23- and 25-hour days (DST) are exactly as long as they are.
  let select = db
    .selectFrom('access_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select([
      'e.id',
      'e.door_id',
      'e.user_id',
      'e.actor_kind',
      'e.actor_label',
      'e.channel',
      'e.door_state',
      'e.was_success',
      'e.occurred_at',
      'u.first_name',
      'u.last_name',
      'u.email',
    ])
    .where('e.occurred_at', '>=', startOfLocalDay(first, timeZone))
    .where('e.occurred_at', '<', startOfLocalDay(addDays(last, 1), timeZone));
  // Each history type filters on the column its index leads with (door_id, device_id, user_id).
  if (scope.type === 'door') select = select.where('e.door_id', '=', scope.doorId);
  if (scope.type === 'device') select = select.where('e.device_id', '=', scope.deviceId);
  if (scope.type === 'user') select = select.where('e.user_id', '=', actor.userId);
  select = select.where((eb) =>
    eb.or([
      ...(owned.length > 0 ? [eb('e.door_id', 'in', owned)] : []),
      ...(shared.length > 0
        ? [
            eb.and([
              eb('e.door_id', 'in', shared),
              eb.or([eb('e.user_id', '=', actor.userId), eb('e.actor_kind', '=', 'sensor')]),
            ]),
          ]
        : []),
    ]),
  );
  if (after) {
    select = select.where((eb) =>
      eb.or([
        eb('e.occurred_at', '<', after.occurredAt),
        eb.and([eb('e.occurred_at', '=', after.occurredAt), eb('e.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('e.occurred_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(query.limit + 1)
    .execute();

  const page = rows.slice(0, query.limit);
  const lastRow = page.at(-1);
  return {
    events: page.map((r) => ({
      id: r.id,
      doorId: r.door_id,
      doorName: byId.get(r.door_id)!.name,
      doorState: r.door_state,
      channel: r.channel,
      user:
        r.user_id === null
          ? null
          : {
              id: r.user_id,
              firstName: r.first_name ?? '',
              lastName: r.last_name ?? '',
              email: r.email ?? '',
            },
      actor: { kind: r.actor_kind ?? (r.user_id === null ? 'sensor' : 'person'), label: r.actor_label },
      wasSuccess: r.was_success === 1,
      occurredAt: Number(r.occurred_at),
    })),
    nextCursor:
      rows.length > query.limit && lastRow ? encodeCursor(Number(lastRow.occurred_at), lastRow.id) : null,
    timeZone,
  };
}

// The cursor is opaque to clients: base64url of "1:<occurred_at>:<id>" (1 = this format). It holds
// only a position, so a forged one can reveal nothing: visibility is applied to every page.
const CURSOR = /^1:(\d{1,16}):([0-9a-f]{32})$/;

function encodeCursor(occurredAt: number, id: string): string {
  return Buffer.from(`1:${occurredAt}:${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: number; id: string } {
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
    ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  if (!match || !Number.isSafeInteger(Number(match[1])))
    throw new InvalidHistoryQuery('the cursor is not one this endpoint returned');
  return { occurredAt: Number(match[1]), id: match[2]! };
}
