import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AccessHistoryPage,
  type AccessHistoryQuery,
  accessHistory,
  HISTORY_LIMIT,
  type HistoryScope,
} from '../../access/access-history.ts';
import { DeviceNotFound, DoorNotFound, InvalidHistoryQuery } from '../../access/errors.ts';
import { normalizeHexId } from '../../access/ids.ts';
import type { AppContext } from '../../app-context.ts';
import { formatLocal, isCalendarDate } from '../../lib/time.ts';
import { authenticate } from './api-auth.ts';
import { apiError, envelope } from './envelope.ts';
import { documentedPaths } from './paths.ts';

const HISTORY_TYPES = ['door', 'device', 'user'] as const;

/** The query's one value of `name`: undefined when absent, an error message when repeated. */
function single(query: Record<string, unknown>, name: string): string | undefined | { error: string } {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  return { error: `${name} must be given once` };
}

/** Spec §5.5: YYYY-MM-DD in the user's time zone; decision: the docs' <TODAY> placeholder as TODAY. */
function localDay(name: string, value: string | undefined): string | { error: string } {
  if (value === undefined || value === '') return { error: `${name} is required (YYYY-MM-DD or TODAY)` };
  if (value !== 'TODAY' && !isCalendarDate(value))
    return { error: `${name} must be a date written YYYY-MM-DD, or TODAY` };
  return value;
}

/** Spec §5.5: the documented query, in wire names, to the service's query; or what is wrong with it. */
function parseQuery(raw: unknown): AccessHistoryQuery | { error: string } {
  const query = (raw ?? {}) as Record<string, unknown>;
  const values: Record<string, string | undefined> = {};
  for (const name of ['start_date', 'end_date', 'history_type', 'door_id', 'device_id', 'limit', 'cursor']) {
    const value = single(query, name);
    if (typeof value === 'object') return value;
    values[name] = value;
  }
  const startDate = localDay('start_date', values.start_date);
  if (typeof startDate === 'object') return startDate;
  const endDate = localDay('end_date', values.end_date);
  if (typeof endDate === 'object') return endDate;
  const type = values.history_type;
  if (type === undefined || type === '') return { error: 'history_type is required: door, device or user' };
  if (!(HISTORY_TYPES as readonly string[]).includes(type))
    return { error: 'history_type must be door, device or user' };

  let scope: HistoryScope = { type: 'user' };
  if (type === 'door' || type === 'device') {
    const name = type === 'door' ? 'door_id' : 'device_id';
    const raw = values[name];
    if (raw === undefined || raw === '') return { error: `${name} is required when history_type is ${type}` };
    // Spec §4: every id parameter accepts the 32-hex and the dashed UUID form, any case.
    const id = normalizeHexId(raw);
    if (!id) return { error: `${name} must be a ${type} id (32 hexadecimal characters or a UUID)` };
    scope = type === 'door' ? { type, doorId: id } : { type, deviceId: id };
  }

  // Spec §5.5, decision: limit defaults to 100, at most 1000; a larger one is refused, not cut.
  let limit: number = HISTORY_LIMIT.default;
  if (values.limit !== undefined) {
    limit = /^\d{1,7}$/.test(values.limit) ? Number(values.limit) : 0;
    if (limit < 1 || limit > HISTORY_LIMIT.max)
      return { error: `limit must be a whole number from 1 to ${HISTORY_LIMIT.max}` };
  }
  // An empty cursor is the first page, so clients may send `cursor=` with a null next_cursor.
  const cursor = values.cursor === '' ? undefined : values.cursor;
  return { startDate, endDate, scope, limit, ...(cursor === undefined ? {} : { cursor }) };
}

/** Spec §5.5: the documented event fields; times in the user's zone (spec §4). */
function toWire(page: AccessHistoryPage) {
  return {
    toggle_events: page.events.map((e) => ({
      door_id: e.doorId,
      door_name: e.doorName,
      door_state: e.doorState,
      channel: e.channel,
      // Spec §5.5: user.id is "" when no person caused the event (a sensor report).
      user: {
        id: e.user?.id ?? '',
        first_name: e.user?.firstName ?? '',
        last_name: e.user?.lastName ?? '',
        email_address: e.user?.email ?? '',
      },
      was_success: e.wasSuccess,
      toggle_date_time: formatLocal(e.occurredAt, page.timeZone),
    })),
    next_cursor: page.nextCursor,
  };
}

/** Get Access History (spec §5.5), at every documented spelling. */
export function registerToggleHistoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await authenticate(ctx, request, reply);
    if (!auth) return reply;
    const query = parseQuery(request.query);
    if ('error' in query) return reply.code(400).send(apiError('invalid_request', query.error));
    const now = ctx.clock.now();
    let page: AccessHistoryPage;
    try {
      page = await accessHistory(ctx.db, auth, query, { apiOnly: true, now, caches: ctx.caches });
    } catch (error) {
      // Spec §5.4/§5.5: another account's door or device is "not found", never "forbidden".
      if (error instanceof DoorNotFound)
        return reply.code(404).send(apiError('door_not_found', 'No door with this id.'));
      if (error instanceof DeviceNotFound)
        return reply.code(404).send(apiError('device_not_found', 'No device with this id.'));
      if (error instanceof InvalidHistoryQuery)
        return reply.code(400).send(apiError('invalid_request', error.message));
      throw error;
    }
    return reply.header('cache-control', 'no-store').send(envelope(toWire(page), now));
  };
  for (const url of documentedPaths('toggle-history')) app.get(url, handler);
}
