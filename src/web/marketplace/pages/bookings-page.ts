import type { User } from '../../../accounts/users.ts';
import { html } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Booking, Listing, Property } from '../../../marketplace/records.ts';
import { formatLocalTime, formatMoney, formatWindow } from '../format.ts';
import { addressLine, csrfField, notices } from './parts.ts';

export interface BookingView {
  booking: Booking;
  listing: Listing | undefined;
  property: Property | undefined;
}

const STATUS_LABELS: Record<Booking['status'], string> = {
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  completed: 'Completed',
};

export function statusBadge(booking: Booking, now: number): { label: string; className: string } {
  if (booking.status === 'confirmed' && booking.startsAt <= now && now < booking.endsAt)
    return { label: 'Now', className: 'badge ok' };
  if (booking.status === 'cancelled') return { label: 'Cancelled', className: 'badge off' };
  if (booking.status === 'completed') return { label: 'Completed', className: 'badge off' };
  return { label: STATUS_LABELS[booking.status], className: 'badge' };
}

function bookingCard(view: BookingView, input: Parameters<typeof bookingsPage>[0]) {
  const { booking, listing, property } = view;
  const badge = statusBadge(booking, input.now);
  const canCancel =
    booking.status === 'confirmed' &&
    (booking.plan === 'monthly' ? booking.renewsAt !== null : booking.endsAt > input.now);
  const freeUntil = listing ? booking.startsAt - listing.freeCancelMinutes * 60_000 : booking.startsAt;
  const isFree = input.now < freeUntil;
  return html`<li class="card booking" id="booking-${booking.id}">
<div class="result-head"><h2>${listing?.title ?? 'Parking'}</h2><span class="${badge.className}">${badge.label}</span></div>
${property ? html`<p class="muted">${property.name} · ${addressLine(property.address)}</p>` : ''}
<p>${formatWindow(booking.startsAt, booking.endsAt, booking.timeZone)}${booking.plan === 'monthly' ? html` <span class="muted">· monthly${booking.renewsAt !== null ? `, renews ${formatLocalTime(booking.renewsAt, booking.timeZone)}` : ', not renewing'}</span>` : ''}</p>
<p class="muted">Plate ${booking.plate} · ${formatMoney(booking.order.total)} ${booking.order.status === 'refunded' ? '(refunded)' : 'paid'} · pass ${booking.passCode}</p>
${booking.status === 'confirmed' ? html`<div class="actions"><a class="button" href="/pass/${booking.passCode}">Show pass</a></div>` : ''}
${
  canCancel
    ? html`<details><summary>Cancel this booking</summary>
<p>${booking.plan === 'monthly' ? 'It stops renewing; you keep the space until the end of the month you paid for.' : isFree ? `You get a full refund of ${formatMoney(booking.order.total)}.` : 'The free cancellation time has passed: there is no refund.'}</p>
<form method="post" action="/parking/bookings/${booking.id}/cancel">${csrfField(input.csrfToken)}<div class="actions"><button type="submit" class="danger">Cancel booking</button></div></form>
</details>`
    : ''
}
</li>`;
}

/** My bookings: upcoming and current first, then the past ones; a pass and a cancel for each live one. */
export function bookingsPage(input: {
  csrfToken: string;
  user: User;
  bookings: BookingView[];
  now: number;
  nextCursor: string | null;
  notice?: string;
  error?: string;
}): string {
  return layout(
    'My bookings',
    html`<h1>My bookings</h1>
${notices({ notice: input.notice, error: input.error })}
${
  input.bookings.length === 0
    ? html`<section class="card"><p>No booking yet.</p><p><a href="/parking">Find parking</a></p></section>`
    : html`<ul class="results">${input.bookings.map((b) => bookingCard(b, input))}</ul>`
}
${input.nextCursor ? html`<nav class="pager" aria-label="More bookings"><span></span><a href="/parking/bookings?cursor=${input.nextCursor}">Older bookings →</a></nav>` : ''}`,
    { nav: { role: input.user.role, current: 'bookings' } },
  );
}
