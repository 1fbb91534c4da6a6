import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { normalizeHexId } from '../access/ids.ts';
import { findUserById, findUserCredentials } from '../accounts/users.ts';
import { toWireBooking } from '../api/v1/marketplace/renter-wire.ts';
import type { AppContext } from '../app-context.ts';
import type { Money } from '../lib/money.ts';
import {
  cancelBooking,
  findBookingByPassCode,
  getBooking,
  listListingBookings,
  listMyBookings,
} from '../marketplace/bookings.ts';
import { BookableListingNotFound, BookingNotFound } from '../marketplace/errors.ts';
import { findBookableListing } from '../marketplace/listings.ts';
import type { Actor, Booking, BookingStatus, Page } from '../marketplace/records.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

export const BOOKINGS_HELP = `parqex bookings — the Marketplace's bookings (products.md §1), as an operator sees them

  parqex bookings list --user USER [--status confirmed|cancelled|completed] [--limit N] [--cursor C]
      A renter's bookings, newest first (one page: --limit, default 50, at most 200; --cursor is the
      next_cursor a previous page printed).
  parqex bookings list --listing LISTING_ID [--limit N] [--cursor C]
      The bookings of one listing, as its account's Admin sees them.
  parqex bookings show BOOKING
      One booking: its window, plate, pass and order.
  parqex bookings cancel BOOKING
      Cancels it as its renter would: before the listing's free-cancellation cutoff the order is
      refunded in full, after it nothing is; the pass stops opening the gates at once. Prints the
      booking as it now is.

USER is an email address or a user id. BOOKING is a booking id (32 hexadecimal characters, dashes
allowed) or its pass code (8 characters). Every command takes --json (the booking as the API shows
it, or {"items", "next_cursor"}) and --help.`;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean' } } as const;
const PAGE = { limit: { type: 'string' }, cursor: { type: 'string' } } as const;

const OPTIONS = {
  list: {
    ...COMMON,
    ...PAGE,
    user: { type: 'string' },
    listing: { type: 'string' },
    status: { type: 'string' },
  },
  show: COMMON,
  cancel: COMMON,
} satisfies Record<string, ParseArgsOptionsConfig>;

type Subcommand = keyof typeof OPTIONS;
type Options = Record<string, string | boolean | undefined>;

const STATUSES: readonly BookingStatus[] = ['confirmed', 'cancelled', 'completed'];

/** A person by email or id, as the actor of their own bookings. */
async function personByRef(ctx: AppContext, ref: string): Promise<Actor> {
  const hex = normalizeHexId(ref);
  const user =
    hex === undefined
      ? (await findUserCredentials(ctx.db, ref))?.user
      : await findUserById(
          ctx.db,
          `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        );
  if (!user) throw new UsageError(`no user ${JSON.stringify(ref)} (give an email address or a user id)`);
  return { userId: user.id, accountId: user.accountId, role: user.role };
}

/** The Admin of an account, as the actor of its listings' bookings. */
async function accountAdmin(ctx: AppContext, accountId: string): Promise<Actor> {
  const row = await ctx.db
    .selectFrom('users')
    .select(['id', 'account_id', 'role'])
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .executeTakeFirst();
  if (!row) throw new UsageError(`the account ${accountId} has no Admin`);
  return { userId: row.id, accountId: row.account_id, role: row.role };
}

/** A booking by id or pass code, with its renter as the actor (the operator acts as the renter). */
async function bookingByRef(ctx: AppContext, ref: string): Promise<{ booking: Booking; renter: Actor }> {
  const trimmed = ref.trim();
  let found: Booking | undefined;
  if (/^[A-Za-z0-9]{8}$/.test(trimmed))
    found = (await findBookingByPassCode(ctx.db, trimmed, ctx.clock.now()))?.booking;
  else {
    const id = normalizeHexId(trimmed);
    if (id === undefined)
      throw new UsageError(`${JSON.stringify(ref)} is neither a booking id nor a pass code`);
    const row = await ctx.db.selectFrom('bookings').select('user_id').where('id', '=', id).executeTakeFirst();
    if (row) {
      const renter = await personByRef(ctx, row.user_id);
      return { booking: await getBooking(ctx.db, renter, id, ctx.clock.now()), renter };
    }
  }
  if (!found) throw new BookingNotFound();
  return { booking: found, renter: await personByRef(ctx, found.userId) };
}

function wholeNumber(option: string, raw: string): number {
  if (!/^\d{1,9}$/.test(raw))
    throw new UsageError(`${option} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Money for a person: `USD 8.80`. */
function shown(m: Money): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  const whole = Math.floor(abs / 10 ** digits);
  const fraction = digits === 0 ? '' : `.${String(abs % 10 ** digits).padStart(digits, '0')}`;
  return `${m.currency} ${sign}${whole}${fraction}`;
}

function humanBooking(ctx: AppContext, booking: Booking): string {
  const wire = toWireBooking(booking, ctx.publicUrl);
  return [
    `booking_id:  ${wire.id}`,
    `status:      ${wire.status}`,
    `plan:        ${wire.plan}${wire.renews_at ? ` (renews at ${wire.renews_at})` : ''}`,
    `listing_id:  ${wire.listing_id}`,
    `property_id: ${wire.property_id}`,
    `starts:      ${wire.starts_at_local} (${wire.time_zone})  ${wire.starts_at}`,
    `ends:        ${wire.ends_at_local} (${wire.time_zone})  ${wire.ends_at}`,
    `renter:      ${booking.userId}`,
    `plate:       ${wire.plate}`,
    `pass:        ${wire.pass.code}  ${wire.pass.url}`,
    `order:       ${wire.order.id}  ${wire.order.status}  ${shown(booking.order.total)}`,
    ...(wire.cancelled_at ? [`cancelled:   ${wire.cancelled_at}`] : []),
  ].join('\n');
}

function printPage(ctx: AppContext, json: boolean, page: Page<Booking>): void {
  print(
    json,
    { items: page.items.map((b) => toWireBooking(b, ctx.publicUrl)), next_cursor: page.nextCursor },
    () =>
      [
        page.items.length === 0
          ? 'no bookings'
          : table(
              ['BOOKING_ID', 'STATUS', 'STARTS (LOCAL)', 'ENDS (LOCAL)', 'PLATE', 'PASS', 'TOTAL', 'ORDER'],
              page.items.map((b) => {
                const w = toWireBooking(b, ctx.publicUrl);
                return [
                  w.id,
                  w.status,
                  w.starts_at_local,
                  w.ends_at_local,
                  w.plate,
                  w.pass.code,
                  shown(b.order.total),
                  w.order.status,
                ];
              }),
            ),
        ...(page.nextCursor ? [`more: --cursor ${page.nextCursor}`] : []),
      ].join('\n'),
  );
}

export async function bookingsCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${BOOKINGS_HELP}\n`);
    return;
  }
  if (!Object.hasOwn(OPTIONS, sub))
    throw new UsageError(`unknown command: bookings ${sub} (see parqex bookings --help)`);
  const command = sub as Subcommand;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: OPTIONS[command],
  });
  const option = values as Options;
  if (option.help) {
    process.stdout.write(`${BOOKINGS_HELP}\n`);
    return;
  }
  const json = option.json === true;
  const takesBooking = command !== 'list';
  if (takesBooking && positionals.length === 0)
    throw new UsageError(`bookings ${command} needs a booking id or pass code`);
  const extra = positionals.slice(takesBooking ? 1 : 0);
  if (extra.length > 0)
    throw new UsageError(
      `bookings ${command}: unexpected argument ${JSON.stringify(extra[0])} (see parqex bookings --help)`,
    );

  if (command === 'list') {
    const user = typeof option.user === 'string' ? option.user : undefined;
    const listing = typeof option.listing === 'string' ? option.listing : undefined;
    if ((user === undefined) === (listing === undefined))
      throw new UsageError('bookings list needs exactly one of --user USER and --listing LISTING_ID');
    const status = typeof option.status === 'string' ? option.status : undefined;
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
      throw new UsageError(`--status must be ${STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
    if (status !== undefined && listing !== undefined) throw new UsageError('--status goes with --user');
    const page = {
      limit: typeof option.limit === 'string' ? wholeNumber('--limit', option.limit) : 50,
      cursor: typeof option.cursor === 'string' && option.cursor !== '' ? option.cursor : null,
    };
    if (page.limit < 1 || page.limit > 200) throw new UsageError('--limit must be from 1 to 200');
    const { ctx, close } = await openContext();
    try {
      if (user !== undefined) {
        const renter = await personByRef(ctx, user);
        const found = await listMyBookings(
          ctx.db,
          renter,
          page,
          status === undefined ? {} : { status: status as BookingStatus },
          ctx.clock.now(),
        );
        printPage(ctx, json, found);
      } else {
        const id = normalizeHexId(listing);
        const bookable = id === undefined ? undefined : await findBookableListing(ctx.db, id);
        if (!bookable) throw new BookableListingNotFound();
        const admin = await accountAdmin(ctx, bookable.listing.accountId);
        printPage(
          ctx,
          json,
          await listListingBookings(ctx.db, admin, bookable.listing.id, {}, page, ctx.clock.now()),
        );
      }
    } finally {
      await close();
    }
    return;
  }

  const ref = positionals[0]!;
  const { ctx, close } = await openContext();
  try {
    const { booking, renter } = await bookingByRef(ctx, ref);
    const result =
      command === 'show'
        ? booking
        : await cancelBooking(ctx.marketplace, renter, booking.id, ctx.clock.now());
    print(json, toWireBooking(result, ctx.publicUrl), () => humanBooking(ctx, result));
  } finally {
    await close();
  }
}
