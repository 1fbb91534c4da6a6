import type { FastifyInstance, FastifyReply } from 'fastify';
import { WEB_CHANNEL } from '../access/access-events.ts';
import type { Actor } from '../access/actor.ts';
import { renameDoor } from '../access/door-names.ts';
import { DoorNameInputError, DoorNotFound } from '../access/errors.ts';
import { normalizeHexId } from '../access/ids.ts';
import { type DoorState, type ToggleResult, toggleDoor } from '../access/toggle.ts';
import { listVisibleDoors } from '../access/visible-doors.ts';
import { cooldownMessage, TOGGLE_MESSAGES } from '../api/v1/toggle.routes.ts';
import type { AppContext } from '../app-context.ts';
import { type DoorNotice, type DoorView, doorsPage } from './pages/doors-page.ts';
import { errorPage } from './pages/error-page.ts';
import { setPageHeaders } from './security-headers.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from './signed-in.ts';
import type { WebSessions } from './web-session.ts';

type Outcome = ToggleResult['outcome'];
const OUTCOMES: readonly Outcome[] = [
  'done',
  'insufficient_scope',
  'cooldown',
  'offline',
  'no_sensor',
  'unsupported',
  'unauthorized',
];

function actorOf(web: SignedIn): Actor {
  return { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
}

/** The same words as the documented toggle endpoint (spec §5.4), for a person on the page. */
function noticeFor(view: DoorView, outcome: Outcome, state: DoorState, waitS: number): DoorNotice {
  const doorId = view.door.id;
  const error = (message: string): DoorNotice => ({ doorId, message, isError: true });
  switch (outcome) {
    case 'done': {
      const verb = state === 'OPEN' ? 'open' : 'close';
      return { doorId, message: `Done: ${view.name} was asked to ${verb}.`, isError: false };
    }
    case 'cooldown':
      return error(cooldownMessage(waitS));
    case 'insufficient_scope':
      return error('You may not do this.');
    default:
      return error(TOGGLE_MESSAGES[outcome]);
  }
}

/** My doors: open, close and rename (per person) the doors one owns or was given access to. */
export function registerDoorsRoutes(app: FastifyInstance, ctx: AppContext, sessions: WebSessions): void {
  const render = async (
    reply: FastifyReply,
    web: SignedIn,
    extra: { notice?: DoorNotice; renameError?: { doorId: string; message: string; value: string } } = {},
  ) => {
    const visible = await listVisibleDoors(ctx.db, actorOf(web), { apiOnly: false, at: ctx.clock.now() });
    const personal = await ctx.db
      .selectFrom('door_names')
      .select(['door_id', 'name'])
      .where('user_id', '=', web.user.id)
      .execute();
    const names = new Map(personal.map((p) => [p.door_id, p.name]));
    const doors = visible.map((v) => ({ ...v, personalName: names.get(v.door.id) ?? null }));
    return setPageHeaders(reply).send(
      doorsPage({ csrfToken: web.session.csrfToken, user: web.user, doors, now: ctx.clock.now(), ...extra }),
    );
  };

  app.get('/doors', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/doors');
    if (!web) return reply;
    const query = request.query as Record<string, string | undefined>;
    const doorId = normalizeHexId(query.door);
    const outcome = OUTCOMES.find((o) => o === query.outcome);
    let notice: DoorNotice | undefined;
    if (doorId) {
      const [view] = await listVisibleDoors(ctx.db, actorOf(web), {
        apiOnly: false,
        at: ctx.clock.now(),
        doorId,
      });
      if (view && outcome) {
        const state = query.state === 'CLOSED' ? 'CLOSED' : 'OPEN';
        const wait = Math.min(86_400, Math.max(1, Number.parseInt(query.wait ?? '', 10) || 1));
        notice = noticeFor({ ...view, personalName: null }, outcome, state, wait);
      } else if (view && query.renamed === '1') {
        notice = { doorId, message: `Saved: this door is now called ${view.name}.`, isError: false };
      }
    }
    return render(reply, web, { notice });
  });

  app.post('/doors/toggle', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const doorId = normalizeHexId(form.get('door_id'));
    const state = form.get('state');
    if (!doorId) return notFound(reply, 'Door');
    if (state !== 'OPEN' && state !== 'CLOSED') {
      return setPageHeaders(reply).code(400).send(errorPage('Bad request', TOGGLE_MESSAGES.malformed));
    }
    const now = ctx.clock.now();
    let result: ToggleResult;
    try {
      result = await toggleDoor(
        ctx.toggleDeps,
        { ...actorOf(web), channel: WEB_CHANNEL, clientId: null, scopes: undefined },
        { doorId, state },
        { apiOnly: false, now },
      );
    } catch (error) {
      if (error instanceof DoorNotFound) return notFound(reply, 'Door');
      throw error;
    }
    request.log.info({ event: 'door.toggle', doorId, state, outcome: result.outcome }, 'toggle from a page');
    ctx.metrics.toggled(result.outcome, 'web');
    const query = new URLSearchParams({ door: doorId, outcome: result.outcome, state });
    if (result.outcome === 'cooldown') query.set('wait', String(result.retryAfterS));
    return reply.redirect(`/doors?${query}#door-${doorId}`, 303);
  });

  app.post('/doors/rename', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const doorId = normalizeHexId(form.get('door_id'));
    if (!doorId) return notFound(reply, 'Door');
    const name = form.get('name') ?? '';
    try {
      await renameDoor(ctx.db, actorOf(web), doorId, name, ctx.clock.now());
    } catch (error) {
      if (error instanceof DoorNotFound) return notFound(reply, 'Door');
      if (error instanceof DoorNameInputError) {
        reply.code(400);
        return render(reply, web, { renameError: { doorId, message: error.message, value: name } });
      }
      throw error;
    }
    return reply.redirect(`/doors?door=${doorId}&renamed=1#door-${doorId}`, 303);
  });
}
