import type { User } from '../../../accounts/users.ts';
import { html, type SafeHtml } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Availability } from '../../../marketplace/opening-hours.ts';
import type { Listing, Property, QuoteView } from '../../../marketplace/records.ts';
import { formatMoney, formatWindow } from '../format.ts';
import {
  addressLine,
  cancellationLine,
  durationLine,
  kindLine,
  notices,
  priceTable,
  ratesLine,
} from './parts.ts';

const DAY_NAMES = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** Opening hours, a line per weekday, and the closed dates. */
export function availabilityList(availability: Availability | null, timeZone: string): SafeHtml {
  const weekly = availability?.weekly ?? [];
  const closed = availability?.closedDates ?? [];
  const hours =
    weekly.length === 0
      ? html`<p>Open at all times.</p>`
      : html`<dl class="facts hours">${DAY_NAMES.map(([day, name]) => {
          const entries = weekly.filter((e) => e.day === day).sort((a, b) => a.opens.localeCompare(b.opens));
          return html`<dt>${name}</dt><dd>${entries.length === 0 ? html`<span class="muted">Closed</span>` : entries.map((e) => `${e.opens}–${e.closes}`).join(', ')}</dd>`;
        })}</dl>`;
  return html`${hours}
${closed.length > 0 ? html`<p>Closed on ${closed.join(', ')}.</p>` : ''}
<p class="muted">Local time (${timeZone}).</p>`;
}

/** A listing as a renter sees it: what it is, when it is open, and the price of a chosen window. */
export function listingPage(input: {
  user: User;
  listing: Listing;
  property: Property;
  starts: string;
  ends: string;
  monthStarts: string;
  quote?: QuoteView;
  error?: string;
}): string {
  const { listing, property, quote } = input;
  const duration = durationLine(listing);
  const window = new URLSearchParams({ starts: input.starts, ends: input.ends }).toString();
  return layout(
    listing.title,
    html`<p><a href="/parking?${window}">← Back to the search</a></p>
<section class="card">
<h1>${listing.title}</h1>
<p><strong>${property.name}</strong><br>${addressLine(property.address)}</p>
${listing.description ? html`<p>${listing.description}</p>` : ''}
<dl class="facts">
<dt>Parking</dt><dd>${kindLine(listing)}</dd>
<dt>Rates</dt><dd>${ratesLine(listing)}</dd>
${duration ? html`<dt>Stay</dt><dd>${duration}</dd>` : ''}
<dt>Cancel</dt><dd>${cancellationLine(listing)}</dd>
</dl>
</section>
<section class="card" id="hours">
<h2>Opening hours</h2>
${availabilityList(listing.availability, property.timeZone)}
</section>
${
  listing.rates.hourly || listing.rates.dailyMax
    ? html`<section class="card" id="price">
<h2>Price for your stay</h2>
<form method="get" action="/parking/listings/${listing.id}#price">
<div class="filters when">
<div><label for="starts">From</label><input id="starts" name="starts" type="datetime-local" required value="${input.starts}"></div>
<div><label for="ends">Until</label><input id="ends" name="ends" type="datetime-local" required value="${input.ends}"></div>
</div>
<div class="actions"><button type="submit" class="secondary">Get the price</button></div>
</form>
${notices({ error: input.error })}
${
  quote
    ? html`<p>${formatWindow(quote.startsAt, quote.endsAt, property.timeZone)}</p>
${priceTable(quote.lines, quote.total)}
<div class="actions"><a class="button" href="/parking/listings/${listing.id}/checkout?${window}">Book for ${formatMoney(quote.total)}</a></div>`
    : ''
}
</section>`
    : ''
}
${
  listing.rates.monthly
    ? html`<section class="card" id="monthly">
<h2>Monthly parking</h2>
<p>${formatMoney(listing.rates.monthly)} a month (plus the service fee), renewed each month until you cancel.</p>
<form method="get" action="/parking/listings/${listing.id}/checkout">
<input type="hidden" name="plan" value="monthly">
<label for="month_starts">Starting</label><input id="month_starts" name="starts" type="datetime-local" required value="${input.monthStarts}">
<div class="actions"><button type="submit" class="secondary">Book monthly</button></div>
</form>
</section>`
    : ''
}`,
    { nav: { role: input.user.role, current: 'parking' } },
  );
}
