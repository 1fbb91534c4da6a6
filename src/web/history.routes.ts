import type { FastifyInstance } from 'fastify';
import { type AccessHistoryPage, accessHistory, type HistoryScope } from '../access/access-history.ts';
import { DeviceNotFound, DoorNotFound, InvalidHistoryQuery } from '../access/errors.ts';
import { normalizeHexId } from '../access/ids.ts';
import { listVisibleDoors } from '../access/visible-doors.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { addDays, localDate } from '../lib/time.ts';
import { type HistoryFilters, historyPage, type ShowOption } from './pages/history-page.ts';
import { notFound, signedIn } from './signed-in.ts';
import type { WebDeps } from './web-deps.ts';
import type { WebSessions } from './web-session.ts';

/** Events per page of the history page. */
const PAGE_SIZE = 25;
/** Without dates, the page shows the last seven days (today included). */
const DEFAULT_DAYS = 7;

/** `all`, `mine`, `door:<id>` or `device:<id>` → the service's scope; undefined when malformed. */
function scopeOf(show: string): HistoryScope | undefined {
  if (show === 'all') return { type: 'all' };
  if (show === 'mine') return { type: 'user' };
  const [kind, raw] = show.split(':', 2);
  const id = normalizeHexId(raw);
  if (!id) return undefined;
  if (kind === 'door') return { type: 'door', doorId: id };
  if (kind === 'device') return { type: 'device', deviceId: id };
  return undefined;
}

/** The access history (spec §5.5) for a signed-in person, through the same service as the API. */
export function registerHistoryRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/history', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/history');
    if (!web) return reply;
    const actor = { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
    const query = request.query as Record<string, string | string[] | undefined>;
    const one = (name: string) => {
      const value = query[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const now = ctx.clock.now();
    const today = localDate(now, web.user.timeZone);
    const filters: HistoryFilters = {
      from: one('from') ?? addDays(today, 1 - DEFAULT_DAYS),
      to: one('to') ?? today,
      // An Admin first sees everything on the account's doors; a User, their own actions.
      show: one('show') ?? (web.user.role === 'admin' ? 'all' : 'mine'),
    };
    const cursor = one('cursor');

    const doors = await listVisibleDoors(ctx.db, actor, { apiOnly: false, at: now });
    const showOptions: ShowOption[] = [
      { value: 'all', label: 'Everything I may see, every door' },
      { value: 'mine', label: 'My actions, every door' },
    ];
    for (const d of doors) showOptions.push({ value: `door:${d.door.id}`, label: `Door: ${d.name}` });
    const byDevice = Map.groupBy(doors, (d) => d.device.id);
    for (const [deviceId, group] of byDevice) {
      if (group.length < 2) continue;
      const code = group[0]!.device.blackbox_code;
      showOptions.push({ value: `device:${deviceId}`, label: `Controller ${code} (${group.length} doors)` });
    }

    const render = (status: number, page: AccessHistoryPage | undefined, error?: string) =>
      setPageHeaders(reply)
        .code(status)
        .send(
          historyPage({
            user: web.user,
            filters,
            showOptions,
            events: page?.events ?? [],
            timeZone: page?.timeZone ?? web.user.timeZone,
            nextCursor: page?.nextCursor ?? null,
            isFirstPage: cursor === undefined,
            error,
          }),
        );

    const scope = scopeOf(filters.show);
    if (!scope) return render(400, undefined, 'Choose what to show from the list.');
    try {
      const page = await accessHistory(
        ctx.db,
        actor,
        {
          startDate: filters.from,
          endDate: filters.to,
          scope,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        },
        { apiOnly: false, now },
      );
      return render(200, page);
    } catch (error) {
      if (error instanceof DoorNotFound) return notFound(reply, 'Door');
      if (error instanceof DeviceNotFound) return notFound(reply, 'Controller');
      if (error instanceof InvalidHistoryQuery) {
        const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
        return render(400, undefined, `${message}.`);
      }
      throw error;
    }
  });
}
