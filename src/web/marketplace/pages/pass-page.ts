import { html, type SafeHtml } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Booking, Listing, Property } from '../../../marketplace/records.ts';
import { formatLocalTime, formatWindow } from '../format.ts';
import { addressLine, csrfField } from './parts.ts';

/** Where a pass stands now: the gates open only while it is `open` (the window plus the grace). */
export type PassPhase = 'before' | 'open' | 'after' | 'cancelled';

export interface PassGate {
  doorId: string;
  name: string;
}

/**
 * The pass (products.md §1 "The pass"): a QR code of its address, the code, the address, the window
 * in the property's time, and — for its renter, inside the window (plus the grace) — an Open button
 * per gate. Anyone holding the code sees the pass (an attendant scanning it); only the renter opens.
 */
export function passPage(input: {
  booking: Booking;
  listing: Listing | undefined;
  property: Property;
  qrSvg: SafeHtml;
  passUrl: string;
  phase: PassPhase;
  accessFrom: number;
  accessUntil: number;
  /** The signed-in renter's session (their CSRF token); undefined for anyone else. */
  renter?: { csrfToken: string; role: 'admin' | 'user' };
  /** Signed in, but not as this pass's renter. */
  isSignedInOther: boolean;
  gates: PassGate[];
  notice?: { message: string; isError: boolean };
}): string {
  const { booking, property } = input;
  const tz = property.timeZone;
  // Cancelled, but its paid period still runs (a monthly plan cancelled after the cutoff).
  const cancelledYet = booking.status === 'cancelled' ? 'Cancelled — it will not renew; ' : '';
  const phaseLine: Record<PassPhase, string> = {
    before: `${cancelledYet}${cancelledYet ? 'the' : 'The'} gates open for this pass from ${formatLocalTime(input.accessFrom, tz)}${cancelledYet ? ` until ${formatLocalTime(input.accessUntil, tz)}` : ''}.`,
    open: `${cancelledYet}${cancelledYet ? 'the gates open for you' : 'The gates open for this pass'} until ${formatLocalTime(input.accessUntil, tz)}.`,
    after: 'This pass has ended.',
    cancelled: 'This booking was cancelled: the pass no longer opens the gates.',
  };
  const mapsQuery = encodeURIComponent(`${property.latitude},${property.longitude}`);
  return layout(
    `Pass ${booking.passCode}`,
    html`${input.notice ? html`<p class="${input.notice.isError ? 'error' : 'notice'}" role="alert">${input.notice.message}</p>` : ''}
${gatesSection(input)}
<section class="card pass${input.phase === 'open' ? ' live' : ''}">
<h1>Parking pass</h1>
<div class="qr" role="img" aria-label="QR code of this pass's address">${input.qrSvg}</div>
<p class="pass-code" aria-label="Pass code">${booking.passCode}</p>
<dl class="facts">
<dt>Parking</dt><dd>${input.listing?.title ?? 'Parking'}</dd>
<dt>Where</dt><dd>${property.name}<br>${addressLine(property.address)}<br><a href="https://www.openstreetmap.org/?mlat=${property.latitude}&amp;mlon=${property.longitude}#map=18/${property.latitude}/${property.longitude}" rel="noopener noreferrer">Map</a> · <a href="https://www.google.com/maps/dir/?api=1&amp;destination=${mapsQuery}" rel="noopener noreferrer">Directions</a></dd>
<dt>When</dt><dd>${formatWindow(booking.startsAt, booking.endsAt, tz)}<br><span class="muted">${tz}</span></dd>
<dt>Plate</dt><dd>${input.renter ? booking.plate : maskPlate(booking.plate)}</dd>
</dl>
<p class="${input.phase === 'open' ? 'notice' : input.phase === 'before' ? 'muted' : 'error'}" role="status">${phaseLine[input.phase]}</p>
</section>`,
    input.renter ? { nav: { role: input.renter.role, current: 'bookings' } } : {},
  );
}

/** A plate as anyone but its renter sees it: its first and last two characters (`AB•••34`). */
export function maskPlate(plate: string): string {
  const chars = [...plate.replace(/\s+/g, '')];
  if (chars.length <= 4) return `${chars[0] ?? ''}•••`;
  return `${chars.slice(0, 2).join('')}•••${chars.slice(-2).join('')}`;
}

function gatesSection(input: Parameters<typeof passPage>[0]): SafeHtml | string {
  if (input.phase !== 'open') return '';
  if (!input.renter) {
    return html`<section class="card"><p class="muted">${input.isSignedInOther ? 'Only the person who booked can open the gates from this pass.' : html`<a href="/login?return_to=${encodeURIComponent(`/pass/${input.booking.passCode}`)}">Sign in</a> as the person who booked to open the gates.`}</p></section>`;
  }
  if (input.gates.length === 0) {
    return html`<section class="card"><p class="muted">No gate of this parking opens from the app: show this pass at the entrance.</p></section>`;
  }
  const csrf = csrfField(input.renter.csrfToken);
  return html`<section class="card" id="gates">
<h2>Gates</h2>
<ul class="rows gates">${input.gates.map(
    (g) => html`<li><div><strong>${g.name}</strong></div>
<form method="post" action="/pass/${input.booking.passCode}/open">${csrf}<input type="hidden" name="door_id" value="${g.doorId}"><button type="submit" aria-label="Open ${g.name}">Open</button></form></li>`,
  )}</ul>
</section>`;
}
