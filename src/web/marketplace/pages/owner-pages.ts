import type { User } from '../../../accounts/users.ts';
import { html, type SafeHtml } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Booking, Listing, Property } from '../../../marketplace/records.ts';
import { formatMoney } from '../format.ts';
import { availabilityList } from './listing-page.ts';
import {
  addressLine,
  cancellationLine,
  csrfField,
  durationLine,
  kindLine,
  notices,
  ratesLine,
} from './parts.ts';

/** A door of the account, as a gate to pick. */
export interface GateOption {
  id: string;
  name: string;
  controller: string;
}

const STATUS_BADGE: Record<Listing['status'], SafeHtml> = {
  draft: html`<span class="badge off">Draft</span>`,
  published: html`<span class="badge ok">Published</span>`,
  unpublished: html`<span class="badge warn">Unpublished</span>`,
};

export function listingStatusBadge(listing: Listing): SafeHtml {
  return STATUS_BADGE[listing.status];
}

/** Properties & listings: every property of the account with its listings. */
export function propertiesPage(input: {
  user: User;
  properties: Array<{ property: Property; listings: Listing[]; gates: string[] }>;
  notice?: string;
}): string {
  return layout(
    'Properties & listings',
    html`<h1>Properties &amp; listings</h1>
${notices({ notice: input.notice })}
<div class="actions top"><a class="button" href="/parking/properties/new">Add a property</a></div>
${
  input.properties.length === 0
    ? html`<section class="card"><p>No property yet. A property is a site — a garage, a lot, a driveway — with its address, its time zone and the gates a booking opens. Add one, then list its parking.</p></section>`
    : input.properties.map(
        ({ property, listings, gates }) => html`<section class="card property" id="property-${property.id}">
<div class="result-head"><h2>${property.name}</h2><a href="/parking/properties/${property.id}">Edit</a></div>
<p class="muted">${addressLine(property.address)} · ${property.timeZone}</p>
<p class="muted">Gates: ${gates.length === 0 ? 'none (renters show their pass)' : gates.join(', ')}</p>
${
  listings.length === 0
    ? html`<p class="muted">No listing yet.</p>`
    : html`<ul class="rows">${listings.map(
        (l) =>
          html`<li><div><a href="/parking/listings/${l.id}/manage"><strong>${l.title}</strong></a> ${listingStatusBadge(l)}<br><span class="muted">${kindLine(l)}</span><br><span class="muted">${ratesLine(l)}</span></div></li>`,
      )}</ul>`
}
<div class="actions"><a class="button secondary" href="/parking/properties/${property.id}/listings/new">Add a listing</a></div>
</section>`,
      )
}`,
    { nav: { role: input.user.role, current: 'listings' }, wide: true },
  );
}

/** What the property form holds (as typed). */
export interface PropertyDraft {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  latitude: string;
  longitude: string;
  time_zone: string;
  door_ids: string[];
}

const TIME_ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

function field(
  name: keyof PropertyDraft & string,
  label: string,
  value: string,
  extra: SafeHtml | string = '',
) {
  return html`<div><label for="${name}">${label}</label><input id="${name}" name="${name}" type="text" value="${value}"${extra}></div>`;
}

/** A new property, or an existing one's edit form. */
export function propertyFormPage(input: {
  csrfToken: string;
  user: User;
  /** undefined: a new property. */
  propertyId?: string;
  draft: PropertyDraft;
  gates: GateOption[];
  error?: string;
}): string {
  const d = input.draft;
  const isNew = input.propertyId === undefined;
  const zones = TIME_ZONES.includes(d.time_zone) ? TIME_ZONES : [d.time_zone, ...TIME_ZONES];
  return layout(
    isNew ? 'New property' : 'Edit property',
    html`<p><a href="/parking/properties">← Properties &amp; listings</a></p>
<h1>${isNew ? 'New property' : d.name}</h1>
${notices({ error: input.error })}
<section class="card">
<form method="post" action="${isNew ? '/parking/properties' : `/parking/properties/${input.propertyId}`}">${csrfField(input.csrfToken)}
<label for="name">Name</label><input id="name" name="name" type="text" required maxlength="200" value="${d.name}">
<fieldset class="plain"><legend>Address</legend>
${field('line1', 'Street and number', d.line1, html` required`)}
${field('line2', 'More (optional)', d.line2)}
<div class="filters">
${field('city', 'City', d.city, html` required`)}
${field('region', 'State or region', d.region)}
${field('postal_code', 'Postal code', d.postal_code)}
${field('country', 'Country code', d.country, html` required maxlength="2" autocapitalize="characters" placeholder="US"`)}
</div></fieldset>
<div class="filters">
${field('latitude', 'Latitude', d.latitude, html` required inputmode="decimal"`)}
${field('longitude', 'Longitude', d.longitude, html` required inputmode="decimal"`)}
</div>
<label for="time_zone">Time zone</label>
<select id="time_zone" name="time_zone">${zones.map((z) => html`<option value="${z}"${z === d.time_zone ? html` selected` : ''}>${z}</option>`)}</select>
<p class="muted">Opening hours and the times renters type are read in this zone.</p>
<fieldset class="plain"><legend>Gates a booking opens</legend>
${
  input.gates.length === 0
    ? html`<p class="muted">Your account has no door yet.</p>`
    : input.gates.map(
        (g) =>
          html`<label class="check"><input type="checkbox" name="door_ids" value="${g.id}"${d.door_ids.includes(g.id) ? html` checked` : ''}> <span>${g.name} <span class="muted">· controller ${g.controller}</span></span></label>`,
      )
}
</fieldset>
<div class="actions"><button type="submit">${isNew ? 'Add property' : 'Save property'}</button></div>
</form>
</section>`,
    { nav: { role: input.user.role, current: 'listings' } },
  );
}

export const WEEK = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** What the listing form holds (as typed). */
export interface ListingDraft {
  title: string;
  description: string;
  kind: 'space' | 'pool';
  capacity: string;
  vehicle_size_max: string;
  currency: string;
  hourly: string;
  daily_max: string;
  monthly: string;
  min_minutes: string;
  max_minutes: string;
  free_cancel_minutes: string;
  always_open: boolean;
  /** Per weekday: `08:00-18:00, 20:00-24:00`. */
  hours: Record<string, string>;
  closed_dates: string;
}

function listingForm(input: {
  csrfToken: string;
  action: string;
  draft: ListingDraft;
  isNew: boolean;
  submit: string;
}): SafeHtml {
  const d = input.draft;
  const num = (name: keyof ListingDraft & string, label: string, hint = '') =>
    html`<div><label for="${name}">${label}</label><input id="${name}" name="${name}" type="text" inputmode="numeric" value="${String(d[name])}">${hint ? html`<p class="muted">${hint}</p>` : ''}</div>`;
  const price = (name: 'hourly' | 'daily_max' | 'monthly', label: string) =>
    html`<div><label for="${name}">${label}</label><input id="${name}" name="${name}" type="text" inputmode="decimal" value="${d[name]}" placeholder="—"></div>`;
  return html`<form method="post" action="${input.action}">${csrfField(input.csrfToken)}
<label for="title">Title</label><input id="title" name="title" type="text" required maxlength="200" value="${d.title}">
<label for="description">Description</label><textarea id="description" name="description" rows="3" maxlength="5000">${d.description}</textarea>
${
  input.isNew
    ? html`<fieldset class="plain"><legend>Kind</legend>
<label class="check"><input type="radio" name="kind" value="space"${d.kind === 'space' ? html` checked` : ''}> One space (a numbered bay, a driveway)</label>
<label class="check"><input type="radio" name="kind" value="pool"${d.kind === 'pool' ? html` checked` : ''}> A pool of identical spaces</label>
</fieldset>`
    : html`<p class="muted">${d.kind === 'space' ? 'One space' : 'A pool of spaces'} (the kind cannot change).</p>`
}
<div class="filters">
${d.kind === 'pool' || input.isNew ? num('capacity', 'Spaces (pool)') : ''}
<div><label for="vehicle_size_max">Largest vehicle</label><select id="vehicle_size_max" name="vehicle_size_max">${['compact', 'standard', 'oversize'].map((s) => html`<option value="${s}"${s === d.vehicle_size_max ? html` selected` : ''}>${s[0]!.toUpperCase()}${s.slice(1)}</option>`)}</select></div>
</div>
<fieldset class="plain"><legend>Rates</legend>
<div class="filters">
<div><label for="currency">Currency</label><input id="currency" name="currency" type="text" maxlength="3" autocapitalize="characters" value="${d.currency}"></div>
${price('hourly', 'Per hour')}
${price('daily_max', 'Day maximum')}
${price('monthly', 'Per month')}
</div>
<p class="muted">Leave a rate empty if you do not offer it. A stay costs the cheaper of the hours and the days it starts.</p>
</fieldset>
<div class="filters">
${num('min_minutes', 'Shortest stay (min)')}
${num('max_minutes', 'Longest stay (min)')}
${num('free_cancel_minutes', 'Free cancel until (min before)')}
</div>
<fieldset class="plain" id="hours"><legend>Opening hours (the property's local time)</legend>
<label class="check"><input type="checkbox" name="always_open" value="on"${d.always_open ? html` checked` : ''}> Open at all times (the hours below are ignored)</label>
<div class="filters">${WEEK.map(([day, name]) => html`<div><label for="hours_${day}">${name}</label><input id="hours_${day}" name="hours_${day}" type="text" value="${d.hours[day] ?? ''}" placeholder="closed"></div>`)}</div>
<p class="muted">For example <code>08:00-18:00</code>, or <code>00:00-06:00, 22:00-24:00</code>. Empty: closed that day.</p>
<label for="closed_dates">Closed dates</label><textarea id="closed_dates" name="closed_dates" rows="2" placeholder="2026-12-25 2027-01-01">${d.closed_dates}</textarea>
</fieldset>
<div class="actions"><button type="submit">${input.submit}</button></div>
</form>`;
}

/** A new listing of a property. */
export function newListingPage(input: {
  csrfToken: string;
  user: User;
  property: Property;
  draft: ListingDraft;
  error?: string;
}): string {
  return layout(
    'New listing',
    html`<p><a href="/parking/properties">← Properties &amp; listings</a></p>
<h1>New listing</h1>
<p class="muted">${input.property.name} · ${addressLine(input.property.address)}</p>
${notices({ error: input.error })}
<section class="card">${listingForm({
      csrfToken: input.csrfToken,
      action: `/parking/properties/${input.property.id}/listings`,
      draft: input.draft,
      isNew: true,
      submit: 'Save as draft',
    })}
<p class="muted">A new listing is a draft: renters find it once you publish it.</p></section>`,
    { nav: { role: input.user.role, current: 'listings' } },
  );
}

/** One day of a listing's booking calendar. */
export interface CalendarDay {
  date: string;
  label: string;
  bookings: Array<{ booking: Booking; line: string }>;
}

/** A listing for its owner: status, details, the edit form and the calendar of its bookings. */
export function manageListingPage(input: {
  csrfToken: string;
  user: User;
  listing: Listing;
  property: Property;
  draft: ListingDraft;
  calendar: { days: CalendarDay[]; from: string; previous: string; next: string } | undefined;
  notice?: string;
  error?: string;
}): string {
  const { listing, property } = input;
  const csrf = csrfField(input.csrfToken);
  const duration = durationLine(listing);
  return layout(
    listing.title,
    html`<p><a href="/parking/properties">← Properties &amp; listings</a></p>
<div class="result-head"><h1>${listing.title}</h1>${listingStatusBadge(listing)}</div>
<p class="muted">${property.name} · ${addressLine(property.address)}</p>
${notices({ notice: input.notice, error: input.error })}
<section class="card">
<dl class="facts">
<dt>Parking</dt><dd>${kindLine(listing)}</dd>
<dt>Rates</dt><dd>${ratesLine(listing) || 'none'}</dd>
${duration ? html`<dt>Stay</dt><dd>${duration}</dd>` : ''}
<dt>Cancel</dt><dd>${cancellationLine(listing)}</dd>
</dl>
${
  listing.status === 'published'
    ? html`<p>Renters find and book it. Unpublishing keeps the bookings already made.</p>
<form method="post" action="/parking/listings/${listing.id}/unpublish">${csrf}<div class="actions"><button type="submit" class="danger">Unpublish</button></div></form>`
    : html`<p>${listing.status === 'draft' ? 'A draft: nobody finds it yet.' : 'Unpublished: nobody finds it; bookings already made stay.'}</p>
<form method="post" action="/parking/listings/${listing.id}/publish">${csrf}<div class="actions"><button type="submit">Publish</button></div></form>`
}
</section>
<section class="card" id="calendar">
<h2>Bookings</h2>
${
  input.calendar === undefined
    ? html`<p class="muted">The booking calendar is not available.</p>`
    : html`<nav class="pager" aria-label="Weeks"><a href="/parking/listings/${listing.id}/manage?from=${input.calendar.previous}#calendar">← Earlier</a><a href="/parking/listings/${listing.id}/manage?from=${input.calendar.next}#calendar">Later →</a></nav>
<ol class="calendar">${input.calendar.days.map(
        (day) =>
          html`<li class="calendar-day"><h3>${day.label}</h3>${
            day.bookings.length === 0
              ? html`<p class="muted">No booking.</p>`
              : html`<ul>${day.bookings.map((b) => html`<li class="${b.booking.status === 'cancelled' ? 'cancelled' : ''}">${b.line}</li>`)}</ul>`
          }</li>`,
      )}</ol>
<p class="muted">Times in ${property.timeZone}.</p>`
}
</section>
<section class="card" id="hours-now">
<h2>Opening hours</h2>
${availabilityList(listing.availability, property.timeZone)}
</section>
<section class="card" id="edit">
<details${input.error ? html` open` : ''}><summary>Edit this listing</summary>
${listingForm({ csrfToken: input.csrfToken, action: `/parking/listings/${listing.id}/manage`, draft: input.draft, isNew: false, submit: 'Save listing' })}
</details>
</section>`,
    { nav: { role: input.user.role, current: 'listings' } },
  );
}

/** One period of earnings (owner helper's semantics: see marketplace/earnings.ts). */
export interface EarningsRow {
  label: string;
  gross: number;
  fee: number;
  refunds: number;
  net: number;
}

export function earningsPage(input: {
  user: User;
  from: string;
  to: string;
  period: 'day' | 'month';
  currencies: Array<{ currency: string; rows: EarningsRow[]; total: EarningsRow }>;
  explanation: string;
  error?: string;
}): string {
  const m = (amount: number, currency: string) => formatMoney({ amount, currency });
  return layout(
    'Earnings',
    html`<h1>Earnings</h1>
<section class="card">
<form method="get" action="/parking/earnings">
<div class="filters">
<div><label for="from">From</label><input id="from" name="from" type="date" required value="${input.from}"></div>
<div><label for="to">To</label><input id="to" name="to" type="date" required value="${input.to}"></div>
<div class="full"><label for="period">By</label><select id="period" name="period"><option value="day"${input.period === 'day' ? html` selected` : ''}>Day</option><option value="month"${input.period === 'month' ? html` selected` : ''}>Month</option></select></div>
</div>
<div class="actions"><button type="submit" class="secondary">Show</button></div>
</form>
</section>
${notices({ error: input.error })}
${
  input.currencies.length === 0 && !input.error
    ? html`<section class="card"><p>No earnings in these dates.</p></section>`
    : input.currencies.map(
        (
          c,
        ) => html`<section class="card"><h2>${c.currency}</h2><div class="table-scroll"><table class="fields earnings">
<thead><tr><th scope="col">${input.period === 'day' ? 'Day' : 'Month'}</th><th scope="col">Parking</th><th scope="col">Refunds</th><th scope="col">Net</th></tr></thead>
<tbody>${c.rows.map((r) => html`<tr><th scope="row">${r.label}</th><td>${m(r.gross, c.currency)}</td><td>${r.refunds === 0 ? '—' : `−${m(r.refunds, c.currency)}`}</td><td><strong>${m(r.net, c.currency)}</strong></td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td>${m(c.total.gross, c.currency)}</td><td>${c.total.refunds === 0 ? '—' : `−${m(c.total.refunds, c.currency)}`}</td><td><strong>${m(c.total.net, c.currency)}</strong></td></tr></tfoot>
</table></div>
<p class="muted">Renters also paid ${m(c.total.fee, c.currency)} of service fees (the platform's), after refunds.</p></section>`,
      )
}
<p class="muted">${input.explanation}</p>`,
    { nav: { role: input.user.role, current: 'earnings' } },
  );
}
