import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { normalizeHexId } from '../../access/ids.ts';
import { listVisibleDoors } from '../../access/visible-doors.ts';
import { mayCreateGuestPasses } from '../../accounts/permissions.ts';
import { isEmailAddress, normalizeEmail } from '../../accounts/users.ts';
import { sendGuestPassMail } from '../../guests/pass-mail.ts';
import { createPass, listPasses, revokePass, updatePassWindow } from '../../guests/passes.ts';
import { setPageHeaders } from '../../html/security-headers.ts';
import { isDomainError } from '../../lib/domain-error.ts';
import { upcomingBookingsOf } from '../../marketplace/bookings.ts';
import { placesOfDoors } from '../../marketplace/door-properties.ts';
import { takeFlash, writeFlash } from '../flash.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from '../signed-in.ts';
import type { WebDeps } from '../web-deps.ts';
import type { WebSessions } from '../web-session.ts';
import {
  guestPassesPage,
  type JustCreated,
  type LendableBookingChoice,
  type PassDraft,
} from './guest-passes-page.ts';

function actorOf(web: SignedIn): Actor {
  return { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
}

/** What the page after a form says once (a flash: the link never goes in the URL). */
type GuestsFlash = { notice: string } | { created: JustCreated };
function isGuestsFlash(value: unknown): value is GuestsFlash {
  const v = value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null) return false;
  if (typeof v.notice === 'string') return true;
  const c = v.created as Record<string, unknown> | undefined;
  return typeof c === 'object' && c !== null && typeof c.link === 'string' && typeof c.passId === 'string';
}

/**
 * The hosts' page (`/guests`): create a pass (email the link or copy it), list one's passes (the
 * Admin: the account's), change a window, revoke. Post, redirect, get; refusals re-render the form
 * with what was typed and the service's words.
 */
export function registerGuestPassPages(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  const render = async (
    reply: FastifyReply,
    web: SignedIn,
    extra: {
      created?: JustCreated;
      notice?: string;
      error?: string;
      draft?: PassDraft;
      cursor?: string;
    } = {},
  ) => {
    const actor = actorOf(web);
    const now = ctx.clock.now();
    const mayHost = await mayCreateGuestPasses(ctx.db, actor);
    // The doors a host may give a guest: those of their own account they can use now (a door another
    // account shared with them is not theirs to pass on).
    const visible = mayHost
      ? (await listVisibleDoors(ctx.db, actor, { apiOnly: false, at: now })).filter(
          (v) => v.device.account_id === web.user.accountId,
        )
      : [];
    const page = await listPasses(ctx.db, actor, { limit: 50, cursor: extra.cursor ?? null }, now);
    const hostIds = [...new Set(page.items.map((p) => p.host.userId))];
    const hosts =
      hostIds.length === 0
        ? []
        : await ctx.db
            .selectFrom('users')
            .select(['id', 'first_name', 'last_name'])
            .where('id', 'in', hostIds)
            .where('account_id', '=', web.user.accountId)
            .execute();
    const doorNames = new Map(visible.map((v) => [v.door.id, v.name]));
    // Names of doors on listed passes the host can no longer see.
    const missing = page.items.flatMap((p) => p.doorIds).filter((id) => !doorNames.has(id));
    if (missing.length > 0) {
      for (const row of await ctx.db
        .selectFrom('doors')
        .select(['id', 'name'])
        .where('id', 'in', [...new Set(missing)])
        .execute())
        doorNames.set(row.id, row.name);
    }
    // The host's own bookings still to come or running: each may be lent to a guest.
    const upcoming = mayHost
      ? (await upcomingBookingsOf(ctx.db, actor.userId, now)).filter((b) => b.endsAt > now)
      : [];
    const places =
      upcoming.length === 0
        ? new Map<string, string>()
        : new Map(
            (
              await ctx.db
                .selectFrom('properties')
                .select(['id', 'name'])
                .where('id', 'in', [...new Set(upcoming.map((b) => b.propertyId))])
                .execute()
            ).map((p) => [p.id, p.name]),
          );
    const bookings: LendableBookingChoice[] = upcoming.map((b) => ({
      id: b.id,
      place: places.get(b.propertyId) ?? 'A booked space',
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      timeZone: b.timeZone,
      plate: b.plate,
    }));
    return setPageHeaders(reply, { scripts: extra.created !== undefined }).send(
      guestPassesPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        mayHost,
        doors: visible.map((v) => ({ id: v.door.id, name: v.name })),
        allDoorNames: doorNames,
        passes: page.items,
        nextCursor: page.nextCursor,
        bookings,
        hostNames: new Map(hosts.map((h) => [h.id, `${h.first_name} ${h.last_name}`])),
        now,
        ...extra,
      }),
    );
  };

  const finish = async (
    request: FastifyRequest,
    reply: FastifyReply,
    web: SignedIn,
    created: Awaited<ReturnType<typeof createPass>>,
    email: string | null,
    now: number,
  ) => {
    const { pass, token } = created;
    const link = `${ctx.publicUrl.replace(/\/$/, '')}/g/${token}`;
    let emailedTo: string | null = null;
    let mailFailed = false;
    if (email !== null) {
      // A lent booking's gates are the guest's now, not the host's: named from the doors themselves.
      const doorNames =
        pass.bookingId !== null
          ? (
              await ctx.db
                .selectFrom('doors')
                .select('name')
                .where('id', 'in', pass.doorIds)
                .orderBy('name')
                .execute()
            ).map((d) => d.name)
          : (await listVisibleDoors(ctx.db, actorOf(web), { apiOnly: false, at: now }))
              .filter((v) => pass.doorIds.includes(v.door.id))
              .map((v) => v.name);
      try {
        const places = await placesOfDoors(ctx.db, pass.doorIds);
        const place = pass.doorIds.map((id) => places.get(id)).find((p) => p !== undefined)?.name ?? null;
        await sendGuestPassMail(ctx.mailer, pass, link, { doorNames, place });
        emailedTo = email;
      } catch {
        request.log.error({ event: 'mail.failed' }, 'guest pass email not sent');
        mailFailed = true;
      }
    }
    request.log.info({ event: 'guest_pass.created', passId: pass.id }, 'guest pass created from the page');
    writeFlash(ctx, reply, web, '/guests', { created: { passId: pass.id, link, emailedTo, mailFailed } });
    return reply.redirect('/guests#created', 303);
  };

  app.get('/guests', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/guests');
    if (!web) return reply;
    const flash = takeFlash(ctx, request, reply, web, '/guests', isGuestsFlash);
    const cursor = (request.query as Record<string, string | undefined>).cursor;
    return render(reply, web, {
      ...(flash && 'notice' in flash ? { notice: flash.notice } : {}),
      ...(flash && 'created' in flash ? { created: flash.created } : {}),
      ...(cursor ? { cursor } : {}),
    });
  });

  app.post('/guests/create', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const field = (name: string) => (form.get(name) ?? '').trim();
    const draft: PassDraft = {
      firstName: field('first_name'),
      lastName: field('last_name'),
      email: field('email'),
      phone: field('phone'),
      plate: field('plate'),
      starts: field('starts'),
      ends: field('ends'),
      doorIds: form.getAll('door_id').map((raw) => normalizeHexId(raw) ?? ''),
    };
    const again = (status: number, error: string) => render(reply.code(status), web, { error, draft });
    if (draft.doorIds.some((id) => id === '')) return notFound(reply, 'Door');
    if (draft.firstName === '' || draft.lastName === '')
      return again(400, 'Enter the guest’s first and last name.');
    const email = draft.email === '' ? null : normalizeEmail(draft.email);
    if (email !== null && !isEmailAddress(email))
      return again(400, 'Enter the guest’s email address, or leave it empty.');
    if (draft.doorIds.length === 0) return again(400, 'Choose at least one door.');
    const now = ctx.clock.now();
    let created: Awaited<ReturnType<typeof createPass>>;
    try {
      // The form's naive times go through as they are: createPass reads them in the first door's
      // property's zone, else the host's (products.md §2, as the API; the page says so).
      const starts = draft.starts;
      const ends = draft.ends;
      created = await createPass(
        ctx,
        actorOf(web),
        {
          guest: {
            firstName: draft.firstName,
            lastName: draft.lastName,
            email,
            phone: draft.phone === '' ? null : draft.phone,
          },
          plate: draft.plate === '' ? null : draft.plate,
          starts,
          ends,
          doorIds: draft.doorIds,
        },
        now,
      );
    } catch (error) {
      if (isDomainError(error) && error.kind !== 'not_found')
        return again(statusOf(error.kind), sentence(error.message));
      if (isDomainError(error)) return notFound(reply, 'Door');
      throw error;
    }
    return finish(request, reply, web, created, email, now);
  });

  // Lend one of the host's bookings (its gates, its whole window; the guest's plate, else the booking's).
  app.post('/guests/lend', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const field = (name: string) => (form.get(name) ?? '').trim();
    const bookingId = normalizeHexId(form.get('booking_id'));
    if (!bookingId) return notFound(reply, 'Booking');
    const again = (status: number, error: string) => render(reply.code(status), web, { error });
    if (field('first_name') === '' || field('last_name') === '')
      return again(400, 'Enter the guest’s first and last name.');
    const email = field('email') === '' ? null : normalizeEmail(field('email'));
    if (email !== null && !isEmailAddress(email))
      return again(400, 'Enter the guest’s email address, or leave it empty.');
    const now = ctx.clock.now();
    let created: Awaited<ReturnType<typeof createPass>>;
    try {
      created = await createPass(
        ctx,
        actorOf(web),
        {
          guest: { firstName: field('first_name'), lastName: field('last_name'), email },
          plate: field('plate') === '' ? null : field('plate'),
          bookingId,
        },
        now,
      );
    } catch (error) {
      if (isDomainError(error) && error.kind !== 'not_found')
        return again(statusOf(error.kind), sentence(error.message));
      if (isDomainError(error)) return notFound(reply, 'Booking');
      throw error;
    }
    return finish(request, reply, web, created, email, now);
  });

  app.post('/guests/revoke', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const passId = normalizeHexId(form.get('pass_id'));
    if (!passId) return notFound(reply, 'Guest pass');
    try {
      const pass = await revokePass(ctx, actorOf(web), passId, ctx.clock.now());
      writeFlash(ctx, reply, web, '/guests', {
        notice: `Revoked: ${pass.guest.firstName} ${pass.guest.lastName}’s link opens nothing now.${pass.bookingId !== null ? ' Your booking is yours again.' : ''}`,
      });
    } catch (error) {
      if (isDomainError(error) && error.kind === 'not_found') return notFound(reply, 'Guest pass');
      if (isDomainError(error)) {
        writeFlash(ctx, reply, web, '/guests', { notice: sentence(error.message) });
      } else throw error;
    }
    return reply.redirect('/guests#passes', 303);
  });

  app.post('/guests/window', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const passId = normalizeHexId(form.get('pass_id'));
    if (!passId) return notFound(reply, 'Guest pass');
    try {
      const pass = await updatePassWindow(
        ctx,
        actorOf(web),
        passId,
        { starts: form.get('starts') ?? undefined, ends: form.get('ends') ?? undefined },
        ctx.clock.now(),
      );
      writeFlash(ctx, reply, web, '/guests', {
        notice: `Saved: ${pass.guest.firstName} ${pass.guest.lastName}’s pass has its new time.`,
      });
    } catch (error) {
      if (isDomainError(error) && error.kind === 'not_found') return notFound(reply, 'Guest pass');
      if (isDomainError(error))
        return render(reply.code(statusOf(error.kind)), web, { error: sentence(error.message) });
      throw error;
    }
    return reply.redirect(`/guests#pass-${passId}`, 303);
  });
}

function statusOf(kind: string): number {
  return kind === 'forbidden' ? 403 : kind === 'conflict' ? 409 : kind === 'unprocessable' ? 422 : 400;
}

/** A service's words as a sentence for a page: capital first, full stop last. */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
