import type { FastifyInstance, FastifyReply } from 'fastify';
import { listDevices } from '../../access/simulator-settings.ts';
import { setPageHeaders } from '../../html/security-headers.ts';
import { isDomainError } from '../../lib/domain-error.ts';
import { addDays, localDate, startOfLocalDay } from '../../lib/time.ts';
import { listListingBookings } from '../../marketplace/bookings.ts';
import { type EarningsPeriod, earnings } from '../../marketplace/earnings.ts';
import {
  createListing,
  getListing,
  listListings,
  publishListing,
  unpublishListing,
  updateListing,
} from '../../marketplace/listings.ts';
import {
  createProperty,
  getProperty,
  listProperties,
  type PropertyInput,
  updateProperty,
} from '../../marketplace/properties.ts';
import type { Actor, Booking, Listing, Page, Property } from '../../marketplace/records.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from '../signed-in.ts';
import type { WebDeps } from '../web-deps.ts';
import type { WebSessions } from '../web-session.ts';
import { formatLocalTime } from './format.ts';
import {
  emptyListingDraft,
  ListingFormError,
  listingDraftFrom,
  listingDraftOf,
  listingInputOf,
} from './listing-form.ts';
import {
  type CalendarDay,
  type EarningsRow,
  earningsPage,
  type GateOption,
  type ListingDraft,
  manageListingPage,
  newListingPage,
  type PropertyDraft,
  propertiesPage,
  propertyFormPage,
} from './pages/owner-pages.ts';
import { actorOf, refusalOf } from './refusals.ts';

/** What a change said, by code in the address (no text from the address reaches the page). */
const DONE: Record<string, string> = {
  property_created: 'Property added. Now add a listing to rent its parking.',
  property_saved: 'Property saved.',
  listing_created: 'Listing saved as a draft. Publish it when it is ready.',
  listing_saved: 'Listing saved.',
  published: 'Published: renters can find and book it now.',
  unpublished: 'Unpublished: renters no longer find it. Bookings already made stay.',
};

/** Days shown by the booking calendar. */
const CALENDAR_DAYS = 7;

async function allPages<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < 2000);
  return items;
}

function propertyDraftOf(form: URLSearchParams): PropertyDraft {
  const get = (name: string) => (form.get(name) ?? '').trim();
  return {
    name: get('name'),
    line1: get('line1'),
    line2: get('line2'),
    city: get('city'),
    region: get('region'),
    postal_code: get('postal_code'),
    country: get('country').toUpperCase(),
    latitude: get('latitude'),
    longitude: get('longitude'),
    time_zone: get('time_zone'),
    door_ids: form.getAll('door_ids'),
  };
}

function propertyDraftFrom(p: Property): PropertyDraft {
  return {
    name: p.name,
    line1: p.address.line1,
    line2: p.address.line2 ?? '',
    city: p.address.city,
    region: p.address.region ?? '',
    postal_code: p.address.postal_code ?? '',
    country: p.address.country,
    latitude: String(p.latitude),
    longitude: String(p.longitude),
    time_zone: p.timeZone,
    door_ids: p.doorIds,
  };
}

function number(text: string): number {
  return text === '' ? Number.NaN : Number(text.replace(',', '.'));
}

function propertyInputOf(d: PropertyDraft): PropertyInput {
  return {
    name: d.name,
    address: {
      line1: d.line1,
      line2: d.line2 || null,
      city: d.city,
      region: d.region || null,
      postal_code: d.postal_code || null,
      country: d.country,
    },
    latitude: number(d.latitude),
    longitude: number(d.longitude),
    timeZone: d.time_zone,
    doorIds: d.door_ids,
  };
}

/** The gates an Admin can pick: the account's doors. */
async function gateOptions(ctx: WebDeps, accountId: string): Promise<GateOption[]> {
  const devices = await listDevices(ctx.db, { accountId });
  return devices.flatMap((d) =>
    d.doors.map((door) => ({ id: door.id, name: door.name, controller: d.blackboxCode })),
  );
}

/** A week of a listing's bookings in its property's zone, from `from` (YYYY-MM-DD). */
async function calendarOf(
  ctx: WebDeps,
  actor: Actor,
  listing: Listing,
  property: Property,
  from: string,
): Promise<{ days: CalendarDay[]; from: string; previous: string; next: string }> {
  const tz = property.timeZone;
  const start = startOfLocalDay(from, tz);
  const end = startOfLocalDay(addDays(from, CALENDAR_DAYS), tz);
  const bookings = await allPages((cursor) =>
    listListingBookings(
      ctx.db,
      actor,
      listing.id,
      { from: start, to: end },
      { limit: 200, cursor },
      ctx.clock.now(),
    ),
  );
  const label = new Intl.DateTimeFormat('en-US', {
    weekday: 'long',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const days: CalendarDay[] = [];
  for (let i = 0; i < CALENDAR_DAYS; i++) {
    const date = addDays(from, i);
    const dayStart = startOfLocalDay(date, tz);
    const dayEnd = startOfLocalDay(addDays(date, 1), tz);
    const meeting = bookings.filter((b) => b.startsAt < dayEnd && b.endsAt > dayStart);
    days.push({
      date,
      label: label.format(Date.parse(`${date}T12:00:00Z`)),
      bookings: meeting.map((b: Booking) => ({
        booking: b,
        line: `${dayPart(b, dayStart, dayEnd, tz)} · ${b.plate}${b.plan === 'monthly' ? ' · monthly' : ''}${b.status === 'cancelled' ? ' · cancelled' : ''}`,
      })),
    });
  }
  return { days, from, previous: addDays(from, -CALENDAR_DAYS), next: addDays(from, CALENDAR_DAYS) };
}

/** A booking's part of one calendar day: `09:00–11:00`, `from Dec 3 22:00 – 06:00`, `22:00 – Dec 5 06:00`. */
function dayPart(b: Booking, dayStart: number, dayEnd: number, tz: string): string {
  const time = (at: number) => formatLocalTime(at, tz).split(', ').pop()!;
  const dated = (at: number) =>
    formatLocalTime(at, tz)
      .replace(/^\w+, /, '')
      .replace(/, \d{4},/, '');
  const from = b.startsAt >= dayStart ? time(b.startsAt) : `from ${dated(b.startsAt)}`;
  const until = b.endsAt <= dayEnd ? time(b.endsAt) : dated(b.endsAt);
  return `${from} – ${until}`;
}

function isDate(text: string | undefined): text is string {
  return (
    text !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
  );
}

/**
 * The owner's pages (products.md §1, Admins only): properties and their gates, listings (create,
 * edit, publish, unpublish) with a week calendar of their bookings. Plain forms, post/redirect/get.
 */
export function registerOwnerPages(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  const done = (request: { query: unknown }) => {
    const code = (request.query as Record<string, string | undefined>).done;
    return code === undefined ? undefined : DONE[code];
  };

  app.get('/parking/properties', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/parking/properties', { adminOnly: true });
    if (!web) return reply;
    const actor = actorOf(web);
    const properties = await allPages((cursor) => listProperties(ctx.db, actor, { limit: 200, cursor }));
    const listings = await allPages((cursor) => listListings(ctx.db, actor, {}, { limit: 200, cursor }));
    const names = new Map((await gateOptions(ctx, actor.accountId)).map((g) => [g.id, g.name]));
    return setPageHeaders(reply).send(
      propertiesPage({
        user: web.user,
        notice: done(request),
        properties: properties.map((property) => ({
          property,
          listings: listings.filter((l) => l.propertyId === property.id),
          gates: property.doorIds.map((id) => names.get(id) ?? id),
        })),
      }),
    );
  });

  const renderProperty = async (
    reply: FastifyReply,
    web: SignedIn,
    draft: PropertyDraft,
    propertyId?: string,
    error?: string,
  ) =>
    setPageHeaders(reply).send(
      propertyFormPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        draft,
        gates: await gateOptions(ctx, web.user.accountId),
        ...(propertyId ? { propertyId } : {}),
        ...(error ? { error } : {}),
      }),
    );

  app.get('/parking/properties/new', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/parking/properties/new', { adminOnly: true });
    if (!web) return reply;
    const draft = propertyDraftOf(new URLSearchParams());
    return renderProperty(reply, web, { ...draft, country: 'US', time_zone: web.user.timeZone });
  });

  app.post('/parking/properties', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const draft = propertyDraftOf(posted.form);
    try {
      const property = await createProperty(
        ctx.db,
        actorOf(posted.web),
        propertyInputOf(draft),
        ctx.clock.now(),
      );
      return reply.redirect(`/parking/properties?done=property_created#property-${property.id}`, 303);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return renderProperty(reply.code(refusal.status), posted.web, draft, undefined, refusal.message);
    }
  });

  app.get('/parking/properties/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const web = await signedIn(sessions, request, reply, `/parking/properties/${encodeURIComponent(id)}`, {
      adminOnly: true,
    });
    if (!web) return reply;
    const property = await getProperty(ctx.db, actorOf(web), id).catch(() => undefined);
    if (!property) return notFound(reply, 'Property');
    return renderProperty(reply, web, propertyDraftFrom(property), property.id);
  });

  app.post('/parking/properties/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const draft = propertyDraftOf(posted.form);
    try {
      const property = await updateProperty(
        ctx.db,
        actorOf(posted.web),
        id,
        propertyInputOf(draft),
        ctx.clock.now(),
      );
      return reply.redirect(`/parking/properties?done=property_saved#property-${property.id}`, 303);
    } catch (error) {
      if (isDomainError(error) && error.code === 'property_not_found') return notFound(reply, 'Property');
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return renderProperty(reply.code(refusal.status), posted.web, draft, id, refusal.message);
    }
  });

  const renderNewListing = (
    reply: FastifyReply,
    web: SignedIn,
    property: Property,
    draft: ListingDraft,
    error?: string,
  ) =>
    setPageHeaders(reply).send(
      newListingPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        property,
        draft,
        ...(error ? { error } : {}),
      }),
    );

  app.get('/parking/properties/:id/listings/new', async (request, reply) => {
    const { id } = request.params as { id: string };
    const web = await signedIn(
      sessions,
      request,
      reply,
      `/parking/properties/${encodeURIComponent(id)}/listings/new`,
      {
        adminOnly: true,
      },
    );
    if (!web) return reply;
    const property = await getProperty(ctx.db, actorOf(web), id).catch(() => undefined);
    if (!property) return notFound(reply, 'Property');
    return renderNewListing(reply, web, property, emptyListingDraft());
  });

  app.post('/parking/properties/:id/listings', async (request, reply) => {
    const { id } = request.params as { id: string };
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const actor = actorOf(posted.web);
    const property = await getProperty(ctx.db, actor, id).catch(() => undefined);
    if (!property) return notFound(reply, 'Property');
    const draft = listingDraftOf(posted.form);
    try {
      const listing = await createListing(
        ctx.db,
        actor,
        { propertyId: property.id, ...listingInputOf(draft) },
        ctx.clock.now(),
      );
      return reply.redirect(`/parking/listings/${listing.id}/manage?done=listing_created`, 303);
    } catch (error) {
      if (error instanceof ListingFormError)
        return renderNewListing(reply.code(400), posted.web, property, draft, error.message);
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return renderNewListing(reply.code(refusal.status), posted.web, property, draft, refusal.message);
    }
  });

  const renderManage = async (
    reply: FastifyReply,
    web: SignedIn,
    listing: Listing,
    extra: { draft?: ListingDraft; notice?: string; error?: string; from?: string } = {},
  ) => {
    const actor = actorOf(web);
    const property = await getProperty(ctx.db, actor, listing.propertyId);
    const from = extra.from ?? localDate(ctx.clock.now(), property.timeZone);
    return setPageHeaders(reply).send(
      manageListingPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        listing,
        property,
        draft: extra.draft ?? listingDraftFrom(listing),
        calendar: await calendarOf(ctx, actor, listing, property, from),
        ...(extra.notice ? { notice: extra.notice } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );
  };

  app.get('/parking/listings/:id/manage', async (request, reply) => {
    const { id } = request.params as { id: string };
    const web = await signedIn(
      sessions,
      request,
      reply,
      `/parking/listings/${encodeURIComponent(id)}/manage`,
      {
        adminOnly: true,
      },
    );
    if (!web) return reply;
    const listing = await getListing(ctx.db, actorOf(web), id).catch(() => undefined);
    if (!listing) return notFound(reply, 'Listing');
    const from = (request.query as Record<string, string | undefined>).from;
    const notice = done(request);
    return renderManage(reply, web, listing, {
      ...(isDate(from) ? { from } : {}),
      ...(notice ? { notice } : {}),
    });
  });

  app.post('/parking/listings/:id/manage', async (request, reply) => {
    const { id } = request.params as { id: string };
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const actor = actorOf(posted.web);
    const listing = await getListing(ctx.db, actor, id).catch(() => undefined);
    if (!listing) return notFound(reply, 'Listing');
    const draft = listingDraftOf(posted.form, listing.kind);
    try {
      const { kind: _kind, ...patch } = listingInputOf(draft);
      await updateListing(ctx.db, actor, listing.id, patch, ctx.clock.now());
      return reply.redirect(`/parking/listings/${listing.id}/manage?done=listing_saved`, 303);
    } catch (error) {
      if (error instanceof ListingFormError)
        return renderManage(reply.code(400), posted.web, listing, { draft, error: error.message });
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return renderManage(reply.code(refusal.status), posted.web, listing, { draft, error: refusal.message });
    }
  });

  for (const [path, change, code] of [
    ['publish', publishListing, 'published'],
    ['unpublish', unpublishListing, 'unpublished'],
  ] as const) {
    app.post(`/parking/listings/:id/${path}`, async (request, reply) => {
      const { id } = request.params as { id: string };
      const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
      if (!posted) return reply;
      const actor = actorOf(posted.web);
      const listing = await getListing(ctx.db, actor, id).catch(() => undefined);
      if (!listing) return notFound(reply, 'Listing');
      try {
        await change(ctx.db, actor, listing.id, ctx.clock.now());
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        return renderManage(reply.code(refusal.status), posted.web, listing, { error: refusal.message });
      }
      return reply.redirect(`/parking/listings/${listing.id}/manage?done=${code}`, 303);
    });
  }

  app.get('/parking/earnings', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, request.url, { adminOnly: true });
    if (!web) return reply;
    const q = request.query as Record<string, string | undefined>;
    const period: EarningsPeriod = q.period === 'day' ? 'day' : 'month';
    // The page's "To" is the last day shown (included); the service's `to` is the day after.
    const to = isDate(q.to) ? addDays(q.to, 1) : undefined;
    const asked = { period, ...(isDate(q.from) ? { from: q.from } : {}), ...(to ? { to } : {}) };
    const render = (
      status: number,
      report: Awaited<ReturnType<typeof earnings>> | undefined,
      error?: string,
    ) => {
      const currencies = [...new Set(report?.totals.map((t) => t.currency) ?? [])].map((currency) => {
        const row = (
          label: string,
          r: {
            gross: { amount: number };
            platformFee: { amount: number };
            refunds: { amount: number };
            net: { amount: number };
          },
        ): EarningsRow => ({
          label,
          gross: r.gross.amount,
          fee: r.platformFee.amount,
          refunds: r.refunds.amount,
          net: r.net.amount,
        });
        return {
          currency,
          rows: (report?.items ?? [])
            .filter((i) => i.currency === currency)
            .map((i) => row(periodLabel(i.period), i)),
          total: row('Total', report!.totals.find((t) => t.currency === currency)!),
        };
      });
      return setPageHeaders(reply)
        .code(status)
        .send(
          earningsPage({
            user: web.user,
            from: report?.from ?? q.from ?? '',
            to: report ? addDays(report.to, -1) : (q.to ?? ''),
            period,
            currencies,
            explanation:
              'Parking is what renters paid for parking at your listings (the service fee is the platform’s), counted on the day or month the stay or the paid month starts. Refunds are your share of the money given back, counted with the stay they refund, so a fully refunded booking nets to zero. Days and months are each property’s local time.',
            ...(error ? { error } : {}),
          }),
        );
    };
    try {
      return render(200, await earnings(ctx.db, actorOf(web), asked, ctx.clock.now()));
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return render(refusal.status, undefined, refusal.message);
    }
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-12` → `Dec 2026`; `2026-12-04` → `Dec 4, 2026`. */
function periodLabel(period: string): string {
  const [y, m, d] = period.split('-');
  const month = MONTHS[Number(m) - 1] ?? m;
  return d === undefined ? `${month} ${y}` : `${month} ${Number(d)}, ${y}`;
}
