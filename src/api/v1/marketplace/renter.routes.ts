import { normalizeHexId } from '../../../access/ids.ts';
import type { DomainError } from '../../../lib/domain-error.ts';
import { money } from '../../../lib/money.ts';
import { book, cancelBooking, getBooking, listMyBookings } from '../../../marketplace/bookings.ts';
import {
  BookableListingNotFound,
  BookingCompleted,
  BookingNotCancellable,
  BookingNotFound,
  DurationOutOfRange,
  InvalidSearch,
  InvalidTime,
  InvalidVehicle,
  InvalidWindow,
  OutsideOpeningHours,
  PriceChanged,
  QuoteAlreadyUsed,
  QuoteExpired,
  QuoteNotFound,
  Unavailable,
  WindowInPast,
} from '../../../marketplace/errors.ts';
import { listMyOrders } from '../../../marketplace/orders.ts';
import { readPage } from '../../../marketplace/paging.ts';
import { PaymentDeclined } from '../../../marketplace/payments/payment-errors.ts';
import { searchListings } from '../../../marketplace/quotes.ts';
import type { Actor, BookingStatus, PageRequest } from '../../../marketplace/records.ts';
import type { AuthContext } from '../../../oauth/bearer.ts';
import { InvalidRequest } from '../api-errors.ts';
import {
  ANY_TOKEN,
  API_SECURITY,
  type ApiRoute,
  defineRoute,
  type ResponseDoc,
  type Security,
} from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { apiFailures, bodyFailures, json, withExamples } from '../response-docs.ts';
import { apiError } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema } from '../wire-schemas.ts';
import {
  BOOK_MONTHLY_REQUEST,
  BOOK_REQUEST,
  BOOKING,
  CANCELLED_BOOKING,
  envelopeOf,
  ORDER,
  SEARCH,
  SEARCH_QUERY,
} from './renter-examples.ts';
import {
  BookingIdParams,
  BookingPage,
  BookingSchema,
  BookingsQuery,
  BookRequest,
  OrderPage,
  OrdersQuery,
  SearchQuery,
  SearchResults,
} from './renter-schemas.ts';
import { toWireBooking, toWireOrder, toWireSearchItem } from './renter-wire.ts';

/**
 * The renter's side of the Marketplace (products.md §1): search (any valid token), book, cancel,
 * one's own bookings and orders (scope `BOOKINGS`). Edges only: parse, call the service, render.
 */

const TAGS = ['Marketplace: renters'];

/** An example refusal in the words the server really sends (the error itself). */
function said(summary: string, error: DomainError) {
  return { summary, value: apiError(error.code, error.message) };
}
const BOOKINGS_SECURITY: Security = [{ [API_SECURITY.oauth]: ['BOOKINGS'] }, { [API_SECURITY.bearer]: [] }];

/** Who acts: the token's person. */
function actorOf(auth: AuthContext): Actor {
  return { userId: auth.userId, accountId: auth.accountId, role: auth.role };
}

/**
 * products.md §0: `limit` default 50 (the schema bounds it), an empty cursor is the first page. A
 * cursor the list did not hand out is refused here as every list of the API refuses it
 * (`400 invalid_request`).
 */
function pageOf(query: { limit?: number; cursor?: string }): PageRequest {
  const page = {
    limit: query.limit ?? 50,
    cursor: query.cursor === undefined || query.cursor === '' ? null : query.cursor,
  };
  readPage(page);
  return page;
}

const NO_SCOPE: ResponseDoc = json(
  'The token lacks the `BOOKINGS` scope.',
  ApiErrors,
  {
    insufficientScope: {
      summary: 'Missing BOOKINGS',
      value: apiError('insufficient_scope', 'this action needs the BOOKINGS scope'),
    },
  },
  {
    'WWW-Authenticate': {
      type: 'string',
      description: '`Bearer realm="parqex", error="insufficient_scope", …, scope="BOOKINGS"`',
    },
  },
);

const BOOKING_NOT_FOUND = json(
  'No booking with this id that is yours (or of a listing of your account, for its Admin).',
  ApiErrors,
  { bookingNotFound: said('Unknown booking', new BookingNotFound()) },
);

const NOT_A_TIME = new InvalidTime('starts', 'tomorrow');

/** Search (products.md §1). */
export const searchRoute = defineRoute({
  method: 'GET',
  name: 'listings/search',
  printedPath: '/oauth/v1/endpoints/listings/search',
  operationId: 'searchListings',
  summary: 'Search parking',
  description: `Published listings within \`radius_m\` of a point that are open and have a free place for the whole window \`[starts, ends)\`, nearest first (at most 50). Each is the listing’s fields plus \`distance_m\`, its \`property\` (name, address, position, zone) and a **quote** for that window, valid 10 minutes: book it with \`POST …/bookings\`.\n\nTimes: RFC 3339 with an offset, or a naive local \`YYYY-MM-DDTHH:MM[:SS]\` read in each listing’s property zone. Any valid token.\n\n\`\`\`\nGET ${SEARCH_QUERY}\n\`\`\``,
  tags: TAGS,
  security: ANY_TOKEN,
  querystring: SearchQuery,
  response: {
    200: json('The listings found, nearest first, each with its quote.', envelopeSchema(SearchResults), {
      found: { summary: 'One garage near Fifth Avenue', value: SEARCH },
    }),
    400: json(
      'A missing or invalid parameter: a position out of range, a time that is not one (or that the property’s clocks skip), `ends` not after `starts`, or the token in the query string.',
      ApiErrors,
      {
        invalidSearch: said('Off the map', new InvalidSearch('latitude must be a number from -90 to 90')),
        invalidTime: said('Not a time', NOT_A_TIME),
        invalidWindow: said(
          'Ends before it starts',
          new InvalidWindow('ends (2026-03-09T08:00) must be after starts (2026-03-09T09:00)'),
        ),
      },
    ),
    401: apiFailures()[401],
    422: json('The window starts more than 5 minutes ago (in every zone it could be read in).', ApiErrors, {
      past: said('In the past', new WindowInPast()),
    }),
    500: apiFailures()[500],
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as {
      latitude: number;
      longitude: number;
      radius_m?: number;
      starts: string;
      ends: string;
    };
    const now = ctx.clock.now();
    const found = await searchListings(
      ctx.marketplace,
      actorOf(auth),
      {
        latitude: query.latitude,
        longitude: query.longitude,
        radiusM: query.radius_m ?? 1600,
        starts: query.starts,
        ends: query.ends,
      },
      now,
    );
    return reply
      .header('cache-control', 'no-store')
      .send(envelope({ items: found.map(toWireSearchItem) }, now));
  },
});

interface WireBookRequest {
  quote_id?: string;
  final_price?: { amount: number; currency: string };
  listing_id?: string;
  plan?: 'monthly';
  starts?: string;
  vehicle_id?: string;
  plate?: string;
  payment_method: string;
}

/** The body's two forms (products.md §1 "Book") to the service's input; what the schema cannot say. */
function bookInput(body: WireBookRequest) {
  if ((body.vehicle_id === undefined) === (body.plate === undefined))
    throw new InvalidRequest('give exactly one of vehicle_id and plate');
  const vehicle =
    body.vehicle_id !== undefined ? { vehicleId: normalizeHexId(body.vehicle_id)! } : { plate: body.plate! };
  const finalPrice =
    body.final_price === undefined
      ? undefined
      : money(body.final_price.amount, body.final_price.currency.toUpperCase());
  if (body.plan === 'monthly') {
    if (body.quote_id !== undefined)
      throw new InvalidRequest('a monthly plan is booked by listing_id and starts, without quote_id');
    if (body.listing_id === undefined) throw new InvalidRequest('listing_id is required for a monthly plan');
    if (body.starts === undefined) throw new InvalidRequest('starts is required for a monthly plan');
    return {
      listingId: normalizeHexId(body.listing_id)!,
      plan: 'monthly' as const,
      starts: body.starts,
      ...(finalPrice ? { finalPrice } : {}),
      ...vehicle,
      paymentMethod: body.payment_method,
    };
  }
  if (body.listing_id !== undefined || body.starts !== undefined)
    throw new InvalidRequest(
      'listing_id and starts are for a monthly plan (plan: "monthly"); an hourly booking takes quote_id',
    );
  if (body.quote_id === undefined) throw new InvalidRequest('quote_id is required (or plan: "monthly")');
  if (finalPrice === undefined) throw new InvalidRequest('final_price is required with quote_id');
  return {
    quoteId: body.quote_id,
    finalPrice,
    ...vehicle,
    paymentMethod: body.payment_method,
  };
}

/** Book (products.md §1). */
export const bookRoute = defineRoute({
  method: 'POST',
  name: 'bookings',
  printedPath: '/oauth/v1/endpoints/bookings',
  operationId: 'createBooking',
  summary: 'Book parking',
  description:
    'Books a quote from search (`quote_id` with the `final_price` the renter agreed to) or a monthly plan of a listing (`listing_id`, `plan: "monthly"`, `starts`: it renews each month until cancelled), for one of the renter’s vehicles (`vehicle_id`) or a `plate`, paid with `payment_method`. Everything the quote assumed is checked again; a refusal writes nothing and charges nothing.\n\nThe booking comes back `confirmed` with its **pass** (`code` and the `url` of a page with a QR code and, inside the window, an Open button): during the window, plus the grace on each side, the renter’s app lists the property’s gates in `sync` and opens them with `toggle`.\n\nSend an `Idempotency-Key`: a retry with the same key and body answers the first booking again and charges nothing twice. Scope `BOOKINGS`.',
  tags: TAGS,
  security: BOOKINGS_SECURITY,
  scopes: ['BOOKINGS'],
  idempotent: 'book',
  body: withExamples(BookRequest, {
    quote: { summary: 'Book a quote', value: BOOK_REQUEST },
    monthly: { summary: 'A monthly plan', value: BOOK_MONTHLY_REQUEST },
  }),
  response: {
    201: json('Booked and paid.', envelopeSchema(BookingSchema), {
      booked: { summary: 'Confirmed', value: envelopeOf(BOOKING) },
    }),
    ...apiFailures(),
    400: json(
      'Malformed request (bad JSON, a missing or unknown field, both or neither of `vehicle_id` and `plate`), a time that is not one, or a vehicle that is not the renter’s.',
      ApiErrors,
      {
        invalidRequest: {
          summary: 'Malformed request',
          value: apiError('invalid_request', 'give exactly one of vehicle_id and plate'),
        },
        invalidVehicle: said(
          'Not your vehicle',
          new InvalidVehicle('vehicle_id is not one of your vehicles'),
        ),
        invalidTime: said('Not a time', NOT_A_TIME),
      },
    ),
    ...bodyFailures(),
    402: json('The payment was declined: nothing is held, nothing is charged.', ApiErrors, {
      declined: said(
        'Declined',
        new PaymentDeclined('card_declined', 'generic_decline', 'Your card was declined.'),
      ),
    }),
    403: NO_SCOPE,
    404: json('No such quote (or another person’s), or no such published listing (monthly).', ApiErrors, {
      quote: said('Unknown quote', new QuoteNotFound()),
      listing: said('Unknown listing', new BookableListingNotFound()),
    }),
    409: json(
      'The place was taken meanwhile, the price is not the quote’s, or the quote was booked already.',
      ApiErrors,
      {
        unavailable: said('Taken meanwhile', new Unavailable()),
        priceChanged: said('Another price', new PriceChanged(money(880, 'USD'))),
        quoteUsed: said('Booked already', new QuoteAlreadyUsed()),
      },
    ),
    410: json('The quote is older than 10 minutes: search again.', ApiErrors, {
      expired: said('Expired quote', new QuoteExpired()),
    }),
    422: json('The listing’s rules refuse the window.', ApiErrors, {
      hours: said('Closed', new OutsideOpeningHours()),
      duration: said('Too short', new DurationOutOfRange(30, 60, null)),
      past: said('In the past', new WindowInPast()),
    }),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const input = bookInput(request.body as WireBookRequest);
    const now = ctx.clock.now();
    const booking = await book(ctx.marketplace, actorOf(auth), input, now);
    request.log.info(
      { event: 'booking.created', bookingId: booking.id, listingId: booking.listingId },
      'booking created',
    );
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(envelope(toWireBooking(booking, ctx.publicUrl), now));
  },
});

/** My bookings (products.md §1 "Lists"). */
export const listBookingsRoute = defineRoute({
  method: 'GET',
  name: 'bookings',
  printedPath: '/oauth/v1/endpoints/bookings',
  operationId: 'listMyBookings',
  summary: 'List my bookings',
  description:
    'The renter’s own bookings, newest first, in pages of `limit` (default 50, at most 200): pass `next_cursor` as `cursor` for the next page. `status` filters. Scope `BOOKINGS`.',
  tags: TAGS,
  security: BOOKINGS_SECURITY,
  scopes: ['BOOKINGS'],
  querystring: BookingsQuery,
  response: {
    200: json('One page of bookings.', envelopeSchema(BookingPage), {
      page: { summary: 'One booking', value: envelopeOf({ items: [BOOKING], next_cursor: null }) },
    }),
    ...apiFailures(),
    403: NO_SCOPE,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as { limit?: number; cursor?: string; status?: BookingStatus };
    const now = ctx.clock.now();
    const page = await listMyBookings(
      ctx.db,
      actorOf(auth),
      pageOf(query),
      query.status === undefined ? {} : { status: query.status },
      now,
    );
    return reply
      .header('cache-control', 'no-store')
      .send(
        envelope(
          { items: page.items.map((b) => toWireBooking(b, ctx.publicUrl)), next_cursor: page.nextCursor },
          ctx.clock.now(),
        ),
      );
  },
});

/** One booking (products.md §1 "Cancel": `GET …/bookings/{id}`). */
export const getBookingRoute = defineRoute({
  method: 'GET',
  name: 'bookings/:id',
  printedPath: '/oauth/v1/endpoints/bookings/{id}',
  operationId: 'getBooking',
  summary: 'Show a booking',
  description:
    'One booking: the renter’s own, or one of a listing of the account, for its Admin. Another person’s booking is `404`. Scope `BOOKINGS`.',
  tags: TAGS,
  security: BOOKINGS_SECURITY,
  scopes: ['BOOKINGS'],
  params: BookingIdParams,
  response: {
    200: json('The booking.', envelopeSchema(BookingSchema), {
      booking: { summary: 'Confirmed', value: envelopeOf(BOOKING) },
    }),
    ...apiFailures(),
    403: NO_SCOPE,
    404: BOOKING_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const id = normalizeHexId((request.params as { id: string }).id)!;
    const now = ctx.clock.now();
    const booking = await getBooking(ctx.db, actorOf(auth), id, now);
    return reply
      .header('cache-control', 'no-store')
      .send(envelope(toWireBooking(booking, ctx.publicUrl), now));
  },
});

/** Cancel (products.md §1). */
export const cancelBookingRoute = defineRoute({
  method: 'DELETE',
  name: 'bookings/:id',
  printedPath: '/oauth/v1/endpoints/bookings/{id}',
  operationId: 'cancelBooking',
  summary: 'Cancel a booking',
  description:
    'Cancels a booking (the renter, or the Admin of the listing’s account). Before the listing’s free-cancellation cutoff (`cancellation.free_until_minutes_before` the start) the order is refunded in full (`order.status` `refunded`); after it, nothing is refunded. Access through the pass ends at once. A monthly plan stops renewing and keeps its place until the end of the paid month. Answers the booking, `cancelled`. Honours `Idempotency-Key`. Scope `BOOKINGS`.',
  tags: TAGS,
  security: BOOKINGS_SECURITY,
  scopes: ['BOOKINGS'],
  idempotent: 'cancel',
  params: BookingIdParams,
  response: {
    200: json('Cancelled (refunded before the cutoff).', envelopeSchema(BookingSchema), {
      cancelled: { summary: 'Cancelled and refunded', value: envelopeOf(CANCELLED_BOOKING) },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: NO_SCOPE,
    404: BOOKING_NOT_FOUND,
    409: json(
      'The booking is already cancelled (`already_cancelled`), or over (`booking_completed`).',
      ApiErrors,
      {
        alreadyCancelled: said('Already cancelled', new BookingNotCancellable('cancelled')),
        completed: said('Already over', new BookingCompleted()),
      },
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const id = normalizeHexId((request.params as { id: string }).id)!;
    const now = ctx.clock.now();
    const booking = await cancelBooking(ctx.marketplace, actorOf(auth), id, now);
    request.log.info({ event: 'booking.cancelled', bookingId: booking.id }, 'booking cancelled');
    return reply
      .header('cache-control', 'no-store')
      .send(envelope(toWireBooking(booking, ctx.publicUrl), now));
  },
});

/** My orders (products.md §1 "Lists"). */
export const listOrdersRoute = defineRoute({
  method: 'GET',
  name: 'orders',
  printedPath: '/oauth/v1/endpoints/orders',
  operationId: 'listMyOrders',
  summary: 'List my orders',
  description:
    'The renter’s orders, newest first, each with its price lines (a monthly plan adds a parking and a fee line per month) and its payments: charges and refunds. Pages of `limit` (default 50, at most 200): pass `next_cursor` as `cursor`. Scope `BOOKINGS`.',
  tags: TAGS,
  security: BOOKINGS_SECURITY,
  scopes: ['BOOKINGS'],
  querystring: OrdersQuery,
  response: {
    200: json('One page of orders.', envelopeSchema(OrderPage), {
      page: { summary: 'A refunded order', value: envelopeOf({ items: [ORDER], next_cursor: null }) },
    }),
    ...apiFailures(),
    403: NO_SCOPE,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const page = await listMyOrders(
      ctx.db,
      actorOf(auth),
      pageOf(request.query as { limit?: number; cursor?: string }),
    );
    return reply
      .header('cache-control', 'no-store')
      .send(envelope({ items: page.items.map(toWireOrder), next_cursor: page.nextCursor }, ctx.clock.now()));
  },
});

/** The renter's routes, in the order the document lists them. */
export const renterRoutes: readonly ApiRoute[] = [
  searchRoute,
  bookRoute,
  listBookingsRoute,
  getBookingRoute,
  cancelBookingRoute,
  listOrdersRoute,
];
