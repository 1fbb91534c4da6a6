import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WEB_CHANNEL } from '../access/access-events.ts';
import type { Actor } from '../access/actor.ts';
import { renameDoor } from '../access/door-names.ts';
import { DoorNameInputError, DoorNotFound } from '../access/errors.ts';
import { normalizeHexId } from '../access/ids.ts';
import { type DoorState, type ToggleResult, toggleDoor } from '../access/toggle.ts';
import { listVisibleDoors } from '../access/visible-doors.ts';
import { mayCreateGuestPasses } from '../accounts/permissions.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { takeFlash, writeFlash } from './flash.ts';
import { doorLiveState } from './pages/door-live-state.ts';
import { doorOutcomeMessage } from './pages/door-outcome-message.ts';
import { DOORS_STATE_PATH, type DoorNotice, doorsPage } from './pages/doors-page.ts';
import { errorPage } from './pages/error-page.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from './signed-in.ts';
import type { WebDeps } from './web-deps.ts';
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

/** What the page after a form says once (a flash: never in the URL, gone on reload). */
type DoorsFlash =
  | { door: string; outcome: Outcome; state: DoorState; wait?: number }
  | { door: string; renamed: true };

function isDoorsFlash(value: unknown): value is DoorsFlash {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.door !== 'string') return false;
  if (v.renamed === true) return true;
  return (
    OUTCOMES.includes(v.outcome as Outcome) &&
    (v.state === 'OPEN' || v.state === 'CLOSED') &&
    (v.wait === undefined || (typeof v.wait === 'number' && Number.isInteger(v.wait)))
  );
}

function actorOf(web: SignedIn): Actor {
  return { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
}

/** The script asks for JSON (it updates the card in place); a plain form gets the redirect. */
function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/** JSON for our own page's script: never cached, never sniffed. */
function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('application/json; charset=utf-8')
    .send(body);
}

/**
 * My doors: open, close and rename (per person) the doors one owns or was given access to. The
 * forms work without script (post, 303 to the clean page, a one-shot flash); the page's script
 * posts the same forms asking for JSON and polls `GET /doors/state` while a door moves.
 */
export function registerDoorsRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
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
    return setPageHeaders(reply, { scripts: true }).send(
      doorsPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        doors,
        now: ctx.clock.now(),
        mayHostGuests: await mayCreateGuestPasses(ctx.db, actorOf(web)),
        ...extra,
      }),
    );
  };

  app.get('/doors', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/doors');
    if (!web) return reply;
    const flash = takeFlash(ctx, request, reply, web, '/doors', isDoorsFlash);
    let notice: DoorNotice | undefined;
    if (flash) {
      // A door this person can no longer see gets no notice.
      const [view] = await listVisibleDoors(ctx.db, actorOf(web), {
        apiOnly: false,
        at: ctx.clock.now(),
        doorId: flash.door,
      });
      if (view) {
        notice = {
          doorId: view.door.id,
          ...('renamed' in flash
            ? { message: `Saved: this door is now called ${view.name}.`, isError: false }
            : doorOutcomeMessage(view.name, flash.outcome, flash.state, flash.wait)),
        };
      }
    }
    return render(reply, web, { notice });
  });

  // The page's live state for its script: same-origin only (SameSite cookie, Fetch Metadata, no
  // CORS), the session's person's doors only, never cached.
  app.get(DOORS_STATE_PATH, async (request, reply) => {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') {
      return sendJson(reply, 403, { error: 'cross_site', message: 'Only the ParqEx doors page may ask.' });
    }
    const web = await sessions.load(request);
    if (!web?.user) return sendJson(reply, 401, { error: 'not_signed_in', message: 'Please sign in again.' });
    const user = web.user;
    const now = ctx.clock.now();
    const visible = await listVisibleDoors(
      ctx.db,
      { userId: user.id, accountId: user.accountId, role: user.role },
      { apiOnly: false, at: now },
    );
    return sendJson(reply, 200, { now, doors: visible.map((v) => doorLiveState(v, now, user.timeZone)) });
  });

  app.post('/doors/toggle', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const doorId = normalizeHexId(form.get('door_id'));
    const state = form.get('state');
    if (!doorId) return notFound(reply, 'Door');
    if (state !== 'OPEN' && state !== 'CLOSED') {
      return setPageHeaders(reply)
        .code(400)
        .send(errorPage('Bad request', 'Malformed Request: a door can only be asked to OPEN or CLOSE.'));
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
    const wait = result.outcome === 'cooldown' ? result.retryAfterS : undefined;
    if (wantsJson(request)) {
      const [view] = await listVisibleDoors(ctx.db, actorOf(web), {
        apiOnly: false,
        at: ctx.clock.now(),
        doorId,
      });
      if (!view) return notFound(reply, 'Door');
      return sendJson(reply, 200, {
        outcome: result.outcome,
        ...doorOutcomeMessage(view.name, result.outcome, state, wait),
        ...(wait === undefined ? {} : { retryAfterS: wait }),
        door: doorLiveState(view, ctx.clock.now(), web.user.timeZone),
      });
    }
    writeFlash(ctx, reply, web, '/doors', {
      door: doorId,
      outcome: result.outcome,
      state,
      ...(wait === undefined ? {} : { wait }),
    } satisfies DoorsFlash);
    return reply.redirect(`/doors#door-${doorId}`, 303);
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
    writeFlash(ctx, reply, web, '/doors', { door: doorId, renamed: true } satisfies DoorsFlash);
    return reply.redirect(`/doors#door-${doorId}`, 303);
  });
}
