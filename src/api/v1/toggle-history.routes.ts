import {
  type AccessHistoryPage,
  type AccessHistoryQuery,
  accessHistory,
  HISTORY_LIMIT,
  type HistoryScope,
} from '../../access/access-history.ts';
import { normalizeHexId } from '../../access/ids.ts';
import { formatLocal, isCalendarDate } from '../../lib/time.ts';
import { InvalidRequest } from './api-errors.ts';
import { ANY_TOKEN, defineRoute } from './define-route.ts';
import { envelope } from './envelope.ts';
import { apiFailures, json } from './response-docs.ts';
import { apiError, HISTORY } from './wire-examples.ts';
import { ApiErrors, History, HistoryQuery } from './wire-schemas.ts';

/** The query as the schema let it through (unknown parameters are ignored). */
interface WireHistoryQuery {
  start_date: string;
  end_date: string;
  history_type: 'door' | 'device' | 'user';
  door_id?: string;
  device_id?: string;
  limit?: number;
  cursor?: string;
}

/** Spec §5.5: a real day of the calendar (the schema checked the form), or the docs' TODAY. */
function localDay(name: string, value: string): string {
  if (value !== 'TODAY' && !isCalendarDate(value))
    throw new InvalidRequest(`${name} must be a date written YYYY-MM-DD, or TODAY`);
  return value;
}

/** Spec §5.5: the documented query, in wire names, to the service's query. */
function toQuery(query: WireHistoryQuery): AccessHistoryQuery {
  const startDate = localDay('start_date', query.start_date);
  const endDate = localDay('end_date', query.end_date);
  const type = query.history_type;
  let scope: HistoryScope = { type: 'user' };
  if (type === 'door' || type === 'device') {
    const name = type === 'door' ? 'door_id' : 'device_id';
    const raw = query[name];
    if (raw === undefined || raw === '')
      throw new InvalidRequest(`${name} is required when history_type is ${type}`);
    // Spec §4: every id parameter accepts the 32-hex and the dashed UUID form, any case.
    const id = normalizeHexId(raw)!;
    scope = type === 'door' ? { type, doorId: id } : { type, deviceId: id };
  }
  // Spec §5.5, decision: limit defaults to 100, at most 1000 (the schema refuses a larger one).
  const limit = query.limit ?? HISTORY_LIMIT.default;
  // An empty cursor is the first page, so clients may send `cursor=` with a null next_cursor.
  const cursor = query.cursor === '' ? undefined : query.cursor;
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
export const toggleHistoryRoute = defineRoute({
  method: 'GET',
  name: 'toggle-history',
  printedPath: '/oauth/v1/endpoints/toggle-history',
  operationId: 'getAccessHistory',
  summary: 'Get Access History',
  description:
    'Access events, newest first, of the doors the user can see, for the days from `start_date` to `end_date` (inclusive, in the user’s time zone). On a door the user owns they see everyone’s events; on a door they were given, their own events and the door sensor’s. `user.id` is `""` when no person caused the event. Pages of `limit` events: pass `next_cursor` as `cursor` for the next one.\n\nExample (the docs’ request, with `TODAY` for their `<TODAY>` placeholder):\n\n```\nGET /oauth/v1/endpoints/toggle-history?start_date=2019-12-01&end_date=TODAY&history_type=door&door_id=70fc7ebd63d841d9a9f06ff815be1e7c\n```',
  tags: ['Access points'],
  security: ANY_TOKEN,
  querystring: HistoryQuery,
  response: {
    200: json('One page of events.', History, { events: { summary: 'A door’s history', value: HISTORY } }),
    400: json('A missing or invalid query parameter, or the token in the query string.', ApiErrors, {
      invalid: {
        summary: 'Bad history_type',
        value: apiError('invalid_request', 'history_type must be door, device or user'),
      },
    }),
    401: apiFailures()[401],
    404: json('No door (or device) with this id that the user can see.', ApiErrors, {
      door: { summary: 'Unknown door', value: apiError('door_not_found', 'No door with this id.') },
      device: { summary: 'Unknown device', value: apiError('device_not_found', 'No device with this id.') },
    }),
    500: apiFailures()[500],
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = toQuery(request.query as WireHistoryQuery);
    const now = ctx.clock.now();
    // Spec §5.4/§5.5: another account's door or device is "not found" (thrown), never "forbidden".
    const page = await accessHistory(ctx.db, auth, query, { apiOnly: true, now, caches: ctx.caches });
    return reply.header('cache-control', 'no-store').send(envelope(toWire(page), now));
  },
});
