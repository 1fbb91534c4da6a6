import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { normalizeHexId } from '../access/ids.ts';
import { listingWire, propertyWire } from '../api/v1/marketplace/wire-owner.ts';
import { DomainError } from '../lib/domain-error.ts';
import { money } from '../lib/money.ts';
import { formatUtcInstant } from '../marketplace/booking-window.ts';
import { ListingNotFound, PropertyNotFound } from '../marketplace/errors.ts';
import {
  createListing,
  getListing,
  type ListingInput,
  type ListingPatch,
  listListings,
  publishListing,
  unpublishListing,
  updateListing,
} from '../marketplace/listings.ts';
import {
  type AddressInput,
  createProperty,
  getProperty,
  listProperties,
  type PropertyPatch,
  updateProperty,
} from '../marketplace/properties.ts';
import {
  type Actor,
  LISTING_STATUSES,
  type Listing,
  type ListingStatus,
  type Page,
  type PageRequest,
  type Property,
  VEHICLE_SIZES,
  type VehicleSize,
} from '../marketplace/records.ts';
import type { Db } from '../storage/schema.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

// `parqex properties …` and `parqex listings …` (products.md §1, owners): the operator acts for an
// account's Admin. The same services as the API's, so the same rules and refusals.

export const PROPERTIES_HELP = `parqex properties — an account's parking sites (garages, lots, driveways) and their gates

  parqex properties create --account ACCOUNT_ID --name NAME --line1 STREET --city CITY --country CC
                           --latitude DEG --longitude DEG --time-zone IANA_ZONE
                           [--line2 …] [--region …] [--postal-code …] [--door DOOR_ID …]
      Creates a property of the account; prints it. --door, once per gate: doors of the account
      that a booking opens during its window. --time-zone: naive times of its listings are read in it.
      A negative coordinate takes the = form: --longitude=-73.9918.
  parqex properties list --account ACCOUNT_ID     the account's properties
  parqex properties show PROPERTY_ID [--account ACCOUNT_ID]
  parqex properties update PROPERTY_ID [--account ACCOUNT_ID] [--name …] [--line1 …] [--line2 …]
                           [--city …] [--region …] [--postal-code …] [--country …] [--latitude …]
                           [--longitude …] [--time-zone …] [--door DOOR_ID … | --no-doors]
      Changes what is given; address options change those lines of the address; --door replaces
      the gates (--no-doors: none). Prints the property as it now is.

--account selects the owner account (its Admin acts); show and update find it from the property
when it is left out. Every command takes --json (the API's wire shape on stdout) and --help.`;

export const LISTINGS_HELP = `parqex listings — what an account's properties rent out

  parqex listings create --account ACCOUNT_ID --property PROPERTY_ID --title TITLE --kind space|pool
                         --currency CODE [--hourly MINOR] [--daily-max MINOR] [--monthly MINOR]
                         [--capacity N] [--vehicle-size-max compact|standard|oversize]
                         [--min-minutes N] [--max-minutes N] [--free-cancel-minutes N]
                         [--availability JSON] [--description TEXT] [--publish]
      Creates a draft listing (--publish: published at once); prints it. Rates are integer minor
      units of --currency (--hourly 600 --currency USD is $6.00 an hour); at least one rate.
      A pool needs --capacity. --availability is the API's JSON, e.g.
      '{"weekly":[{"day":"mon","opens":"08:00","closes":"18:00"}],"closed_dates":[]}'.
  parqex listings list --account ACCOUNT_ID [--property PROPERTY_ID] [--status draft|published|unpublished]
  parqex listings show LISTING_ID [--account ACCOUNT_ID]
  parqex listings update LISTING_ID [--account ACCOUNT_ID] [--title …] [--description …] [--capacity N]
                         [--vehicle-size-max …] [--hourly MINOR|none] [--daily-max MINOR|none]
                         [--monthly MINOR|none] [--currency CODE] [--min-minutes N|none]
                         [--max-minutes N|none] [--free-cancel-minutes N] [--availability JSON|none]
      Changes what is given (none removes a rate, a bound or the opening hours); rates are in the
      listing's currency unless --currency says otherwise. Prints the listing as it now is.
  parqex listings publish LISTING_ID [--account ACCOUNT_ID]     found and bookable from now on
  parqex listings unpublish LISTING_ID [--account ACCOUNT_ID]   no longer found nor bookable;
                                                                existing bookings stay as they are

--account selects the owner account (its Admin acts); show, update, publish and unpublish find it
from the listing when it is left out. Every command takes --json (the API's wire shape) and --help.`;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean' }, account: { type: 'string' } } as const;
const ADDRESS = {
  name: { type: 'string' },
  line1: { type: 'string' },
  line2: { type: 'string' },
  city: { type: 'string' },
  region: { type: 'string' },
  'postal-code': { type: 'string' },
  country: { type: 'string' },
  latitude: { type: 'string' },
  longitude: { type: 'string' },
  'time-zone': { type: 'string' },
  door: { type: 'string', multiple: true },
} as const;

const PROPERTY_OPTIONS = {
  create: { ...COMMON, ...ADDRESS },
  list: COMMON,
  show: COMMON,
  update: { ...COMMON, ...ADDRESS, 'no-doors': { type: 'boolean' } },
} satisfies Record<string, ParseArgsOptionsConfig>;

const LISTING_OPTIONS = {
  create: {
    ...COMMON,
    property: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    kind: { type: 'string' },
    capacity: { type: 'string' },
    'vehicle-size-max': { type: 'string' },
    currency: { type: 'string' },
    hourly: { type: 'string' },
    'daily-max': { type: 'string' },
    monthly: { type: 'string' },
    'min-minutes': { type: 'string' },
    'max-minutes': { type: 'string' },
    'free-cancel-minutes': { type: 'string' },
    availability: { type: 'string' },
    publish: { type: 'boolean' },
  },
  list: { ...COMMON, property: { type: 'string' }, status: { type: 'string' } },
  show: COMMON,
  update: {
    ...COMMON,
    title: { type: 'string' },
    description: { type: 'string' },
    capacity: { type: 'string' },
    'vehicle-size-max': { type: 'string' },
    currency: { type: 'string' },
    hourly: { type: 'string' },
    'daily-max': { type: 'string' },
    monthly: { type: 'string' },
    'min-minutes': { type: 'string' },
    'max-minutes': { type: 'string' },
    'free-cancel-minutes': { type: 'string' },
    availability: { type: 'string' },
  },
  publish: COMMON,
  unpublish: COMMON,
} satisfies Record<string, ParseArgsOptionsConfig>;

type Options = Record<string, string | string[] | boolean | undefined>;

/** An account the operator named that has no Admin (or does not exist). */
class OwnerAccountNotFound extends DomainError {
  constructor(raw: string) {
    super('account_not_found', 'not_found', `no account with the id ${raw} (see parqex users)`);
  }
}

/** Account ids are dashed UUIDs; like every id (spec §4), accept them without dashes and in any case. */
function accountIdOf(raw: string): string {
  const hex = normalizeHexId(raw);
  if (hex === undefined) return raw;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The account's Admin, as whom the operator acts. */
async function adminOf(db: Db, rawAccount: string): Promise<Actor> {
  const admin = await db
    .selectFrom('users')
    .select(['id', 'account_id'])
    .where('account_id', '=', accountIdOf(rawAccount))
    .where('role', '=', 'admin')
    .orderBy('created_at')
    .executeTakeFirst();
  if (!admin) throw new OwnerAccountNotFound(rawAccount);
  return { userId: admin.id, accountId: admin.account_id, role: 'admin' };
}

/** --account, else the account that owns the property or listing named. */
async function actorFor(db: Db, option: Options, owned?: { table: 'properties' | 'listings'; id: string }) {
  if (typeof option.account === 'string') return adminOf(db, option.account);
  if (!owned) throw new UsageError('--account ACCOUNT_ID is required');
  const id = normalizeHexId(owned.id);
  const row =
    id === undefined
      ? undefined
      : await db.selectFrom(owned.table).select('account_id').where('id', '=', id).executeTakeFirst();
  if (!row)
    throw owned.table === 'properties' ? new PropertyNotFound(owned.id) : new ListingNotFound(owned.id);
  return adminOf(db, row.account_id);
}

function wholeNumber(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,12}$/.test(raw))
    throw new UsageError(`${option} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function decimal(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`${option} must be a number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function oneOf<T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${option} must be ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

const str = (option: Options, name: string) => option[name] as string | undefined;

function required(option: Options, name: string, command: string): string {
  const value = str(option, name);
  if (value === undefined) throw new UsageError(`${command} needs --${name}`);
  return value;
}

/** Every page of a list (an operator's list is short). */
async function allPages<T>(fetch: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetch({ limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

function humanProperty(property: Property): string {
  const a = property.address;
  const street = [a.line1, a.line2].filter(Boolean).join(', ');
  const place = [a.postal_code, a.city, a.region, a.country].filter(Boolean).join(' ');
  return [
    `property_id: ${property.id}`,
    `name:        ${property.name}`,
    `address:     ${street}, ${place}`,
    `position:    ${property.latitude}, ${property.longitude}`,
    `time_zone:   ${property.timeZone}`,
    `gates:       ${property.doorIds.length === 0 ? 'none' : property.doorIds.join(', ')}`,
  ].join('\n');
}

function formatMoney(m: { amount: number; currency: string } | null): string {
  if (m === null) return '-';
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  const whole = Math.floor(abs / 10 ** digits);
  const fraction = digits > 0 ? `.${String(abs % 10 ** digits).padStart(digits, '0')}` : '';
  return `${sign}${whole}${fraction} ${m.currency}`;
}

function humanListing(listing: Listing): string {
  const r = listing.rates;
  return [
    `listing_id:  ${listing.id}`,
    `property_id: ${listing.propertyId}`,
    `title:       ${listing.title}`,
    `status:      ${listing.status}`,
    `kind:        ${listing.kind}${listing.kind === 'pool' ? ` of ${listing.capacity}` : ''}, up to ${listing.vehicleSizeMax}`,
    `rates:       hourly ${formatMoney(r.hourly)}, daily max ${formatMoney(r.dailyMax)}, monthly ${formatMoney(r.monthly)}`,
    `minutes:     ${listing.minMinutes ?? 'any'} to ${listing.maxMinutes ?? 'any'}`,
    `hours:       ${listing.availability === null ? 'open at all times' : `${listing.availability.weekly.length} weekly entries, ${listing.availability.closedDates.length} closed dates`}`,
    `free cancel: until ${listing.freeCancelMinutes} minutes before the start`,
    `updated_at:  ${formatUtcInstant(listing.updatedAt)}`,
  ].join('\n');
}

function subcommandOf<T extends Record<string, ParseArgsOptionsConfig>>(
  group: string,
  options: T,
  argv: string[],
  help: string,
): { command: keyof T & string; option: Options; positionals: string[] } | undefined {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${help}\n`);
    return undefined;
  }
  if (!Object.hasOwn(options, sub))
    throw new UsageError(`unknown command: ${group} ${sub} (see parqex ${group} --help)`);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: options[sub]! });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return undefined;
  }
  return { command: sub, option: values as Options, positionals };
}

function idArgument(
  group: string,
  command: string,
  positionals: string[],
  what: string,
  takes: boolean,
): string {
  if (takes && positionals.length === 0) throw new UsageError(`${group} ${command} needs ${what}`);
  const extra = positionals.slice(takes ? 1 : 0);
  if (extra.length > 0) {
    throw new UsageError(
      `${group} ${command}: unexpected argument ${JSON.stringify(extra[0])} (see parqex ${group} --help)`,
    );
  }
  return positionals[0] ?? '';
}

function addressOf(option: Options, base?: AddressInput): AddressInput | undefined {
  const given = ['line1', 'line2', 'city', 'region', 'postal-code', 'country'].some(
    (n) => option[n] !== undefined,
  );
  if (!given && base) return undefined;
  const pick = (name: string, fallback: string | null | undefined) =>
    (option[name] as string | undefined) ?? fallback;
  return {
    line1: pick('line1', base?.line1) ?? '',
    line2: pick('line2', base?.line2) ?? null,
    city: pick('city', base?.city) ?? '',
    region: pick('region', base?.region) ?? null,
    postal_code: pick('postal-code', base?.postal_code) ?? null,
    country: pick('country', base?.country) ?? '',
  };
}

export async function propertiesCommand(argv: string[]): Promise<void> {
  const parsed = subcommandOf('properties', PROPERTY_OPTIONS, argv, PROPERTIES_HELP);
  if (!parsed) return;
  const { command, option, positionals } = parsed;
  const json = option.json === true;
  const ref = idArgument(
    'properties',
    command,
    positionals,
    'a property id',
    command === 'show' || command === 'update',
  );
  if (command === 'update' && option.door !== undefined && option['no-doors']) {
    throw new UsageError('--door and --no-doors exclude each other');
  }
  if (command === 'create') {
    for (const name of ['name', 'line1', 'city', 'country', 'latitude', 'longitude', 'time-zone']) {
      required(option, name, 'properties create');
    }
  }
  const { ctx, close } = await openContext();
  try {
    const db = ctx.db;
    const now = ctx.clock.now();
    const show = (p: Property) => print(json, propertyWire(p), () => humanProperty(p));
    switch (command) {
      case 'create': {
        const actor = await actorFor(db, option);
        const created = await createProperty(
          db,
          actor,
          {
            name: required(option, 'name', 'properties create'),
            address: addressOf(option)!,
            latitude: decimal('--latitude', str(option, 'latitude'))!,
            longitude: decimal('--longitude', str(option, 'longitude'))!,
            timeZone: required(option, 'time-zone', 'properties create'),
            doorIds: (option.door as string[] | undefined) ?? [],
          },
          now,
        );
        show(created);
        return;
      }
      case 'list': {
        const actor = await actorFor(db, option);
        const items = await allPages((page) => listProperties(db, actor, page));
        print(json, items.map(propertyWire), () =>
          items.length === 0
            ? 'no properties'
            : table(
                ['PROPERTY_ID', 'NAME', 'CITY', 'TIME_ZONE', 'GATES'],
                items.map((p) => [p.id, p.name, p.address.city, p.timeZone, String(p.doorIds.length)]),
              ),
        );
        return;
      }
      case 'show': {
        const actor = await actorFor(db, option, { table: 'properties', id: ref });
        show(await getProperty(db, actor, ref));
        return;
      }
      case 'update': {
        const actor = await actorFor(db, option, { table: 'properties', id: ref });
        const current = await getProperty(db, actor, ref);
        const patch: PropertyPatch = {};
        if (option.name !== undefined) patch.name = str(option, 'name');
        const address = addressOf(option, current.address);
        if (address) patch.address = address;
        if (option.latitude !== undefined) patch.latitude = decimal('--latitude', str(option, 'latitude'));
        if (option.longitude !== undefined)
          patch.longitude = decimal('--longitude', str(option, 'longitude'));
        if (option['time-zone'] !== undefined) patch.timeZone = str(option, 'time-zone');
        if (option.door !== undefined) patch.doorIds = option.door as string[];
        if (option['no-doors']) patch.doorIds = [];
        if (Object.keys(patch).length === 0) {
          throw new UsageError('properties update needs something to change (see parqex properties --help)');
        }
        show(await updateProperty(db, actor, ref, patch, now));
        return;
      }
    }
  } finally {
    await close();
  }
}

function listingInputOf(option: Options): ListingInput {
  const command = 'listings create';
  const currency = required(option, 'currency', command).toUpperCase();
  const rate = (name: string) => {
    const amount = wholeNumber(`--${name}`, str(option, name));
    return amount === undefined ? null : money(amount, currency);
  };
  const availability =
    typeof option.availability === 'string' ? availabilityOption(option.availability) : null;
  const size = str(option, 'vehicle-size-max');
  return {
    propertyId: required(option, 'property', command),
    title: required(option, 'title', command),
    description: str(option, 'description'),
    kind: oneOf('--kind', required(option, 'kind', command), ['space', 'pool'] as const),
    capacity: wholeNumber('--capacity', str(option, 'capacity')),
    vehicleSizeMax:
      size === undefined ? undefined : oneOf<VehicleSize>('--vehicle-size-max', size, VEHICLE_SIZES),
    rates: { hourly: rate('hourly'), dailyMax: rate('daily-max'), monthly: rate('monthly') },
    minMinutes: wholeNumber('--min-minutes', str(option, 'min-minutes')) ?? null,
    maxMinutes: wholeNumber('--max-minutes', str(option, 'max-minutes')) ?? null,
    availability,
    freeCancelMinutes: wholeNumber('--free-cancel-minutes', str(option, 'free-cancel-minutes')),
  };
}

function availabilityOption(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(
      '--availability must be JSON, e.g. {"weekly":[{"day":"mon","opens":"08:00","closes":"18:00"}]}',
    );
  }
}

/** `listings update`'s options as a PATCH (`none` removes a rate, a bound or the hours). */
function listingPatchOf(option: Options, currentCurrency: string): ListingPatch {
  const patch: ListingPatch = {};
  const currency = (str(option, 'currency') ?? currentCurrency).toUpperCase();
  const orNone = (name: string) => {
    const raw = str(option, name);
    if (raw === undefined) return undefined;
    return raw === 'none' ? null : wholeNumber(`--${name}`, raw)!;
  };
  if (option.title !== undefined) patch.title = str(option, 'title');
  if (option.description !== undefined) patch.description = str(option, 'description');
  if (option.capacity !== undefined) patch.capacity = wholeNumber('--capacity', str(option, 'capacity'));
  const size = str(option, 'vehicle-size-max');
  if (size !== undefined)
    patch.vehicleSizeMax = oneOf<VehicleSize>('--vehicle-size-max', size, VEHICLE_SIZES);
  const rates: NonNullable<ListingPatch['rates']> = {};
  for (const [name, key] of [
    ['hourly', 'hourly'],
    ['daily-max', 'dailyMax'],
    ['monthly', 'monthly'],
  ] as const) {
    const amount = orNone(name);
    if (amount !== undefined) rates[key] = amount === null ? null : money(amount, currency);
  }
  if (Object.keys(rates).length > 0) patch.rates = rates;
  const min = orNone('min-minutes');
  if (min !== undefined) patch.minMinutes = min;
  const max = orNone('max-minutes');
  if (max !== undefined) patch.maxMinutes = max;
  if (option['free-cancel-minutes'] !== undefined) {
    patch.freeCancelMinutes = wholeNumber('--free-cancel-minutes', str(option, 'free-cancel-minutes'));
  }
  const hours = str(option, 'availability');
  if (hours !== undefined) patch.availability = hours === 'none' ? null : availabilityOption(hours);
  if (option.currency !== undefined && patch.rates === undefined) {
    throw new UsageError('--currency goes with --hourly, --daily-max or --monthly');
  }
  if (Object.keys(patch).length === 0) {
    throw new UsageError('listings update needs something to change (see parqex listings --help)');
  }
  return patch;
}

export async function listingsCommand(argv: string[]): Promise<void> {
  const parsed = subcommandOf('listings', LISTING_OPTIONS, argv, LISTINGS_HELP);
  if (!parsed) return;
  const { command, option, positionals } = parsed;
  const json = option.json === true;
  const ref = idArgument(
    'listings',
    command,
    positionals,
    'a listing id',
    command !== 'create' && command !== 'list',
  );
  const input = command === 'create' ? listingInputOf(option) : undefined;
  const status =
    typeof option.status === 'string'
      ? oneOf<ListingStatus>('--status', option.status, LISTING_STATUSES)
      : undefined;
  const { ctx, close } = await openContext();
  try {
    const db = ctx.db;
    const now = ctx.clock.now();
    const show = (l: Listing) => print(json, listingWire(l), () => humanListing(l));
    switch (command) {
      case 'create': {
        const actor = await actorFor(db, option);
        // One transaction: --publish never leaves a draft behind when it fails.
        const created = await db.transaction().execute(async (trx) => {
          const listing = await createListing(trx, actor, input!, now);
          return option.publish ? publishListing(trx, actor, listing.id, now) : listing;
        });
        show(created);
        return;
      }
      case 'list': {
        const actor = await actorFor(db, option);
        const filter = { propertyId: str(option, 'property'), status };
        const items = await allPages((page) => listListings(db, actor, filter, page));
        print(json, items.map(listingWire), () =>
          items.length === 0
            ? 'no listings'
            : table(
                ['LISTING_ID', 'STATUS', 'KIND', 'HOURLY', 'TITLE'],
                items.map((l) => [l.id, l.status, l.kind, formatMoney(l.rates.hourly), l.title]),
              ),
        );
        return;
      }
      case 'show': {
        const actor = await actorFor(db, option, { table: 'listings', id: ref });
        show(await getListing(db, actor, ref));
        return;
      }
      case 'update': {
        const actor = await actorFor(db, option, { table: 'listings', id: ref });
        const current = await getListing(db, actor, ref);
        show(await updateListing(db, actor, ref, listingPatchOf(option, current.currency), now));
        return;
      }
      case 'publish':
      case 'unpublish': {
        const actor = await actorFor(db, option, { table: 'listings', id: ref });
        show(await (command === 'publish' ? publishListing : unpublishListing)(db, actor, ref, now));
        return;
      }
    }
  } finally {
    await close();
  }
}
