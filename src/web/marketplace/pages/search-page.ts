import type { User } from '../../../accounts/users.ts';
import { html } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Listing, Property, QuoteView } from '../../../marketplace/records.ts';
import { formatDistance, formatMoney, formatWindow } from '../format.ts';
import { PLACES, RADII_M } from '../places.ts';
import { addressLine, kindLine, notices } from './parts.ts';

export interface SearchForm {
  place: string;
  latitude: string;
  longitude: string;
  radiusM: number;
  starts: string;
  ends: string;
}

export interface SearchResult {
  listing: Listing;
  property: Property;
  distanceM: number;
  quote: QuoteView;
}

function windowQuery(form: SearchForm): string {
  return new URLSearchParams({ starts: form.starts, ends: form.ends }).toString();
}

function resultCard(r: SearchResult, form: SearchForm) {
  const query = windowQuery(form);
  return html`<li class="card result">
<div class="result-head"><h2><a href="/parking/listings/${r.listing.id}?${query}">${r.listing.title}</a></h2><span class="badge">${formatDistance(r.distanceM)}</span></div>
<p class="muted">${r.property.name} · ${addressLine(r.property.address)}</p>
<p class="muted">${kindLine(r.listing)}</p>
<p class="muted">${formatWindow(r.quote.startsAt, r.quote.endsAt, r.property.timeZone)}</p>
<div class="result-foot"><p class="price-total"><strong>${formatMoney(r.quote.total)}</strong> <span class="muted">total</span></p>
<a class="button" href="/parking/listings/${r.listing.id}/checkout?${query}">Book</a></div>
</li>`;
}

/** Find parking: a place, a radius and a window → published listings open and free then, nearest first. */
export function searchPage(input: {
  user: User;
  form: SearchForm;
  /** undefined: nothing searched yet. */
  results?: SearchResult[];
  error?: string;
}): string {
  const { form } = input;
  const isCustom = form.place === 'custom';
  return layout(
    'Find parking',
    html`<h1>Find parking</h1>
<section class="card">
<form method="get" action="/parking">
<label for="place">Near</label>
<select id="place" name="place">
${PLACES.map((p) => html`<option value="${p.key}"${p.key === form.place ? html` selected` : ''}>${p.label}</option>`)}
<option value="custom"${isCustom ? html` selected` : ''}>These coordinates…</option>
</select>
<details${isCustom ? html` open` : ''}><summary>Coordinates</summary>
<p class="muted">Choose “These coordinates…” above to search around them.</p>
<div class="filters">
<div><label for="latitude">Latitude</label><input id="latitude" name="latitude" type="text" inputmode="decimal" value="${form.latitude}"></div>
<div><label for="longitude">Longitude</label><input id="longitude" name="longitude" type="text" inputmode="decimal" value="${form.longitude}"></div>
</div></details>
<label for="radius_m">Within</label>
<select id="radius_m" name="radius_m">${RADII_M.map((r) => html`<option value="${r}"${r === form.radiusM ? html` selected` : ''}>${formatDistance(r)}</option>`)}</select>
<div class="filters when">
<div><label for="starts">From</label><input id="starts" name="starts" type="datetime-local" required value="${form.starts}"></div>
<div><label for="ends">Until</label><input id="ends" name="ends" type="datetime-local" required value="${form.ends}"></div>
</div>
<p class="muted">Times are the parking's local time.</p>
<div class="actions"><button type="submit">Search</button></div>
</form>
</section>
${notices({ error: input.error })}
${
  input.results === undefined
    ? ''
    : input.results.length === 0
      ? html`<section class="card"><p>No parking is free there for the whole window. Try a wider radius or other times.</p></section>`
      : html`<h2 class="results-title">${input.results.length} ${input.results.length === 1 ? 'place' : 'places'}, nearest first</h2>
<ul class="results">${input.results.map((r) => resultCard(r, form))}</ul>`
}`,
    { nav: { role: input.user.role, current: 'parking' } },
  );
}
