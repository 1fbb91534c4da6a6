import type { Money } from '../../../lib/money.ts';
import { formatLocal } from '../../../lib/time.ts';
import { formatUtcInstant } from '../../../marketplace/booking-window.ts';
import type { Booking, Listing, Order, Property, QuoteView } from '../../../marketplace/records.ts';
import { listingWire } from './wire-owner.ts';

/**
 * The Marketplace's records in wire names (products.md §0, §1): snake_case, money as
 * `{amount, currency}`, instants as RFC 3339 UTC with `Z`, `_local` times in the property's zone.
 */

const money = (m: Money) => ({ amount: m.amount, currency: m.currency });
const instant = (ms: number | null) => (ms === null ? null : formatUtcInstant(ms));

/** The pass page of a booking (served by the pages at `/pass/<code>`). */
export function passUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/pass/${encodeURIComponent(code)}`;
}

export function toWireBooking(booking: Booking, publicUrl: string) {
  return {
    id: booking.id,
    status: booking.status,
    plan: booking.plan,
    listing_id: booking.listingId,
    property_id: booking.propertyId,
    starts_at: formatUtcInstant(booking.startsAt),
    ends_at: formatUtcInstant(booking.endsAt),
    starts_at_local: formatLocal(booking.startsAt, booking.timeZone),
    ends_at_local: formatLocal(booking.endsAt, booking.timeZone),
    time_zone: booking.timeZone,
    plate: booking.plate,
    vehicle_id: booking.vehicleId,
    pass: { code: booking.passCode, url: passUrl(publicUrl, booking.passCode) },
    order: { id: booking.order.id, total: money(booking.order.total), status: booking.order.status },
    renews_at: instant(booking.renewsAt),
    cancelled_at: instant(booking.cancelledAt),
    created_at: formatUtcInstant(booking.createdAt),
  };
}

export function toWireOrder(order: Order) {
  return {
    id: order.id,
    booking_id: order.bookingId,
    status: order.status,
    total: money(order.total),
    lines: order.lines.map((line) => ({
      kind: line.kind,
      label: line.label,
      amount: money(line.amount),
      period_starts_at: formatUtcInstant(line.periodStartsAt),
      period_ends_at: formatUtcInstant(line.periodEndsAt),
    })),
    payments: order.payments.map((payment) => ({
      id: payment.id,
      kind: payment.kind,
      amount: money(payment.amount),
      processor: payment.processor,
      created_at: formatUtcInstant(payment.createdAt),
    })),
    created_at: formatUtcInstant(order.createdAt),
  };
}

export function toWireQuote(quote: QuoteView) {
  return {
    id: quote.id,
    total: money(quote.total),
    lines: quote.lines.map((line) => ({ label: line.label, amount: money(line.amount) })),
    expires_at: formatUtcInstant(quote.expiresAt),
  };
}

/** One search result: the listing, how far, where, and its quote. */
export function toWireSearchItem(found: {
  listing: Listing;
  property: Property;
  distanceM: number;
  quote: QuoteView;
}) {
  const { property } = found;
  return {
    ...listingWire(found.listing),
    distance_m: Math.round(found.distanceM),
    property: {
      id: property.id,
      name: property.name,
      address: { ...property.address },
      latitude: property.latitude,
      longitude: property.longitude,
      time_zone: property.timeZone,
    },
    quote: toWireQuote(found.quote),
  };
}
