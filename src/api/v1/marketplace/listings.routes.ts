import { Type } from 'typebox';
import { parseWindowTime } from '../../../marketplace/booking-window.ts';
import { listListingBookings } from '../../../marketplace/bookings.ts';
import { pageRequest } from '../../../marketplace/keyset.ts';
import {
  createListing,
  getListing,
  listListings,
  publishListing,
  unpublishListing,
  updateListing,
} from '../../../marketplace/listings.ts';
import { findPropertyById } from '../../../marketplace/properties.ts';
import { LISTING_STATUSES, type ListingStatus } from '../../../marketplace/records.ts';
import { says } from '../api-validation.ts';
import { type ApiRoute, defineRoute } from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { bodyFailures, json, withExamples } from '../response-docs.ts';
import { apiError, TIMESTAMP } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema, idParameter, OneOf } from '../wire-schemas.ts';
import {
  LISTING_NOT_FOUND,
  OWNER,
  OWNER_ROLE,
  ownerFailures,
  PROPERTY_NOT_FOUND,
} from './owner-routes-common.ts';
import { BOOKING } from './renter-examples.ts';
import { BookingPage } from './renter-schemas.ts';
import { toWireBooking } from './renter-wire.ts';
import {
  IdParams,
  LISTING_EXAMPLE,
  LISTING_REQUEST,
  ListingCreateBody,
  ListingPatchBody,
  ListingWire,
  listingInputOf,
  listingPatchOf,
  listingWire,
  PageQuery,
  pageOfWire,
  pageWire,
} from './wire-owner.ts';

// products.md §1, owners: `GET/POST/PATCH …/listings`, `POST …/listings/{id}/publish` and `/unpublish`.

const LISTING = { success: true, timestamp: TIMESTAMP, data: LISTING_EXAMPLE };
const PUBLISHED = { ...LISTING, data: { ...LISTING_EXAMPLE, status: 'published' } };
const UNPUBLISHED = { ...LISTING, data: { ...LISTING_EXAMPLE, status: 'unpublished' } };

const INVALID_LISTING = json('The listing breaks a rule; the message says which.', ApiErrors, {
  invalidListing: {
    summary: 'No rate',
    value: apiError('invalid_listing', 'a listing needs at least one rate: hourly, daily_max or monthly'),
  },
  invalidAvailability: {
    summary: 'Opening hours',
    value: apiError(
      'invalid_availability',
      'availability.weekly[0].day must be one of mon, tue, wed, thu, fri, sat, sun',
    ),
  },
  invalidMoney: {
    summary: 'Unknown currency',
    value: apiError('invalid_money', 'currency must be an upper-case ISO 4217 code, got "ABC"'),
  },
});

const LISTINGS = { ...OWNER, name: 'listings', printedPath: '/oauth/v1/endpoints/listings' };
const ONE_LISTING = {
  ...OWNER,
  name: 'listings/:id',
  printedPath: '/oauth/v1/endpoints/listings/{id}',
  params: IdParams,
};

const STATUS_WORDS = `status must be one of ${LISTING_STATUSES.join(', ')}`;

export const listListingsRoute = defineRoute({
  ...LISTINGS,
  method: 'GET',
  operationId: 'listListings',
  summary: 'List listings',
  description: `The account’s listings, optionally of one property (\`property_id\`) or one \`status\`, keyset-paginated by id: \`limit\` (default 50, at most 200) and \`cursor\`. ${OWNER_ROLE}`,
  querystring: Type.Object({
    property_id: Type.Optional(
      idParameter('a property id (32 hexadecimal characters or a UUID)', 'Only this property’s listings.'),
    ),
    status: Type.Optional(
      OneOf(LISTING_STATUSES, {
        description: 'Only listings in this status.',
        ...says({ default: STATUS_WORDS }),
      }),
    ),
    ...PageQuery,
  }),
  response: {
    200: json('A page of listings.', envelopeSchema(pageWire(ListingWire)), {
      page: {
        summary: 'One listing, the last page',
        value: { success: true, timestamp: TIMESTAMP, data: { items: [LISTING_EXAMPLE], next_cursor: null } },
      },
    }),
    ...ownerFailures(),
    404: PROPERTY_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as {
      property_id?: string;
      status?: ListingStatus;
      limit?: number;
      cursor?: string;
    };
    const page = await listListings(
      ctx.db,
      auth,
      { propertyId: query.property_id, status: query.status },
      pageRequest(query.limit, query.cursor),
    );
    return reply
      .header('cache-control', 'no-store')
      .send(envelope(pageOfWire(page, listingWire), ctx.clock.now()));
  },
});

export const createListingRoute = defineRoute({
  ...LISTINGS,
  method: 'POST',
  idempotent: 'create_listing',
  operationId: 'createListing',
  summary: 'Create a listing',
  description: `What one of your properties rents out, as a \`draft\` (publish it to be found and booked): a \`space\` (capacity 1) or a \`pool\` of \`capacity\` alike places; \`rates\` (\`hourly\`, \`daily_max\`, \`monthly\`: each Money or null, at least one, one currency); \`min_minutes\`/\`max_minutes\`; \`availability\` (opening hours in the property’s zone; null: always open); \`cancellation.free_until_minutes_before\` (default 0: free until the start). \`property_id\` and \`kind\` are fixed once created. ${OWNER_ROLE}`,
  body: withExamples(ListingCreateBody, { space: { summary: 'A covered space', value: LISTING_REQUEST } }),
  response: {
    201: json('The listing, created as a draft.', envelopeSchema(ListingWire), {
      created: { summary: 'Created', value: LISTING },
    }),
    ...ownerFailures(),
    ...bodyFailures(),
    400: INVALID_LISTING,
    404: PROPERTY_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const now = ctx.clock.now();
    const listing = await createListing(
      ctx.db,
      auth,
      listingInputOf(request.body as Record<string, unknown>),
      now,
    );
    request.log.info(
      { event: 'listing.created', accountId: auth.accountId, listingId: listing.id },
      'listing created',
    );
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(envelope(listingWire(listing), now));
  },
});

export const getListingRoute = defineRoute({
  ...ONE_LISTING,
  method: 'GET',
  operationId: 'getListing',
  summary: 'Show a listing',
  description: `One listing of the account, whatever its status. ${OWNER_ROLE}`,
  response: {
    200: json('The listing.', envelopeSchema(ListingWire), {
      listing: { summary: 'A covered space', value: LISTING },
    }),
    ...ownerFailures(),
    404: LISTING_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const { id } = request.params as { id: string };
    const listing = await getListing(ctx.db, auth, id);
    return reply.header('cache-control', 'no-store').send(envelope(listingWire(listing), ctx.clock.now()));
  },
});

export const updateListingRoute = defineRoute({
  ...ONE_LISTING,
  method: 'PATCH',
  operationId: 'updateListing',
  summary: 'Change a listing',
  description: `Changes the fields given; the others keep their values. In \`rates\`, a rate left out stays and a rate given as null is removed; \`availability: null\` removes the opening hours. The result is checked whole. Bookings already made are not touched; later quotes and bookings use the new values. ${OWNER_ROLE}`,
  body: withExamples(ListingPatchBody, {
    price: { summary: 'A new hourly rate', value: { rates: { hourly: { amount: 700, currency: 'USD' } } } },
    hours: {
      summary: 'Weekdays only',
      value: {
        availability: {
          weekly: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
            day,
            opens: '07:00',
            closes: '20:00',
          })),
          closed_dates: [],
        },
      },
    },
  }),
  response: {
    200: json('The listing, changed.', envelopeSchema(ListingWire), {
      changed: { summary: 'Changed', value: LISTING },
    }),
    ...ownerFailures(),
    ...bodyFailures(),
    400: INVALID_LISTING,
    404: LISTING_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const { id } = request.params as { id: string };
    const now = ctx.clock.now();
    const listing = await updateListing(
      ctx.db,
      auth,
      id,
      listingPatchOf(request.body as Record<string, unknown>),
      now,
    );
    request.log.info(
      { event: 'listing.updated', accountId: auth.accountId, listingId: listing.id },
      'listing changed',
    );
    return reply.header('cache-control', 'no-store').send(envelope(listingWire(listing), now));
  },
});

function statusRoute(action: 'publish' | 'unpublish'): ApiRoute {
  const publish = action === 'publish';
  return defineRoute({
    ...ONE_LISTING,
    name: `listings/:id/${action}`,
    printedPath: `/oauth/v1/endpoints/listings/{id}/${action}`,
    method: 'POST',
    operationId: publish ? 'publishListing' : 'unpublishListing',
    summary: publish ? 'Publish a listing' : 'Unpublish a listing',
    description: publish
      ? `From now on the listing is found by search and can be booked. Publishing a published listing changes nothing. No body. ${OWNER_ROLE}`
      : `From now on the listing is no longer found nor bookable; bookings already made stay exactly as they are (their passes and gates keep working). Unpublishing an unpublished listing changes nothing; a draft stays a draft. No body. ${OWNER_ROLE}`,
    response: {
      200: json(
        publish ? 'The listing, published.' : 'The listing, unpublished.',
        envelopeSchema(ListingWire),
        {
          [action]: {
            summary: publish ? 'Published' : 'Unpublished',
            value: publish ? PUBLISHED : UNPUBLISHED,
          },
        },
      ),
      ...ownerFailures(),
      ...bodyFailures(),
      404: LISTING_NOT_FOUND,
    },
    handler: async ({ ctx, auth, request, reply }) => {
      const { id } = request.params as { id: string };
      const now = ctx.clock.now();
      const listing = await (publish ? publishListing : unpublishListing)(ctx.db, auth, id, now);
      request.log.info(
        {
          event: `listing.${action}ed`,
          accountId: auth.accountId,
          listingId: listing.id,
          status: listing.status,
        },
        `listing ${action}ed`,
      );
      return reply.header('cache-control', 'no-store').send(envelope(listingWire(listing), now));
    },
  });
}

export const publishListingRoute = statusRoute('publish');
export const unpublishListingRoute = statusRoute('unpublish');

const WINDOW_TIME =
  'RFC 3339 with an offset, or a naive local `YYYY-MM-DDTHH:MM[:SS]` read in the property’s zone.';

/** products.md §1, owners: `GET …/listings/{id}/bookings` (the booking side's listListingBookings). */
export const listingBookingsRoute = defineRoute({
  ...ONE_LISTING,
  name: 'listings/:id/bookings',
  printedPath: '/oauth/v1/endpoints/listings/{id}/bookings',
  method: 'GET',
  operationId: 'listListingBookings',
  summary: 'List a listing’s bookings',
  description: `The bookings of one of the account’s listings (confirmed, cancelled and completed; never a charge still in flight), by start then id, keyset-paginated (\`limit\`, \`cursor\`). \`from\`/\`to\` keep the bookings whose window overlaps \`[from, to)\` — the owner’s calendar. ${OWNER_ROLE}`,
  querystring: Type.Object({
    from: Type.Optional(Type.String({ description: `Start of the calendar range. ${WINDOW_TIME}` })),
    to: Type.Optional(Type.String({ description: `End of the calendar range (exclusive). ${WINDOW_TIME}` })),
    ...PageQuery,
  }),
  response: {
    200: json('A page of the listing’s bookings.', envelopeSchema(BookingPage), {
      page: {
        summary: 'One booking, the last page',
        value: { success: true, timestamp: TIMESTAMP, data: { items: [BOOKING], next_cursor: null } },
      },
    }),
    ...ownerFailures(),
    404: LISTING_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const { id } = request.params as { id: string };
    const query = request.query as { from?: string; to?: string; limit?: number; cursor?: string };
    const now = ctx.clock.now();
    const listing = await getListing(ctx.db, auth, id);
    const property = await findPropertyById(ctx.db, listing.propertyId);
    const zone = property?.timeZone ?? 'UTC';
    const range = {
      from: query.from === undefined ? undefined : parseWindowTime(query.from, zone, 'from'),
      to: query.to === undefined ? undefined : parseWindowTime(query.to, zone, 'to'),
    };
    const page = await listListingBookings(
      ctx.db,
      auth,
      listing.id,
      range,
      { limit: query.limit ?? 50, cursor: query.cursor ?? null },
      now,
    );
    return reply
      .header('cache-control', 'no-store')
      .send(
        envelope(
          { items: page.items.map((b) => toWireBooking(b, ctx.publicUrl)), next_cursor: page.nextCursor },
          now,
        ),
      );
  },
});

export const listingsRoutes = [
  listListingsRoute,
  createListingRoute,
  getListingRoute,
  updateListingRoute,
  publishListingRoute,
  unpublishListingRoute,
  listingBookingsRoute,
];
