import { html, type SafeHtml } from '../../../html/html.ts';
import type { Money } from '../../../lib/money.ts';
import type { PriceLine } from '../../../marketplace/pricing.ts';
import type { Address, Listing, Property } from '../../../marketplace/records.ts';
import { formatMinutes, formatMoney } from '../format.ts';

/** The pieces the Marketplace's pages share. */

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function addressLine(address: Address): string {
  return [address.line1, address.line2, address.city, address.region, address.postal_code, address.country]
    .filter((part) => part !== null && part !== '')
    .join(', ');
}

export function kindLine(listing: Listing): string {
  const size = { compact: 'compact cars', standard: 'standard cars', oversize: 'oversize vehicles' }[
    listing.vehicleSizeMax
  ];
  const kind = listing.kind === 'space' ? 'One space' : `${listing.capacity} spaces`;
  return `${kind} · up to ${size}`;
}

export function ratesLine(listing: Listing): string {
  const { hourly, dailyMax, monthly } = listing.rates;
  return [
    hourly ? `${formatMoney(hourly)} / hour` : undefined,
    dailyMax ? `${formatMoney(dailyMax)} / day max` : undefined,
    monthly ? `${formatMoney(monthly)} / month` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function durationLine(listing: Listing): string | undefined {
  const { minMinutes, maxMinutes } = listing;
  if (minMinutes === null && maxMinutes === null) return undefined;
  if (minMinutes !== null && maxMinutes !== null)
    return `From ${formatMinutes(minMinutes)} to ${formatMinutes(maxMinutes)}`;
  return minMinutes !== null
    ? `At least ${formatMinutes(minMinutes)}`
    : `At most ${formatMinutes(maxMinutes!)}`;
}

export function cancellationLine(listing: Listing, stay?: { startsAt: number; now: number }): string {
  const m = listing.freeCancelMinutes;
  if (stay && stay.now >= stay.startsAt - m * 60_000)
    return 'No refund if you cancel: the free cancellation time of this stay has passed.';
  return m === 0
    ? 'Free cancellation until the start.'
    : `Free cancellation until ${formatMinutes(m)} before the start; no refund after.`;
}

/** A price's lines and total, as a small table. */
export function priceTable(lines: readonly PriceLine[], total: Money): SafeHtml {
  return html`<table class="price">
<tbody>${lines.map((l) => html`<tr><th scope="row">${l.label}</th><td>${formatMoney(l.amount)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td>${formatMoney(total)}</td></tr></tfoot>
</table>`;
}

export function placeTitle(listing: Listing, property: Property): SafeHtml {
  return html`${listing.title} <span class="muted">· ${property.name}</span>`;
}

export function notices(input: { notice?: string; error?: string }): SafeHtml {
  return html`${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}${
    input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''
  }`;
}
