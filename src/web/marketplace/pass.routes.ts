import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { WEB_CHANNEL } from '../../access/access-events.ts';
import { DoorNotFound } from '../../access/errors.ts';
import { isGrantActive, listGrantsOfSource } from '../../access/grants.ts';
import { normalizeHexId } from '../../access/ids.ts';
import { type ToggleResult, toggleDoor } from '../../access/toggle.ts';
import { listVisibleDoors } from '../../access/visible-doors.ts';
import { raw } from '../../html/html.ts';
import { setPageHeaders } from '../../html/security-headers.ts';
import { sha256, uuid } from '../../lib/crypto.ts';
import { findBookingByPassCode } from '../../marketplace/bookings.ts';
import type { Booking } from '../../marketplace/records.ts';
import { takeFlash, writeFlash } from '../flash.ts';
import { doorOutcomeMessage } from '../pages/door-outcome-message.ts';
import { errorPage } from '../pages/error-page.ts';
import { notFound, signedInForm } from '../signed-in.ts';
import type { WebDeps } from '../web-deps.ts';
import type { WebSessions } from '../web-session.ts';
import { formatLocalTime } from './format.ts';
import { type PassGate, type PassPhase, passPage } from './pages/pass-page.ts';
import { actorOf } from './refusals.ts';
import type { BookedFlash } from './renter.routes.ts';

/** What the pass page says once after a form: the booking was paid, or what Open did. */
type PassFlash = BookedFlash | { door: string; outcome: ToggleResult['outcome'] } | { closedFor: string };

function isPassFlash(value: unknown): value is PassFlash {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.booked === 'string' ||
    (typeof v.door === 'string' && typeof v.outcome === 'string') ||
    typeof v.closedFor === 'string'
  );
}

/**
 * Where a booking's access stands at `now`: its grant runs over the window plus the grace each side.
 * A cancelled booking is read from its grants: a monthly plan cancelled after the cutoff keeps its
 * gates until the end of its paid period, so it is still `open` (or `before`) until they end.
 */
async function accessOf(
  db: WebDeps['db'],
  booking: Booking,
  now: number,
  graceMs: number,
): Promise<{ phase: PassPhase; from: number; until: number }> {
  const window = { from: booking.startsAt - graceMs, until: booking.endsAt + graceMs };
  if (booking.status === 'cancelled') {
    const grants = (await listGrantsOfSource(db, 'booking', booking.id)).filter(
      (g) => g.endsAt === null || g.endsAt > now,
    );
    if (grants.length === 0) return { ...window, phase: 'cancelled' };
    const from = Math.min(...grants.map((g) => g.startsAt));
    const until = Math.max(...grants.map((g) => g.endsAt ?? window.until));
    const phase = grants.some((g) => isGrantActive(g, now)) ? 'open' : 'before';
    return { phase, from, until };
  }
  if (now < window.from) return { ...window, phase: 'before' };
  if (now >= window.until) return { ...window, phase: 'after' };
  return { ...window, phase: 'open' };
}

/** Unknown pass codes one address may try in `PASS_MISS_WINDOW_MS` before every pass lookup waits. */
export const PASS_MISSES_PER_WINDOW = 20;
export const PASS_MISS_WINDOW_MS = 10 * 60_000;

/**
 * Guessing pass codes, per address: each unknown code is counted in the login throttle's table
 * (pruned with it; so it holds across processes), under its own key. Over the limit, every lookup
 * from that address waits — a known code too, or the 404/200 difference would still answer.
 */
function missKeyOf(ip: string): string {
  return `pass_miss:${sha256(ip)}`;
}

async function passMissWait(ctx: WebDeps, ip: string, now: number): Promise<number | undefined> {
  const recent = await ctx.db
    .selectFrom('login_attempts')
    .select('attempted_at')
    .where('throttle_key', '=', missKeyOf(ip))
    .where('attempted_at', '>', now - PASS_MISS_WINDOW_MS)
    .orderBy('attempted_at', 'desc')
    .limit(PASS_MISSES_PER_WINDOW)
    .execute();
  if (recent.length < PASS_MISSES_PER_WINDOW) return undefined;
  const blocking = Number(recent[PASS_MISSES_PER_WINDOW - 1]!.attempted_at);
  return Math.max(1, Math.ceil((blocking + PASS_MISS_WINDOW_MS - now) / 1000));
}

async function countPassMiss(ctx: WebDeps, ip: string, now: number): Promise<void> {
  await ctx.db
    .insertInto('login_attempts')
    .values({ id: uuid(), throttle_key: missKeyOf(ip), attempted_at: now })
    .execute();
}

/**
 * The pass (products.md §1): `/pass/<code>` shows the QR code, the address, the window and, for its
 * renter inside the window (plus the grace), an Open button per gate that asks the one toggle
 * service — which decides by the booking's access grant, as the API and the doors page do.
 */
export function registerPassPages(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/pass/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const now = ctx.clock.now();
    const waitS = await passMissWait(ctx, request.ip, now);
    if (waitS !== undefined) {
      return setPageHeaders(reply)
        .code(429)
        .header('retry-after', String(waitS))
        .send(
          errorPage(
            'Too many tries',
            `Too many pass codes that do not exist were tried from here. Wait ${Math.ceil(waitS / 60)} minutes, then try again.`,
          ),
        );
    }
    const found = await findBookingByPassCode(ctx.db, code, now);
    if (!found) {
      await countPassMiss(ctx, request.ip, now);
      return setPageHeaders(reply)
        .code(404)
        .send(
          errorPage(
            'Pass not found',
            'There is no parking pass with this code. Check the code and try again.',
          ),
        );
    }
    const { booking, listing, property } = found;
    // The canonical address (upper case): a pass typed in lower case is shown, then said the same way.
    if (code !== booking.passCode) return reply.redirect(`/pass/${booking.passCode}`, 301);
    const web = await sessions.load(request);
    const isRenter = web?.user?.id === booking.userId;
    const graceMs = ctx.marketplace.bookingGraceMs;
    const access = await accessOf(ctx.db, booking, now, graceMs);
    const phase = access.phase;
    let gates: PassGate[] = [];
    if (isRenter && web?.user && phase === 'open') {
      const visible = await listVisibleDoors(
        ctx.db,
        { userId: web.user.id, accountId: web.user.accountId, role: web.user.role },
        { apiOnly: false, at: now },
      );
      const byId = new Map(visible.map((v) => [v.door.id, v.name]));
      gates = property.doorIds.flatMap((id) => {
        const name = byId.get(id);
        return name === undefined ? [] : [{ doorId: id, name }];
      });
    }
    let notice: { message: string; isError: boolean } | undefined;
    const flash =
      web && isRenter
        ? takeFlash(ctx, request, reply, web, `/pass/${booking.passCode}`, isPassFlash)
        : undefined;
    if (flash && 'booked' in flash)
      notice = { message: `Booked and paid (${flash.booked}). This is your pass.`, isError: false };
    if (flash && 'door' in flash) {
      const name = gates.find((g) => g.doorId === flash.door)?.name ?? 'The gate';
      notice = doorOutcomeMessage(name, flash.outcome as ToggleResult['outcome'], 'OPEN');
    }
    if (flash && 'closedFor' in flash) notice = { message: flash.closedFor, isError: true };
    const passUrl = `${ctx.publicUrl}/pass/${booking.passCode}`;
    const svg = await QRCode.toString(passUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return setPageHeaders(reply).send(
      passPage({
        booking,
        listing,
        property,
        qrSvg: raw(svg),
        passUrl,
        phase,
        accessFrom: access.from,
        accessUntil: access.until,
        ...(isRenter && web?.user
          ? { renter: { csrfToken: web.session.csrfToken, role: web.user.role } }
          : {}),
        isSignedInOther: Boolean(web?.user) && !isRenter,
        gates,
        ...(notice ? { notice } : {}),
      }),
    );
  });

  app.post('/pass/:code/open', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const { code } = request.params as { code: string };
    const now = ctx.clock.now();
    const found = await findBookingByPassCode(ctx.db, code, now);
    // Another person's pass is no pass of theirs: nothing about it is said.
    if (!found || found.booking.userId !== web.user.id) return notFound(reply, 'Pass');
    const { booking, property } = found;
    const doorId = normalizeHexId(form.get('door_id'));
    if (!doorId || !property.doorIds.includes(doorId)) return notFound(reply, 'Gate');
    const path = `/pass/${booking.passCode}`;
    let result: ToggleResult;
    try {
      result = await toggleDoor(
        ctx.toggleDeps,
        { ...actorOf(web), channel: WEB_CHANNEL, clientId: null, scopes: undefined },
        { doorId, state: 'OPEN' },
        { apiOnly: false, now },
      );
    } catch (error) {
      if (!(error instanceof DoorNotFound)) throw error;
      // No grant in force now (before, after, cancelled): the pass says when it opens.
      const graceMs = ctx.marketplace.bookingGraceMs;
      const access = await accessOf(ctx.db, booking, now, graceMs);
      const phase = access.phase;
      const message =
        phase === 'before'
          ? `Not yet: the gates open for this pass from ${formatLocalTime(booking.startsAt - graceMs, property.timeZone)}.`
          : 'This pass no longer opens the gates.';
      writeFlash(ctx, reply, web, path, { closedFor: message } satisfies PassFlash);
      return reply.redirect(path, 303);
    }
    request.log.info(
      { event: 'door.toggle', doorId, state: 'OPEN', outcome: result.outcome },
      'toggle from a pass',
    );
    ctx.metrics.toggled(result.outcome, 'web');
    writeFlash(ctx, reply, web, path, { door: doorId, outcome: result.outcome } satisfies PassFlash);
    return reply.redirect(`${path}#gates`, 303);
  });
}
