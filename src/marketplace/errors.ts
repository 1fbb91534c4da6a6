import { DomainError } from '../lib/domain-error.ts';

// The refusals of marketplace/: each a stable `code` and a `kind` (src/lib/domain-error.ts).
// products.md §1 "Book": `outside_opening_hours`, `duration_out_of_range` and `window_in_past`
// are 422 (kind `unprocessable`).

/** The window is not inside the listing's opening hours (or the hours changed since the quote). */
export class OutsideOpeningHours extends DomainError {
  constructor() {
    super('outside_opening_hours', 'unprocessable', 'the listing is not open for the whole window');
  }
}

/** The window is shorter than the listing's `min_minutes` or longer than its `max_minutes`. */
export class DurationOutOfRange extends DomainError {
  constructor(minutes: number, minMinutes: number | null, maxMinutes: number | null) {
    const bounds = [
      minMinutes === null ? undefined : `at least ${minMinutes}`,
      maxMinutes === null ? undefined : `at most ${maxMinutes}`,
    ].filter((b) => b !== undefined);
    super(
      'duration_out_of_range',
      'unprocessable',
      `the window lasts ${minutes} minutes; this listing takes ${bounds.join(' and ')} minutes`,
    );
  }
}

/** The window starts more than 5 minutes before now. */
export class WindowInPast extends DomainError {
  constructor() {
    super('window_in_past', 'unprocessable', 'the window starts more than 5 minutes ago');
  }
}

/** A window whose end is not after its start. */
export class InvalidWindow extends DomainError {
  constructor(message: string) {
    super('invalid_window', 'invalid_input', message);
  }
}

/** A time that is not RFC 3339 with an offset nor a naive local `YYYY-MM-DDTHH:MM[:SS]`. */
export class InvalidTime extends DomainError {
  constructor(field: string, value: string) {
    super(
      'invalid_time',
      'invalid_input',
      `${field} must be RFC 3339 with an offset (2026-03-08T09:30:00-05:00) or a local YYYY-MM-DDTHH:MM[:SS], got ${JSON.stringify(value)}`,
    );
  }
}

/** A naive local time the property's clocks skip (a spring-forward gap): no instant has it. */
export class NonexistentLocalTime extends DomainError {
  constructor(field: string, value: string, timeZone: string) {
    super(
      'nonexistent_local_time',
      'invalid_input',
      `${field} ${value} does not exist in ${timeZone} (the clocks skip it); give a time with an offset or another time`,
    );
  }
}

/** An `availability` that is not the shape products.md §1 describes; the message says what is wrong. */
export class InvalidAvailability extends DomainError {
  constructor(message: string) {
    super('invalid_availability', 'invalid_input', message);
  }
}

/** A listing with neither an hourly nor a daily rate cannot price a window (monthly is its own plan). */
export class NoRateForWindow extends DomainError {
  constructor() {
    super('no_rate_for_window', 'unprocessable', 'this listing has neither an hourly nor a daily rate');
  }
}

/** A monthly plan asked of a listing without a monthly rate. */
export class NoMonthlyRate extends DomainError {
  constructor() {
    super('no_monthly_rate', 'unprocessable', 'this listing has no monthly rate');
  }
}

// ---- Owners: properties, listings, earnings (products.md §1 "Lists", owners) ----

/** Only the account's Admin manages its properties and listings and sees its earnings (products.md §0). */
export class NotListingsAdmin extends DomainError {
  constructor() {
    super(
      'forbidden',
      'forbidden',
      "only the account's Admin can manage its properties and listings and see their bookings and earnings",
    );
  }
}

/** No such property — or another account's, which is the same thing to the caller. */
export class PropertyNotFound extends DomainError {
  constructor(id: string) {
    super('property_not_found', 'not_found', `no property with the id ${id}`);
  }
}

/** No such listing — or another account's, which is the same thing to the caller. */
export class ListingNotFound extends DomainError {
  constructor(id: string) {
    super('listing_not_found', 'not_found', `no listing with the id ${id}`);
  }
}

/**
 * A gate that is not a door of the owner's account (or no door at all). 422, not 404: the
 * property asked for exists; the body names something the account does not have.
 */
export class PropertyDoorNotFound extends DomainError {
  readonly doorId: string;
  constructor(doorId: string) {
    super('door_not_found', 'not_found', `no door with the id ${doorId} in this account`);
    this.doorId = doorId;
  }
}

/** A property that breaks a rule (name, address, coordinates, time zone); the message says which. */
export class InvalidProperty extends DomainError {
  constructor(message: string) {
    super('invalid_property', 'invalid_input', message);
  }
}

/** A listing that breaks a rule (title, kind and capacity, rates, durations, cancellation); the message says which. */
export class InvalidListing extends DomainError {
  constructor(message: string) {
    super('invalid_listing', 'invalid_input', message);
  }
}

/** A `cursor` this list did not hand out, or a `limit` outside 1–200. */
export class InvalidPageRequest extends DomainError {
  constructor(message: string) {
    super('invalid_request', 'invalid_input', message);
  }
}

/** An earnings query that cannot be answered as asked (dates, range, period). */
export class InvalidEarningsQuery extends DomainError {
  constructor(message: string) {
    super('invalid_request', 'invalid_input', message);
  }
}

// --- mk-book: search, quotes, bookings, orders (one block) ---

/** A search around a point that is not one (latitude, longitude, radius_m out of range). */
export class InvalidSearch extends DomainError {
  constructor(message: string) {
    super('invalid_search', 'invalid_input', message);
  }
}

/** The listing to quote or book does not exist, is not published, or is another account's (for owners' lists). */
export class BookableListingNotFound extends DomainError {
  constructor() {
    super('listing_not_found', 'not_found', 'no such listing');
  }
}

/** No quote with this id for this person (another person's quote is the same thing). */
export class QuoteNotFound extends DomainError {
  constructor() {
    super('quote_not_found', 'not_found', 'no such quote');
  }
}

/** The quote's 10 minutes have passed: ask for a new one. */
export class QuoteExpired extends DomainError {
  constructor() {
    super('quote_expired', 'gone', 'the quote has expired; ask for a new one');
  }
}

/** `final_price` is not the quote's (or the current) total. */
export class PriceChanged extends DomainError {
  constructor(expected: { amount: number; currency: string }) {
    super(
      'price_changed',
      'conflict',
      `the price is now ${expected.amount} ${expected.currency} (minor units); confirm it and book again`,
    );
  }
}

/** The window has no free capacity any more (taken meanwhile). */
export class Unavailable extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super('unavailable', 'conflict', 'the listing is no longer free for this window', options);
  }
}

/** Neither a vehicle nor a plate, or a vehicle that is not the renter's. */
export class InvalidVehicle extends DomainError {
  constructor(message: string) {
    super('invalid_vehicle', 'invalid_input', message);
  }
}

/** No booking with this id that the caller may see. */
export class BookingNotFound extends DomainError {
  constructor() {
    super('booking_not_found', 'not_found', 'no such booking');
  }
}

/** The booking was already cancelled (or has ended). */
export class BookingNotCancellable extends DomainError {
  constructor(status: string) {
    super('already_cancelled', 'conflict', `the booking is ${status}; it cannot be cancelled`);
  }
}

/** Listing bookings and earnings are the owner account's Admin's. */
export class NotListingAdmin extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', "only the account's Admin can see its listings' bookings");
  }
}

/** No order with this id among the caller's. */
export class OrderNotFound extends DomainError {
  constructor() {
    super('order_not_found', 'not_found', 'no such order');
  }
}

/** The quote was already booked (a quote books once; ask for a new one). */
export class QuoteAlreadyUsed extends DomainError {
  constructor() {
    super('quote_already_used', 'conflict', 'this quote was already booked; ask for a new one');
  }
}

// --- gp-transfer: lending a booking to a guest (one block) ---

/** The booking is not one its renter can lend now (cancelled, completed, or already lent then). */
export class BookingNotTransferable extends DomainError {
  constructor(message: string) {
    super('booking_not_transferable', 'conflict', message);
  }
}

/** The lent window does not lie inside the booking's window. */
export class WindowOutsideBooking extends DomainError {
  constructor(window: { startsAt: number; endsAt: number }) {
    super(
      'window_outside_booking',
      'unprocessable',
      `the window must lie inside the booking's, ${new Date(window.startsAt).toISOString()} to ${new Date(window.endsAt).toISOString()}`,
    );
  }
}

/** A monthly plan starting further ahead than MAX_MONTHLY_LEAD_DAYS: it would hold its place from now on. */
export class MonthlyStartTooFar extends DomainError {
  constructor(maxDays: number) {
    super('start_too_far', 'unprocessable', `a monthly plan starts at most ${maxDays} days from now`);
  }
}

// --- fix-book: cancelling a booking that has ended (one block) ---

/** The booking's window has passed (it is completed): there is nothing left to cancel. */
export class BookingCompleted extends DomainError {
  constructor() {
    super('booking_completed', 'conflict', 'the booking is completed; it cannot be cancelled');
  }
}
