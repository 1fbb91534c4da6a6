import { Type } from 'typebox';
import { MAX_QUOTE_ID_LENGTH } from '../../../marketplace/quote-tokens.ts';
import { says } from '../api-validation.ts';
import { HexId, idParameter, Nullable, OneOf } from '../wire-schemas.ts';
import { ListingWire, MoneyWire } from './wire-owner.ts';

/**
 * The renter's side of the Marketplace on the wire (products.md §0, §1): search, book, cancel, one's
 * own bookings and orders. TypeBox schemas: the routes validate with them, the document shows them.
 */

/** RFC 3339 UTC with `Z` (products.md §0 "Time": outputs). */
export const UtcInstant = Type.String({
  format: 'date-time',
  description: 'RFC 3339 in UTC, with `Z`.',
  examples: ['2026-03-09T13:00:00Z'],
});

/** `YYYY-MM-DD HH:MM:SS` in the property's zone (products.md §0 "Time": `_local` outputs). */
export const PropertyLocalTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
  description: "`YYYY-MM-DD HH:MM:SS` in the property's `time_zone`.",
});

/** products.md §0 "Money": integer minor units + ISO 4217 (one schema with the owners' side). */
const MoneySchema = MoneyWire;

const PriceLineSchema = Type.Object({ label: Type.String(), amount: MoneySchema });

/** products.md §1 "Search": a quote, valid 10 minutes. */
export const QuoteSchema = Type.Object({
  id: Type.String({
    description:
      'The quote itself, signed by this server (opaque; about 250 characters): book it with `POST bookings` as `quote_id` before `expires_at`.',
  }),
  total: MoneySchema,
  lines: Type.Array(PriceLineSchema, { description: 'Parking, then the service fee (when there is one).' }),
  expires_at: UtcInstant,
});

const AddressSchema = Type.Object({
  line1: Type.String(),
  line2: Nullable(Type.String()),
  city: Type.String(),
  region: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  country: Type.String({ description: 'ISO 3166-1 alpha-2.' }),
});

/** Where a found listing is: what a renter needs to get there (no gate ids). */
export const SearchPropertySchema = Type.Object({
  id: HexId,
  name: Type.String(),
  address: AddressSchema,
  latitude: Type.Number(),
  longitude: Type.Number(),
  time_zone: Type.String({
    description: 'IANA zone: naive times are read in it, `_local` outputs written in it.',
  }),
});

/** products.md §1 "Search": the listing's fields (as its owner sees them), plus where, how far and a quote. */
export const SearchItem = Type.Object({
  ...ListingWire.properties,
  distance_m: Type.Integer({ minimum: 0, description: 'Metres from the point searched, as the crow flies.' }),
  property: SearchPropertySchema,
  quote: QuoteSchema,
});

const Coordinate = (name: string, max: number) =>
  Type.Number({
    minimum: -max,
    maximum: max,
    description: `Decimal degrees, −${max} to ${max}.`,
    ...says({
      required: `${name} is required`,
      default: `${name} must be a number from -${max} to ${max}`,
    }),
  });

const WindowInput = (name: string, description: string) =>
  Type.String({
    // The form only (a date, `T`, a time); the service reads the rest and names what is wrong.
    pattern: '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}',
    description,
    ...says({
      required: `${name} is required`,
      default: `${name} must be RFC 3339 with an offset or a local YYYY-MM-DDTHH:MM[:SS]`,
    }),
  });

/** products.md §1 "Search". */
export const SearchQuery = Type.Object({
  latitude: Coordinate('latitude', 90),
  longitude: Coordinate('longitude', 180),
  radius_m: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 20000,
      default: 1600,
      description: 'Metres, at most 20000.',
      ...says({ default: 'radius_m must be a whole number of metres from 1 to 20000' }),
    }),
  ),
  starts: WindowInput(
    'starts',
    'RFC 3339 with an offset, or a naive local `YYYY-MM-DDTHH:MM[:SS]` read in each listing’s property zone.',
  ),
  ends: WindowInput('ends', 'Like `starts`; the window is half-open `[starts, ends)`.'),
});

export const SearchResults = Type.Object({
  items: Type.Array(SearchItem, { description: 'Nearest first, at most 50.' }),
});

/** products.md §0 "lists": keyset pages. */
export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 200,
      default: 50,
      description: 'Items per page (at most 200).',
      ...says({ default: 'limit must be a whole number from 1 to 200' }),
    }),
  ),
  cursor: Type.Optional(Type.String({ description: 'The `next_cursor` of the previous page.' })),
};

export const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
);

/** The booking's id in the path. */
export const BookingIdParams = Type.Object({
  id: idParameter('a booking id (32 hexadecimal characters or a UUID)', 'The booking.'),
});

const BOOK_SHAPE =
  '{"quote_id", "final_price", "vehicle_id" or "plate", "payment_method"} or {"listing_id", "plan": "monthly", "starts", …}';

/** products.md §1 "Book": from a quote, or a monthly plan of a listing. */
export const BookRequest = Type.Object(
  {
    quote_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_QUOTE_ID_LENGTH,
        description:
          'The quote’s `id` (from search), for an hourly booking: opaque, as given. Another person’s, an altered or an unknown one is `404 quote_not_found`.',
        ...says({
          default: `quote_id must be a quote id from search (1 to ${MAX_QUOTE_ID_LENGTH} characters)`,
        }),
      }),
    ),
    final_price: Type.Optional(
      Type.Object(
        {
          amount: Type.Integer({
            ...says({ default: 'final_price.amount must be a whole number of minor units' }),
          }),
          currency: Type.String({
            pattern: '^[A-Za-z]{3}$',
            ...says({ default: 'final_price.currency must be an ISO 4217 code' }),
          }),
        },
        {
          description:
            'The total the renter agreed to (the quote’s `total`): a different price is `409 price_changed`. Required with `quote_id`; optional for a monthly plan.',
          ...says({ default: 'final_price must be {"amount": …, "currency": …}' }),
        },
      ),
    ),
    listing_id: Type.Optional(
      idParameter('a listing id (32 hexadecimal characters)', 'Monthly plan: the listing.'),
    ),
    plan: Type.Optional(
      OneOf(['monthly'], {
        description: 'Monthly plan: `monthly` (renews each month until cancelled).',
        ...says({ default: 'plan must be "monthly" (hourly bookings come from a quote_id)' }),
      }),
    ),
    starts: Type.Optional(
      WindowInput('starts', 'Monthly plan: the first day, RFC 3339 or naive local in the property’s zone.'),
    ),
    vehicle_id: Type.Optional(
      idParameter(
        'a vehicle id (32 hexadecimal characters)',
        'One of the renter’s vehicles (its plate is used).',
      ),
    ),
    plate: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16,
        description:
          'The plate, when not one of the renter’s vehicles: letters and digits, spaces and dashes allowed, at most 16 characters.',
        ...says({ default: 'plate must be 1 to 16 characters' }),
      }),
    ),
    payment_method: Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'A payment method of the processor: with the simulated processor `pm_card_visa` (succeeds) or `pm_card_chargeDeclined` (declined).',
      ...says({
        required: 'payment_method is required',
        default: 'payment_method must be a payment method id',
      }),
    }),
  },
  {
    additionalProperties: false,
    description: `Either a quote (\`quote_id\`, \`final_price\`) or a monthly plan (\`listing_id\`, \`plan: "monthly"\`, \`starts\`); and exactly one of \`vehicle_id\` and \`plate\`.`,
    ...says({
      default: `the body must be a JSON object ${BOOK_SHAPE}`,
      additionalProperties: `unknown field "{name}"; expected ${BOOK_SHAPE}`,
    }),
  },
);

/** products.md §1 "Book": a booking as its renter (and its owner) sees it. */
export const BookingSchema = Type.Object({
  id: HexId,
  status: OneOf(['confirmed', 'cancelled', 'completed']),
  plan: OneOf(['hourly', 'monthly']),
  listing_id: HexId,
  property_id: HexId,
  starts_at: UtcInstant,
  ends_at: UtcInstant,
  starts_at_local: PropertyLocalTime,
  ends_at_local: PropertyLocalTime,
  time_zone: Type.String({ description: 'The property’s IANA zone.' }),
  plate: Type.String(),
  vehicle_id: Nullable(HexId),
  pass: Type.Object({
    code: Type.String({ pattern: '^[A-HJ-NP-Z2-9]{8}$', description: '8 characters, no 0/O/1/I.' }),
    url: Type.String({ format: 'uri', description: 'The pass page: QR code, address, window, Open button.' }),
  }),
  order: Type.Object({ id: HexId, total: MoneySchema, status: OneOf(['paid', 'refunded']) }),
  renews_at: Nullable(UtcInstant),
  cancelled_at: Nullable(UtcInstant),
  created_at: UtcInstant,
});

export const BookingPage = Type.Object({ items: Type.Array(BookingSchema), next_cursor: NextCursor });

export const BookingsQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    OneOf(['confirmed', 'cancelled', 'completed'], {
      description: 'Only bookings of this status.',
      ...says({ default: 'status must be confirmed, cancelled or completed' }),
    }),
  ),
});

/** products.md §1 "Lists": an order with its lines and its payments (refunds are payments of kind `refund`). */
export const OrderSchema = Type.Object({
  id: HexId,
  booking_id: HexId,
  status: OneOf(['paid', 'refunded']),
  total: MoneySchema,
  lines: Type.Array(
    Type.Object({
      kind: OneOf(['parking', 'service_fee']),
      label: Type.String(),
      amount: MoneySchema,
      period_starts_at: UtcInstant,
      period_ends_at: UtcInstant,
    }),
  ),
  payments: Type.Array(
    Type.Object({
      id: HexId,
      kind: OneOf(['charge', 'refund']),
      amount: MoneySchema,
      processor: Type.String({ description: '`simulated` or `stripe`.' }),
      created_at: UtcInstant,
    }),
  ),
  created_at: UtcInstant,
});

export const OrderPage = Type.Object({ items: Type.Array(OrderSchema), next_cursor: NextCursor });

export const OrdersQuery = Type.Object(PageQuery);

/** `sync`'s `marketplace` section (products.md §1). */
export const SyncMarketplace = Type.Object({
  bookings: Type.Array(BookingSchema, { description: 'The user’s bookings that are upcoming or running.' }),
  listings: Type.Array(ListingWire, {
    description: 'The account’s listings, for its Admin; empty for a User.',
  }),
});
