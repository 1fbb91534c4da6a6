import { Type } from 'typebox';
import type { EarningsReport } from '../../../marketplace/earnings.ts';
import type { ListingInput, ListingPatch, RatesInput } from '../../../marketplace/listings.ts';
import { availabilityToWire } from '../../../marketplace/opening-hours.ts';
import type { AddressInput, PropertyInput, PropertyPatch } from '../../../marketplace/properties.ts';
import type { Listing, ListingKind, Page, Property, VehicleSize } from '../../../marketplace/records.ts';
import { LISTING_STATUSES, VEHICLE_SIZES } from '../../../marketplace/records.ts';
import { says } from '../api-validation.ts';
import { HexId, idParameter, Nullable, OneOf } from '../wire-schemas.ts';

/**
 * The owners' wire (products.md §1): properties, listings and earnings as the API sends and takes
 * them, their TypeBox schemas (validation and the OpenAPI document: one source) and examples.
 */

// ---- schemas ----

export const MoneyWire = Type.Object(
  {
    amount: Type.Integer({ description: 'Integer minor units (cents for USD).' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, upper case.' }),
  },
  { description: 'Money: integer minor units and an ISO 4217 currency (products.md §0).' },
);

const MoneyIn = Type.Object(
  {
    amount: Type.Integer({
      minimum: 1,
      description: 'Integer minor units, more than 0.',
      ...says({ default: '{field} must be a whole number of minor units, more than 0' }),
    }),
    currency: Type.String({
      pattern: '^[A-Za-z]{3}$',
      description: 'ISO 4217 (upper case on the way out).',
      ...says({ default: '{field} must be an ISO 4217 code such as USD' }),
    }),
  },
  {
    additionalProperties: false,
    ...says({ default: '{field} must be {"amount": …, "currency": "…"} or null' }),
  },
);

const AddressWire = Type.Object({
  line1: Type.String(),
  line2: Nullable(Type.String()),
  city: Type.String(),
  region: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  country: Type.String({ description: 'ISO 3166-1 alpha-2, upper case.' }),
});

const ADDRESS_SHAPE = '{"line1", "line2", "city", "region", "postal_code", "country"}';
const AddressIn = Type.Object(
  {
    line1: Type.String({ description: 'Street and number.' }),
    line2: Type.Optional(Nullable(Type.String())),
    city: Type.String(),
    region: Type.Optional(Nullable(Type.String({ description: 'State, province or county.' }))),
    postal_code: Type.Optional(Nullable(Type.String())),
    country: Type.String({ description: 'ISO 3166-1 alpha-2 (`US`).' }),
  },
  {
    additionalProperties: false,
    ...says({
      default: `address must be an object ${ADDRESS_SHAPE}`,
      additionalProperties: `unknown field "{name}" in address; expected ${ADDRESS_SHAPE}`,
    }),
  },
);

const DOOR_ID_WORDS = 'a door id (32 hexadecimal characters or a UUID)';

const Latitude = Type.Number({
  minimum: -90,
  maximum: 90,
  description: 'WGS 84 degrees.',
  ...says({ default: 'latitude must be a number from -90 to 90' }),
});
const Longitude = Type.Number({
  minimum: -180,
  maximum: 180,
  description: 'WGS 84 degrees.',
  ...says({ default: 'longitude must be a number from -180 to 180' }),
});
const TimeZone = Type.String({
  description: 'IANA time zone (`America/New_York`): naive times of its listings are read in it.',
});
const GateIds = Type.Array(idParameter(DOOR_ID_WORDS), {
  maxItems: 100,
  description: 'Doors of your account that are its gates: a booking opens them during its window.',
  ...says({
    default: 'door_ids must be a list of door ids',
    maxItems: 'door_ids may name at most 100 doors',
  }),
});

export const PropertyWire = Type.Object({
  id: HexId,
  name: Type.String(),
  address: AddressWire,
  latitude: Type.Number(),
  longitude: Type.Number(),
  time_zone: Type.String({ description: 'IANA time zone.' }),
  door_ids: Type.Array(HexId, { description: 'Its gates, doors of the account, sorted.' }),
});

const PROPERTY_SHAPE = '{"name", "address", "latitude", "longitude", "time_zone", "door_ids"}';
const propertyBodyWords = says({
  default: `the body must be a JSON object ${PROPERTY_SHAPE}`,
  additionalProperties: `unknown field "{name}"; expected ${PROPERTY_SHAPE}`,
});

export const PropertyCreateBody = Type.Object(
  {
    name: Type.String({ description: 'What renters see (`Midtown Garage`).' }),
    address: AddressIn,
    latitude: Latitude,
    longitude: Longitude,
    time_zone: TimeZone,
    door_ids: Type.Optional(GateIds),
  },
  { additionalProperties: false, ...propertyBodyWords },
);

export const PropertyPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String()),
    address: Type.Optional(AddressIn),
    latitude: Type.Optional(Latitude),
    longitude: Type.Optional(Longitude),
    time_zone: Type.Optional(TimeZone),
    door_ids: Type.Optional(GateIds),
  },
  { additionalProperties: false, ...propertyBodyWords },
);

const OpeningEntry = Type.Object({
  day: OneOf(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
  opens: Type.String({ description: '`HH:MM`, local.' }),
  closes: Type.String({ description: '`HH:MM`, local; may be `24:00`.' }),
});

const AvailabilityWire = Type.Object(
  {
    weekly: Type.Array(OpeningEntry),
    closed_dates: Type.Array(Type.String({ description: '`YYYY-MM-DD`, local.' })),
  },
  {
    description:
      "Opening hours in the property's zone: several entries per day allowed; a window crossing midnight needs both days open to the edge; an empty `weekly` is open at all times (closed dates still close their day).",
  },
);

/** Taken loosely here: the service checks it and says precisely what is wrong (`invalid_availability`). */
const AvailabilityIn = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  ...says({ default: 'availability must be an object {"weekly": […], "closed_dates": […]} or null' }),
  description:
    '`{"weekly": [{"day": "mon"…"sun", "opens": "HH:MM", "closes": "HH:MM"}], "closed_dates": ["YYYY-MM-DD"]}` in the property’s zone; null (or left out): open at all times.',
});

export const ListingWire = Type.Object({
  id: HexId,
  property_id: HexId,
  title: Type.String(),
  description: Type.String(),
  kind: OneOf(['space', 'pool'], {
    description: '`space`: one place (capacity 1); `pool`: `capacity` alike.',
  }),
  capacity: Type.Integer({ minimum: 1 }),
  vehicle_size_max: OneOf(VEHICLE_SIZES),
  rates: Type.Object({
    hourly: Nullable(MoneyWire),
    daily_max: Nullable(MoneyWire),
    monthly: Nullable(MoneyWire),
  }),
  min_minutes: Nullable(Type.Integer()),
  max_minutes: Nullable(Type.Integer()),
  availability: Nullable(AvailabilityWire),
  cancellation: Type.Object({
    free_until_minutes_before: Type.Integer({
      minimum: 0,
      description: 'A cancellation at least this many minutes before the start is refunded in full.',
    }),
  }),
  status: OneOf(LISTING_STATUSES, { description: 'Only `published` listings are found and booked.' }),
});

const RatesIn = Type.Object(
  {
    hourly: Type.Optional(Nullable(MoneyIn)),
    daily_max: Type.Optional(Nullable(MoneyIn)),
    monthly: Type.Optional(Nullable(MoneyIn)),
  },
  {
    additionalProperties: false,
    ...says({
      default: 'rates must be an object {"hourly", "daily_max", "monthly"}',
      additionalProperties: 'unknown rate "{name}"; rates are hourly, daily_max and monthly',
    }),
  },
);

const CancellationIn = Type.Object(
  {
    free_until_minutes_before: Type.Integer({
      minimum: 0,
      ...says({ default: 'cancellation.free_until_minutes_before must be a whole number of minutes' }),
    }),
  },
  {
    additionalProperties: false,
    ...says({ default: 'cancellation must be {"free_until_minutes_before": …}' }),
  },
);

const Minutes = (description: string) =>
  Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        description,
        ...says({ default: '{field} must be a whole number of minutes' }),
      }),
    ),
  );

const LISTING_SHAPE =
  '{"property_id", "title", "description", "kind", "capacity", "vehicle_size_max", "rates", "min_minutes", "max_minutes", "availability", "cancellation"}';
const listingBodyWords = says({
  default: `the body must be a JSON object ${LISTING_SHAPE}`,
  additionalProperties: `unknown field "{name}"; expected ${LISTING_SHAPE}`,
});
const editableListingFields = {
  title: Type.String({ description: 'What renters see.' }),
  description: Type.Optional(Type.String()),
  capacity: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'A pool’s number of places (required for a pool); 1 for a space.',
      ...says({ default: 'capacity must be a whole number, at least 1' }),
    }),
  ),
  vehicle_size_max: Type.Optional(
    OneOf(VEHICLE_SIZES, {
      description: 'Default `standard`.',
      ...says({ default: `vehicle_size_max must be one of ${VEHICLE_SIZES.join(', ')}` }),
    }),
  ),
  rates: RatesIn,
  min_minutes: Minutes('Shortest booking.'),
  max_minutes: Minutes('Longest booking.'),
  availability: Type.Optional(AvailabilityIn),
  cancellation: Type.Optional(CancellationIn),
};

export const ListingCreateBody = Type.Object(
  {
    property_id: idParameter(
      'a property id (32 hexadecimal characters or a UUID)',
      'One of your properties.',
    ),
    kind: OneOf(['space', 'pool'], { ...says({ default: 'kind must be "space" or "pool"' }) }),
    ...editableListingFields,
  },
  { additionalProperties: false, ...listingBodyWords },
);

export const ListingPatchBody = Type.Object(
  {
    ...editableListingFields,
    title: Type.Optional(editableListingFields.title),
    rates: Type.Optional(RatesIn),
  },
  {
    additionalProperties: false,
    ...says({
      default: 'the body must be a JSON object of the fields to change',
      additionalProperties:
        'unknown or fixed field "{name}" (property_id and kind are fixed at creation; make another listing instead)',
    }),
  },
);

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 200,
      default: 50,
      description: 'Items per page.',
      ...says({ default: 'limit must be a whole number from 1 to 200' }),
    }),
  ),
  cursor: Type.Optional(Type.String({ description: 'The `next_cursor` of the previous page.' })),
};

export function pageWire(item: ReturnType<typeof Type.Object>) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
    ),
  });
}

export const IdParams = Type.Object({ id: idParameter('an id (32 hexadecimal characters or a UUID)') });

// ---- mapping ----

export function propertyWire(property: Property) {
  return {
    id: property.id,
    name: property.name,
    address: property.address,
    latitude: property.latitude,
    longitude: property.longitude,
    time_zone: property.timeZone,
    door_ids: property.doorIds,
  };
}

export function listingWire(listing: Listing) {
  return {
    id: listing.id,
    property_id: listing.propertyId,
    title: listing.title,
    description: listing.description,
    kind: listing.kind,
    capacity: listing.capacity,
    vehicle_size_max: listing.vehicleSizeMax,
    rates: {
      hourly: listing.rates.hourly,
      daily_max: listing.rates.dailyMax,
      monthly: listing.rates.monthly,
    },
    min_minutes: listing.minMinutes,
    max_minutes: listing.maxMinutes,
    availability: listing.availability && availabilityToWire(listing.availability),
    cancellation: { free_until_minutes_before: listing.freeCancelMinutes },
    status: listing.status,
  };
}

export function pageOfWire<T, W>(page: Page<T>, wire: (item: T) => W) {
  return { items: page.items.map(wire), next_cursor: page.nextCursor };
}

type Body = Record<string, unknown>;

function addressInput(value: unknown): AddressInput {
  return value as AddressInput;
}

export function propertyInputOf(body: Body): PropertyInput {
  return {
    name: body.name as string,
    address: addressInput(body.address),
    latitude: body.latitude as number,
    longitude: body.longitude as number,
    timeZone: body.time_zone as string,
    doorIds: (body.door_ids as string[] | undefined) ?? [],
  };
}

export function propertyPatchOf(body: Body): PropertyPatch {
  const patch: PropertyPatch = {};
  if ('name' in body) patch.name = body.name as string;
  if ('address' in body) patch.address = addressInput(body.address);
  if ('latitude' in body) patch.latitude = body.latitude as number;
  if ('longitude' in body) patch.longitude = body.longitude as number;
  if ('time_zone' in body) patch.timeZone = body.time_zone as string;
  if ('door_ids' in body) patch.doorIds = body.door_ids as string[];
  return patch;
}

type MoneyBody = { amount: number; currency: string } | null;

function ratesInputOf(rates: Record<string, MoneyBody>): RatesInput {
  const result: RatesInput = {};
  if ('hourly' in rates) result.hourly = rates.hourly;
  if ('daily_max' in rates) result.dailyMax = rates.daily_max;
  if ('monthly' in rates) result.monthly = rates.monthly;
  return result;
}

export function listingPatchOf(body: Body): ListingPatch {
  const patch: ListingPatch = {};
  if ('title' in body) patch.title = body.title as string;
  if ('description' in body) patch.description = body.description as string;
  if ('capacity' in body) patch.capacity = body.capacity as number;
  if ('vehicle_size_max' in body) patch.vehicleSizeMax = body.vehicle_size_max as VehicleSize;
  if ('rates' in body) patch.rates = ratesInputOf(body.rates as Record<string, MoneyBody>);
  if ('min_minutes' in body) patch.minMinutes = body.min_minutes as number | null;
  if ('max_minutes' in body) patch.maxMinutes = body.max_minutes as number | null;
  if ('availability' in body) patch.availability = body.availability;
  if ('cancellation' in body) {
    patch.freeCancelMinutes = (
      body.cancellation as { free_until_minutes_before: number }
    ).free_until_minutes_before;
  }
  return patch;
}

export function listingInputOf(body: Body): ListingInput {
  return {
    ...listingPatchOf(body),
    propertyId: body.property_id as string,
    title: body.title as string,
    kind: body.kind as ListingKind,
    rates: ratesInputOf(body.rates as Record<string, MoneyBody>),
  };
}

// ---- earnings ----

const EarningsRow = Type.Object({
  currency: Type.String({ description: 'ISO 4217: a row per currency of your listings.' }),
  gross: MoneyWire,
  platform_fee: Type.Object(MoneyWire.properties, {
    description: 'The service-fee lines renters paid the platform, less their share of refunds.',
  }),
  refunds: Type.Object(MoneyWire.properties, {
    description: 'The parking share of refunds of the lines counted in this period (not when refunded).',
  }),
  net: Type.Object(MoneyWire.properties, { description: '`gross` − `refunds`.' }),
});

export const EarningsWire = Type.Object({
  period: OneOf(['day', 'month']),
  from: Type.String({
    description: 'First local day counted (`YYYY-MM-DD`, inclusive), in each property’s zone.',
  }),
  to: Type.String({
    description: 'Local day where counting stops (`YYYY-MM-DD`, exclusive), in each property’s zone.',
  }),
  items: Type.Array(
    Type.Object({
      period: Type.String({
        description:
          '`YYYY-MM-DD` (day) or `YYYY-MM` (month): the property’s local day or month (its `time_zone`); with properties in several zones, each line goes by its own property’s zone.',
      }),
      ...EarningsRow.properties,
    }),
    { description: 'Periods with something to count, oldest first; within a period, by currency.' },
  ),
  totals: Type.Array(EarningsRow, { description: 'The whole range, a row per currency.' }),
});

export function earningsWire(report: EarningsReport) {
  const row = (r: EarningsReport['totals'][number]) => ({
    currency: r.currency,
    gross: r.gross,
    platform_fee: r.platformFee,
    refunds: r.refunds,
    net: r.net,
  });
  return {
    period: report.period,
    from: report.from,
    to: report.to,
    items: report.items.map((item) => ({ period: item.period, ...row(item) })),
    totals: report.totals.map(row),
  };
}

// ---- examples ----

const DOOR_ID = '70fc7ebd63d841d9a9f06ff815be1e7c';
export const PROPERTY_ID = '5a1d3c9e7b2f4e6a8c0d1f3b5e7a9c2d';
export const LISTING_ID = '9e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f';

export const PROPERTY_REQUEST = {
  name: 'Midtown Garage',
  address: {
    line1: '350 W 39th St',
    line2: null,
    city: 'New York',
    region: 'NY',
    postal_code: '10018',
    country: 'US',
  },
  latitude: 40.7566,
  longitude: -73.9918,
  time_zone: 'America/New_York',
  door_ids: [DOOR_ID],
};

export const PROPERTY_EXAMPLE = { id: PROPERTY_ID, ...PROPERTY_REQUEST };

export const LISTING_REQUEST = {
  property_id: PROPERTY_ID,
  title: 'Covered space, level 2',
  description: 'Height limit 2.1 m. Enter on 39th Street.',
  kind: 'space',
  vehicle_size_max: 'standard',
  rates: {
    hourly: { amount: 600, currency: 'USD' },
    daily_max: { amount: 3500, currency: 'USD' },
    monthly: { amount: 42000, currency: 'USD' },
  },
  min_minutes: 60,
  max_minutes: 10080,
  availability: {
    weekly: [
      { day: 'mon', opens: '06:00', closes: '24:00' },
      { day: 'tue', opens: '00:00', closes: '24:00' },
    ],
    closed_dates: ['2026-12-25'],
  },
  cancellation: { free_until_minutes_before: 60 },
};

export const LISTING_EXAMPLE = {
  id: LISTING_ID,
  ...LISTING_REQUEST,
  capacity: 1,
  status: 'draft',
};

export const EARNINGS_EXAMPLE = {
  period: 'month',
  from: '2026-01-01',
  to: '2026-03-01',
  items: [
    {
      period: '2026-01',
      currency: 'USD',
      gross: { amount: 125000, currency: 'USD' },
      platform_fee: { amount: 12150, currency: 'USD' },
      refunds: { amount: 3500, currency: 'USD' },
      net: { amount: 121500, currency: 'USD' },
    },
    {
      period: '2026-02',
      currency: 'USD',
      gross: { amount: 98000, currency: 'USD' },
      platform_fee: { amount: 9800, currency: 'USD' },
      refunds: { amount: 0, currency: 'USD' },
      net: { amount: 98000, currency: 'USD' },
    },
  ],
  totals: [
    {
      currency: 'USD',
      gross: { amount: 223000, currency: 'USD' },
      platform_fee: { amount: 21950, currency: 'USD' },
      refunds: { amount: 3500, currency: 'USD' },
      net: { amount: 219500, currency: 'USD' },
    },
  ],
};
