import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listVehicles } from '../../accounts/users.ts';
import { setPageHeaders } from '../../html/security-headers.ts';
import { isDomainError } from '../../lib/domain-error.ts';
import { type Money, money } from '../../lib/money.ts';
import {
  type BookInput,
  book,
  cancelBooking,
  listMyBookings,
  passCodeOfQuote,
} from '../../marketplace/bookings.ts';
import { findBookableListing } from '../../marketplace/listings.ts';
import { type QuoteRequest, quoteListing, searchListings } from '../../marketplace/quotes.ts';
import type { Listing, Property } from '../../marketplace/records.ts';
import { writeFlash } from '../flash.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from '../signed-in.ts';
import type { WebDeps } from '../web-deps.ts';
import type { WebSessions } from '../web-session.ts';
import { formatMoney, localInputValue } from './format.ts';
import { type BookingView, bookingsPage } from './pages/bookings-page.ts';
import { type CheckoutDraft, checkoutPage } from './pages/checkout-page.ts';
import { listingPage } from './pages/listing-page.ts';
import { type SearchForm, searchPage } from './pages/search-page.ts';
import { DEFAULT_RADIUS_M, PLACES, placeOf, RADII_M } from './places.ts';
import { actorOf, type PageRefusal, refusalOf } from './refusals.ts';

const HOUR_MS = 3_600_000;

/** What a change on My bookings said, by code in the address. */
const DONE: Record<string, string> = {
  cancelled_refunded: 'Booking cancelled. The full price was refunded to your card.',
  cancelled: 'Booking cancelled. The free cancellation time had passed: there is no refund.',
  cancelled_monthly:
    'Monthly booking cancelled: it will not renew. You keep the space until the end of the paid month.',
};

/** The flash of the pass page right after paying. */
export interface BookedFlash {
  booked: string;
}

function query(request: FastifyRequest): Record<string, string | undefined> {
  const raw = request.query as Record<string, string | string[] | undefined>;
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : undefined]),
  );
}

/** The next whole hour and two hours later, as `datetime-local` values in `timeZone`. */
function defaultWindow(now: number, timeZone: string): { starts: string; ends: string } {
  const start = Math.ceil((now + 1) / HOUR_MS) * HOUR_MS;
  return { starts: localInputValue(start, timeZone), ends: localInputValue(start + 2 * HOUR_MS, timeZone) };
}

function pathWithQuery(request: FastifyRequest): string {
  return request.url;
}

/**
 * The renter's pages (products.md §1): find parking (a place, a radius, a window → listings with a
 * price), a listing with its hours and the price of a stay, checkout (vehicle, payment), and My
 * bookings (the pass, cancelling). Everything works without script; every POST carries the CSRF token.
 */
export function registerRenterPages(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/parking', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, pathWithQuery(request));
    if (!web) return reply;
    const q = query(request);
    const fallback = defaultWindow(ctx.clock.now(), web.user.timeZone);
    const radius = Number(q.radius_m);
    const form: SearchForm = {
      place: q.place === 'custom' || placeOf(q.place) ? q.place! : PLACES[0]!.key,
      latitude: q.latitude ?? '',
      longitude: q.longitude ?? '',
      radiusM: RADII_M.includes(radius) ? radius : DEFAULT_RADIUS_M,
      starts: q.starts || fallback.starts,
      ends: q.ends || fallback.ends,
    };
    const render = (status: number, extra: Pick<Parameters<typeof searchPage>[0], 'results' | 'error'>) =>
      setPageHeaders(reply)
        .code(status)
        .send(searchPage({ user: web.user, form, ...extra }));
    // Nothing asked yet: the form only.
    if (q.starts === undefined && q.ends === undefined && q.place === undefined) return render(200, {});
    const place = placeOf(form.place);
    const latitude = place ? place.latitude : Number(form.latitude);
    const longitude = place ? place.longitude : Number(form.longitude);
    if (form.latitude === '' && !place)
      return render(400, { error: 'Give the latitude and longitude to search around.' });
    try {
      const results = await searchListings(
        ctx.marketplace,
        actorOf(web),
        { latitude, longitude, radiusM: form.radiusM, starts: form.starts, ends: form.ends },
        ctx.clock.now(),
      );
      return render(200, { results });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return render(refusal.status, { error: refusal.message });
    }
  });

  /** A published listing and its property, else undefined (a draft or unpublished one is not found). */
  const published = async (id: string): Promise<{ listing: Listing; property: Property } | undefined> => {
    const found = await findBookableListing(ctx.db, id);
    return found?.listing.status === 'published' ? found : undefined;
  };

  const renderListing = async (
    reply: FastifyReply,
    web: SignedIn,
    found: { listing: Listing; property: Property },
    window: { starts?: string; ends?: string },
    refusal?: PageRefusal,
  ) => {
    const fallback = defaultWindow(ctx.clock.now(), found.property.timeZone);
    const starts = window.starts || fallback.starts;
    const ends = window.ends || fallback.ends;
    let quote: Awaited<ReturnType<typeof quoteListing>>['quote'] | undefined;
    let error = refusal?.message;
    let status = refusal?.status ?? 200;
    if (
      !refusal &&
      window.starts &&
      window.ends &&
      (found.listing.rates.hourly || found.listing.rates.dailyMax)
    ) {
      try {
        quote = (
          await quoteListing(
            ctx.marketplace,
            actorOf(web),
            found.listing.id,
            { starts, ends },
            ctx.clock.now(),
          )
        ).quote;
      } catch (e) {
        const r = refusalOf(e);
        if (!r) throw e;
        error = r.message;
        status = r.status;
      }
    }
    return setPageHeaders(reply)
      .code(status)
      .send(
        listingPage({
          user: web.user,
          ...found,
          starts,
          ends,
          monthStarts: window.starts || fallback.starts,
          ...(quote ? { quote } : {}),
          ...(error ? { error } : {}),
        }),
      );
  };

  app.get('/parking/listings/:id', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, pathWithQuery(request));
    if (!web) return reply;
    const found = await published((request.params as { id: string }).id);
    if (!found) return notFound(reply, 'Listing');
    const q = query(request);
    return renderListing(reply, web, found, { starts: q.starts, ends: q.ends });
  });

  /** Prices the stay afresh and shows checkout; a refusal goes back to the listing page with its words. */
  const renderCheckout = async (
    reply: FastifyReply,
    web: SignedIn,
    found: { listing: Listing; property: Property },
    asked: { plan: 'hourly' | 'monthly'; starts: string; ends: string },
    extra: { draft?: Partial<CheckoutDraft>; refusal?: PageRefusal } = {},
  ) => {
    const request: QuoteRequest =
      asked.plan === 'monthly'
        ? { plan: 'monthly', starts: asked.starts }
        : { starts: asked.starts, ends: asked.ends };
    let quote: Awaited<ReturnType<typeof quoteListing>>['quote'];
    try {
      ({ quote } = await quoteListing(
        ctx.marketplace,
        actorOf(web),
        found.listing.id,
        request,
        ctx.clock.now(),
      ));
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      // The stay cannot be had now: the listing page says why (and what the first refusal was).
      return renderListing(
        reply,
        web,
        found,
        { starts: asked.starts, ends: asked.ends },
        extra.refusal ?? refusal,
      );
    }
    return setPageHeaders(reply)
      .code(extra.refusal?.status ?? 200)
      .send(
        checkoutPage({
          csrfToken: web.session.csrfToken,
          user: web.user,
          ...found,
          quote,
          starts: asked.starts,
          ends: asked.ends,
          vehicles: await listVehicles(ctx.db, web.user.id),
          processor: ctx.marketplace.payments.name,
          now: ctx.clock.now(),
          ...(extra.draft ? { draft: extra.draft } : {}),
          ...(extra.refusal ? { error: extra.refusal.message } : {}),
        }),
      );
  };

  app.get('/parking/listings/:id/checkout', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, pathWithQuery(request));
    if (!web) return reply;
    const found = await published((request.params as { id: string }).id);
    if (!found) return notFound(reply, 'Listing');
    const q = query(request);
    const plan = q.plan === 'monthly' ? 'monthly' : 'hourly';
    return renderCheckout(reply, web, found, { plan, starts: q.starts ?? '', ends: q.ends ?? '' });
  });

  app.post('/parking/checkout', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const get = (name: string) => (form.get(name) ?? '').trim();
    const found = await published(get('listing_id'));
    if (!found) return notFound(reply, 'Listing');
    const plan = get('plan') === 'monthly' ? 'monthly' : 'hourly';
    const asked = { plan, starts: get('starts'), ends: get('ends') } as const;
    const draft: CheckoutDraft = {
      vehicleId: get('vehicle_id'),
      plate: get('plate'),
      paymentMethod: get('payment_method'),
    };
    let finalPrice: Money;
    try {
      finalPrice = money(Number(get('final_amount')), get('final_currency'));
    } catch {
      return renderCheckout(reply, web, found, asked, {
        draft,
        refusal: {
          status: 400,
          code: 'invalid_money',
          message: 'The price was not sent whole. Check it and pay again.',
        },
      });
    }
    const vehicle =
      draft.plate !== ''
        ? { plate: draft.plate }
        : draft.vehicleId !== ''
          ? { vehicleId: draft.vehicleId }
          : {};
    if (!('plate' in vehicle) && !('vehicleId' in vehicle)) {
      return renderCheckout(reply, web, found, asked, {
        draft,
        refusal: {
          status: 400,
          code: 'no_vehicle',
          message: 'Choose your vehicle or type its licence plate.',
        },
      });
    }
    // Hourly and monthly alike book through the signed quote the checkout held: its id is used once
    // (bookings.quote_id is unique), so the same form sent twice books and charges once.
    const quoteId = get('quote_id');
    const input: BookInput = { quoteId, finalPrice, paymentMethod: draft.paymentMethod, ...vehicle };
    try {
      const booking = await book(ctx.marketplace, actorOf(web), input, ctx.clock.now());
      request.log.info({ event: 'booking.web', bookingId: booking.id }, 'booked from a page');
      writeFlash(ctx, reply, web, `/pass/${booking.passCode}`, {
        booked: formatMoney(booking.order.total),
      } satisfies BookedFlash);
      return reply.redirect(`/pass/${booking.passCode}`, 303);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      request.log.info({ event: 'booking.web_refused', code: refusal.code }, 'booking refused');
      if (refusal.code === 'quote_already_used') {
        // The same form again (a double click, a reload): show the pass the first one booked.
        const passCode = await passCodeOfQuote(ctx.db, actorOf(web), quoteId);
        if (passCode) return reply.redirect(`/pass/${passCode}`, 303);
      }
      return renderCheckout(reply, web, found, asked, { draft, refusal });
    }
  });

  const renderBookings = async (
    reply: FastifyReply,
    web: SignedIn,
    cursor: string | null,
    extra: { notice?: string; error?: string } = {},
  ) => {
    const now = ctx.clock.now();
    const page = await listMyBookings(ctx.db, actorOf(web), { limit: 25, cursor }, {}, now);
    const listings = new Map<string, { listing: Listing; property: Property } | undefined>();
    const views: BookingView[] = [];
    for (const booking of page.items) {
      if (!listings.has(booking.listingId))
        listings.set(booking.listingId, await findBookableListing(ctx.db, booking.listingId));
      const found = listings.get(booking.listingId);
      views.push({ booking, listing: found?.listing, property: found?.property });
    }
    return setPageHeaders(reply).send(
      bookingsPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        bookings: views,
        now,
        nextCursor: page.nextCursor,
        ...extra,
      }),
    );
  };

  app.get('/parking/bookings', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/parking/bookings');
    if (!web) return reply;
    const q = query(request);
    const notice = q.done ? DONE[q.done] : undefined;
    try {
      return await renderBookings(reply, web, q.cursor || null, notice ? { notice } : {});
    } catch (error) {
      // A cursor this list did not hand out: its first page.
      if (!q.cursor || !refusalOf(error)) throw error;
      return reply.redirect('/parking/bookings', 303);
    }
  });

  app.post('/parking/bookings/:id/cancel', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { id } = request.params as { id: string };
    try {
      const booking = await cancelBooking(ctx.marketplace, actorOf(posted.web), id, ctx.clock.now());
      const done =
        booking.plan === 'monthly'
          ? 'cancelled_monthly'
          : booking.order.status === 'refunded'
            ? 'cancelled_refunded'
            : 'cancelled';
      return reply.redirect(`/parking/bookings?done=${done}#booking-${booking.id}`, 303);
    } catch (error) {
      if (isDomainError(error) && error.kind === 'not_found') return notFound(reply, 'Booking');
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return renderBookings(reply.code(refusal.status), posted.web, null, { error: refusal.message });
    }
  });
}
