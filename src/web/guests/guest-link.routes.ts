import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DoorNotFound } from '../../access/errors.ts';
import { normalizeHexId } from '../../access/ids.ts';
import type { ToggleResult } from '../../access/toggle.ts';
import { GuestLinkNotUsable } from '../../guests/errors.ts';
import { findPassByLink, openWithLink } from '../../guests/guest-links.ts';
import type { GuestPass } from '../../guests/pass-records.ts';
import { setPageHeaders } from '../../html/security-headers.ts';
import { sha256, uuid } from '../../lib/crypto.ts';
import { formOf } from '../form.ts';
import type { DoorLiveState } from '../pages/door-live-state.ts';
import { doorOutcomeMessage } from '../pages/door-outcome-message.ts';
import { errorPage } from '../pages/error-page.ts';
import type { WebDeps } from '../web-deps.ts';
import { type GuestDoorNotice, guestLinkPage, unknownLinkPage } from './guest-link-page.ts';
import { guestLinkView } from './guest-link-view.ts';
import { passIcs } from './pass-ics.ts';

/** A guest link's secret: 256 bits in base64url (43 characters). Anything else is not a link. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Opens per link per minute (every process together: counted in the database). */
export const GUEST_OPENS_PER_MINUTE = 10;

/** What the guest page says once after a plain (script-less) Open. */
type GuestFlash = { door: string; message: string; isError: boolean };
function isGuestFlash(value: unknown): value is GuestFlash {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.door === 'string' &&
    typeof v.message === 'string' &&
    typeof v.isError === 'boolean'
  );
}

/**
 * A guest page's headers: those of every page, plus never indexed, and no referrer (the link's
 * secret is in the address; `setPageHeaders` already sends `no-referrer`).
 */
function guestHeaders(reply: FastifyReply, options: { scripts?: boolean } = {}): FastifyReply {
  return setPageHeaders(reply, options).header('x-robots-tag', 'noindex, nofollow, noarchive');
}

/**
 * The Open form's CSRF token: the server's signature (the cookie-signing key) over the link's hash.
 * A guest has no account and no session; the token does not expire with one (a pass lasts hours),
 * it holds on every process, and only someone who could read the page (who holds the link) has it.
 */
function csrfPrefix(token: string): string {
  return `guest-open.${sha256(token)}`;
}
function csrfTokenOf(reply: FastifyReply, token: string): string {
  const prefix = csrfPrefix(token);
  return reply.signCookie(prefix).slice(prefix.length + 1);
}
/** The form's token is this link's, and the browser says the post came from our own page. */
function isGuestCsrfValid(request: FastifyRequest, token: string, given: string | null): boolean {
  if (!given || !/^[A-Za-z0-9+/=_-]{1,200}$/.test(given)) return false;
  const prefix = csrfPrefix(token);
  const unsigned = request.unsignCookie(`${prefix}.${given}`);
  if (!unsigned.valid || unsigned.value !== prefix) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === 'null' || origin === `${request.protocol}://${request.host}`;
}

const FLASH_COOKIE = 'parqex_guest_flash';

/** A one-shot outcome for the page after a script-less Open: a signed cookie scoped to the link. */
function writeGuestFlash(ctx: WebDeps, reply: FastifyReply, path: string, flash: GuestFlash): void {
  reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.env === 'production',
    signed: true,
    maxAge: 60,
  });
}
function takeGuestFlash(request: FastifyRequest, reply: FastifyReply, path: string): GuestFlash | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (raw === undefined) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'));
    return isGuestFlash(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return guestHeaders(reply)
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(body);
}

function wantsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/**
 * Counts an attempt on this link and says whether it is within `GUEST_OPENS_PER_MINUTE`. The
 * attempts share the login throttle's table (pruned with it), under their own key.
 */
async function withinLinkLimit(
  ctx: WebDeps,
  passId: string,
  now: number,
): Promise<{ ok: true } | { ok: false; retryAfterS: number }> {
  const key = `guest_link:${passId}`;
  await ctx.db
    .insertInto('login_attempts')
    .values({ id: uuid(), throttle_key: key, attempted_at: now })
    .execute();
  const recent = await ctx.db
    .selectFrom('login_attempts')
    .select('attempted_at')
    .where('throttle_key', '=', key)
    .where('attempted_at', '>', now - 60_000)
    .orderBy('attempted_at', 'desc')
    .limit(GUEST_OPENS_PER_MINUTE + 1)
    .execute();
  if (recent.length <= GUEST_OPENS_PER_MINUTE) return { ok: true };
  const blocking = Number(recent[GUEST_OPENS_PER_MINUTE]!.attempted_at);
  return { ok: false, retryAfterS: Math.max(1, Math.ceil((blocking + 60_000 - now) / 1000)) };
}

/** A door's live state as the guest sees it: state, motion, label and online only — not its last use. */
function guestLive(d: { name: string; live: DoorLiveState }) {
  const { id, state, movingTo, isMoving, label, isOnline } = d.live;
  return { id, state, movingTo, isMoving, label, isOnline, name: d.name };
}

/**
 * The guest link (`/g/<token>`, products.md §2): a page for a guest without an account, its live
 * door state, its calendar file, and its Open form (CSRF-protected by a signed per-link token,
 * rate-limited per link). Every answer is `no-referrer`, `noindex` and uncached; the token never
 * reaches a log (see `redactUrl`).
 */
export function registerGuestLinkRoutes(app: FastifyInstance, ctx: WebDeps): void {
  const passOf = async (request: FastifyRequest): Promise<{ pass: GuestPass; token: string } | undefined> => {
    const token = (request.params as { token: string }).token;
    if (!TOKEN.test(token)) return undefined;
    const pass = await findPassByLink(ctx.db, token, ctx.clock.now());
    return pass && { pass, token };
  };
  const notFound = (reply: FastifyReply) => guestHeaders(reply).code(404).send(unknownLinkPage());

  app.get('/g/:token', async (request, reply) => {
    const found = await passOf(request);
    if (!found) return notFound(reply);
    const path = `/g/${found.token}`;
    const flash = takeGuestFlash(request, reply, path);
    const now = ctx.clock.now();
    const view = await guestLinkView(ctx.db, found.pass, path, now);
    const notice: GuestDoorNotice | undefined = flash && {
      doorId: flash.door,
      message: flash.message,
      isError: flash.isError,
    };
    return guestHeaders(reply, { scripts: view.status === 'active' || view.status === 'scheduled' }).send(
      await guestLinkPage({ view, csrfToken: csrfTokenOf(reply, found.token), now, notice }),
    );
  });

  app.get('/g/:token/pass.ics', async (request, reply) => {
    const found = await passOf(request);
    if (!found) return notFound(reply);
    const now = ctx.clock.now();
    const view = await guestLinkView(ctx.db, found.pass, `/g/${found.token}`, now);
    return guestHeaders(reply)
      .header('content-disposition', 'attachment; filename="parqex-guest-pass.ics"')
      .type('text/calendar; charset=utf-8')
      .send(passIcs(view, new URL(ctx.publicUrl).hostname, now));
  });

  // The page's live state for its script: same-origin only, this pass's doors only.
  app.get('/g/:token/state', async (request, reply) => {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin')
      return sendJson(reply, 403, { error: 'cross_site', message: 'Only the guest page may ask.' });
    const found = await passOf(request);
    if (!found)
      return sendJson(reply, 404, { error: 'not_found', message: 'There is no guest pass at this address.' });
    const now = ctx.clock.now();
    const view = await guestLinkView(ctx.db, found.pass, `/g/${found.token}`, now);
    return sendJson(reply, 200, {
      now,
      status: view.status,
      // Live state only inside the window, as on the page.
      doors: view.status === 'active' ? view.doors.map(guestLive) : [],
    });
  });

  app.post('/g/:token/open', async (request, reply) => {
    const form = formOf(request);
    const found = await passOf(request);
    if (!found) return wantsJson(request) ? sendJson(reply, 404, { error: 'not_found' }) : notFound(reply);
    if (!isGuestCsrfValid(request, found.token, form.get('csrf'))) {
      return guestHeaders(reply)
        .code(403)
        .send(errorPage('Request refused', 'This page has expired. Please open your guest link again.'));
    }
    const path = `/g/${found.token}`;
    const doorId = normalizeHexId(form.get('door_id'));
    const now = ctx.clock.now();
    const answer = (status: number, notice: GuestFlash, extra: Record<string, unknown> = {}) => {
      if (wantsJson(request)) return sendJson(reply, status, { ...notice, ...extra });
      writeGuestFlash(ctx, reply, path, notice);
      return reply.redirect(`${path}#door-${notice.door}`, 303);
    };
    if (!doorId || !found.pass.doorIds.includes(doorId))
      return wantsJson(request)
        ? sendJson(reply, 404, { error: 'not_found', message: 'This door is not on your pass.' })
        : guestHeaders(reply).code(404).send(errorPage('Door not found', 'This door is not on your pass.'));
    const limit = await withinLinkLimit(ctx, found.pass.id, now);
    if (!limit.ok) {
      reply.header('retry-after', String(limit.retryAfterS));
      return answer(
        429,
        {
          door: doorId,
          message: `Too many tries with this pass: wait ${limit.retryAfterS} seconds, then try again.`,
          isError: true,
        },
        { retryAfterS: limit.retryAfterS },
      );
    }
    let result: ToggleResult;
    try {
      result = await openWithLink(ctx, found.token, doorId, now);
    } catch (error) {
      if (error instanceof GuestLinkNotUsable) {
        const message =
          error.reason === 'scheduled'
            ? 'Your pass has not started yet: this door opens once it does.'
            : error.reason === 'unknown'
              ? 'There is no guest pass at this address.'
              : `Your pass ${error.reason === 'revoked' ? 'was cancelled' : 'has expired'}: it opens nothing now.`;
        return answer(error.reason === 'scheduled' ? 403 : 410, { door: doorId, message, isError: true });
      }
      if (error instanceof DoorNotFound)
        return answer(404, { door: doorId, message: 'This door is not on your pass.', isError: true });
      throw error;
    }
    request.log.info(
      { event: 'door.toggle', doorId, outcome: result.outcome, channel: 'GuestAccess' },
      'toggle from a guest link',
    );
    ctx.metrics.toggled(result.outcome, 'web');
    const name = (await guestLinkView(ctx.db, found.pass, path, ctx.clock.now())).doors.find(
      (d) => d.id === doorId,
    );
    const wait = result.outcome === 'cooldown' ? result.retryAfterS : undefined;
    const words = doorOutcomeMessage(name?.name ?? 'The door', result.outcome, 'OPEN', wait);
    return answer(
      200,
      { door: doorId, message: words.message, isError: words.isError },
      { outcome: result.outcome, ...(name ? { door_state: guestLive(name) } : {}) },
    );
  });
}
