import type { HistoryEvent } from '../../access/access-history.ts';
import type { User } from '../../accounts/users.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { formatLocal } from '../../lib/time.ts';

/** One choice of the "Show" menu: `all`, `mine`, `door:<id>` or `device:<id>`. */
export interface ShowOption {
  value: string;
  label: string;
}

export interface HistoryFilters {
  from: string;
  to: string;
  show: string;
}

function what(e: HistoryEvent): SafeHtml {
  const verb = e.doorState === 'OPEN' ? 'open' : 'close';
  if (e.user === null && (e.actor.kind === 'guest' || e.actor.kind === 'plate')) {
    const who = e.actor.kind === 'guest' ? `Guest ${e.actor.label ?? ''}` : `Plate ${e.actor.label ?? ''}`;
    return html`${who} asked <strong>${e.doorName}</strong> to ${verb}`;
  }
  if (e.user === null) {
    return html`<strong>${e.doorName}</strong> ${e.doorState === 'OPEN' ? 'opened' : 'closed'}`;
  }
  return html`${e.user.firstName} ${e.user.lastName} asked <strong>${e.doorName}</strong> to ${verb}`;
}

function eventRow(e: HistoryEvent, timeZone: string): SafeHtml {
  return html`<li><div>${what(e)}<div class="muted">${formatLocal(e.occurredAt, timeZone)} · ${e.channel}</div></div>
${e.wasSuccess ? html`<span class="badge">Done</span>` : html`<span class="badge warn">Failed</span>`}</li>`;
}

function pageLink(filters: HistoryFilters, cursor?: string): string {
  const query = new URLSearchParams({ from: filters.from, to: filters.to, show: filters.show });
  if (cursor) query.set('cursor', cursor);
  return `/history?${query}`;
}

/** The access history a person may see, newest first, filtered by dates and door or controller. */
export function historyPage(input: {
  user: User;
  filters: HistoryFilters;
  showOptions: ShowOption[];
  events: HistoryEvent[];
  timeZone: string;
  nextCursor: string | null;
  isFirstPage: boolean;
  error?: string;
}): string {
  const { filters } = input;
  return layout(
    'History',
    html`<h1>History</h1>
<section class="card">
<form method="get" action="/history" class="filters">
<div><label for="from">From</label><input id="from" name="from" type="date" value="${filters.from}" required></div>
<div><label for="to">To</label><input id="to" name="to" type="date" value="${filters.to}" required></div>
<div class="full"><label for="show">Show</label><select id="show" name="show">${input.showOptions.map(
      (o) =>
        html`<option value="${o.value}"${o.value === filters.show ? html` selected` : ''}>${o.label}</option>`,
    )}</select></div>
<div class="full actions"><button type="submit">Show history</button></div>
</form>
</section>
<section class="card" aria-labelledby="events-heading">
<h2 id="events-heading">Events <span class="muted">(times in ${input.timeZone})</span></h2>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
${
  input.events.length === 0
    ? input.error
      ? ''
      : html`<p class="muted">Nothing happened in these days.</p>`
    : html`<ul class="rows history">${input.events.map((e) => eventRow(e, input.timeZone))}</ul>`
}
${
  input.isFirstPage && input.nextCursor === null
    ? ''
    : html`<nav class="pager" aria-label="Pages">${input.isFirstPage ? html`<span></span>` : html`<a href="${pageLink(filters)}">Newest</a>`}${
        input.nextCursor === null
          ? ''
          : html`<a href="${pageLink(filters, input.nextCursor)}" rel="next">Older events</a>`
      }</nav>`
}
</section>`,
    { nav: { role: input.user.role, current: 'history' } },
  );
}
