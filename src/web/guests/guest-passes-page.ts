import type { User } from '../../accounts/users.ts';
import type { GuestPass } from '../../guests/pass-records.ts';
import { GUEST_LIMITS } from '../../guests/passes.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { formatLocal } from '../../lib/time.ts';
import { GUEST_SCRIPT } from './guest-link-page.ts';

/** What was typed in the create form, kept when it was refused. */
export interface PassDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  plate: string;
  starts: string;
  ends: string;
  doorIds: string[];
}

/** One of the host's upcoming bookings, as the "Lend a booking" choice lists it. */
export interface LendableBookingChoice {
  id: string;
  place: string;
  startsAt: number;
  endsAt: number;
  timeZone: string;
  plate: string;
}

/** A pass just created: its link, shown once (only its hash is kept). */
export interface JustCreated {
  passId: string;
  link: string;
  emailedTo: string | null;
  mailFailed: boolean;
}

const STATUS_WORDS: Record<string, string> = {
  scheduled: 'Scheduled',
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

function csrf(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** `2026-03-07T18:00` for a `datetime-local` input, in the pass's zone. */
export function localInput(epochMs: number, timeZone: string): string {
  return formatLocal(epochMs, timeZone).slice(0, 16).replace(' ', 'T');
}

function passRow(
  pass: GuestPass,
  input: {
    csrfToken: string;
    now: number;
    doorNames: Map<string, string>;
    hostNames: Map<string, string>;
    user: User;
  },
): SafeHtml {
  const status = pass.status;
  const tz = pass.timeZone;
  const live = status === 'scheduled' || status === 'active';
  // A pass lending a booking keeps its window (revoke to take the booking back).
  const editable = live && pass.bookingId === null;
  const doors = pass.doorIds.map((id) => input.doorNames.get(id) ?? 'a door').join(', ');
  const host =
    input.user.role === 'admin' && pass.host.userId !== input.user.id
      ? html` · host ${input.hostNames.get(pass.host.userId) ?? 'a member'}`
      : '';
  return html`<li class="pass-row" id="pass-${pass.id}">
<div><strong>${pass.guest.firstName} ${pass.guest.lastName}</strong> <span class="badge ${live ? '' : 'off'}">${STATUS_WORDS[status]}</span>
<div class="muted">${formatLocal(pass.startsAt, tz).slice(0, 16)} → ${formatLocal(pass.endsAt, tz).slice(0, 16)} (${tz})${pass.plate ? html` · ${pass.plate}` : ''} · code ${pass.code}${host}</div>
<div class="muted">${doors || 'no door'}${pass.bookingId !== null ? ' · your booking, lent' : ''}</div></div>
${
  live
    ? html`${
        editable
          ? html`<details><summary>Change the time</summary>
<form method="post" action="/guests/window">${csrf(input.csrfToken)}<input type="hidden" name="pass_id" value="${pass.id}">
<label for="starts-${pass.id}">Starts</label><input id="starts-${pass.id}" name="starts" type="datetime-local" required value="${localInput(pass.startsAt, tz)}">
<label for="ends-${pass.id}">Ends</label><input id="ends-${pass.id}" name="ends" type="datetime-local" required value="${localInput(pass.endsAt, tz)}">
<div class="actions"><button type="submit" class="secondary">Save the time</button></div>
</form></details>`
          : ''
      }
<form method="post" action="/guests/revoke">${csrf(input.csrfToken)}<input type="hidden" name="pass_id" value="${pass.id}"><button type="submit" class="danger" aria-label="Revoke the pass of ${pass.guest.firstName} ${pass.guest.lastName}">Revoke</button></form>`
    : ''
}
</li>`;
}

/**
 * Guests: create a pass for a named guest to some of the doors the host may use (email the link or
 * copy it), see one's passes (the Admin: the account's), change their window, revoke them.
 */
export function guestPassesPage(input: {
  csrfToken: string;
  user: User;
  mayHost: boolean;
  doors: { id: string; name: string }[];
  /** Names of every door on a listed pass (also those the host no longer sees). */
  allDoorNames?: Map<string, string>;
  passes: GuestPass[];
  hostNames: Map<string, string>;
  now: number;
  created?: JustCreated;
  notice?: string;
  error?: string;
  draft?: PassDraft;
  nextCursor?: string | null;
  /** The host's upcoming bookings they may lend to a guest. */
  bookings?: LendableBookingChoice[];
}): string {
  const doorNames = input.allDoorNames ?? new Map(input.doors.map((d) => [d.id, d.name]));
  const chosen = new Set(input.draft?.doorIds ?? (input.doors.length === 1 ? [input.doors[0]!.id] : []));
  const tz = input.user.timeZone;
  const d = input.draft;
  const defaultStart = localInput(input.now, tz);
  const defaultEnd = localInput(input.now + 4 * 3600_000, tz);
  const body = html`<div class="page-head"><h1>Guest passes</h1><a class="button secondary small-button" href="/doors">Your doors</a></div>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
${
  input.created
    ? html`<section class="card" id="created" aria-labelledby="created-heading">
<h2 id="created-heading">Guest pass created</h2>
${
  input.created.emailedTo
    ? html`<p class="notice" role="status">The link was emailed to ${input.created.emailedTo}.</p>`
    : input.created.mailFailed
      ? html`<p class="error" role="alert">The email could not be sent: copy the link below and send it yourself.</p>`
      : ''
}
<label for="guest-link">The guest’s link</label>
<input id="guest-link" type="text" readonly value="${input.created.link}">
<div class="actions"><button type="button" class="secondary" data-copy="guest-link" hidden>Copy the link</button></div>
<p class="muted">Shown only now: ParqEx keeps no copy. Anyone with this link can open the pass’s doors inside its window.</p>
</section>`
    : ''
}
${
  !input.mayHost
    ? html`<section class="card"><p class="muted">Your account’s Admin has not let you invite guests. Ask them to give you the “guests” permission on their sharing page.</p></section>`
    : html`<section class="card" id="new-pass">
<h2>Invite a guest</h2>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
${
  input.doors.length === 0
    ? html`<p class="muted">You have no door to share with a guest.</p>`
    : html`<form method="post" action="/guests/create">${csrf(input.csrfToken)}
<label for="first_name">Guest’s first name</label><input id="first_name" name="first_name" type="text" required maxlength="100" autocomplete="off" value="${d?.firstName ?? ''}">
<label for="last_name">Guest’s last name</label><input id="last_name" name="last_name" type="text" required maxlength="100" autocomplete="off" value="${d?.lastName ?? ''}">
<label for="guest_email">Guest’s email <span class="muted">(optional: we email the link)</span></label><input id="guest_email" name="email" type="email" maxlength="254" autocomplete="off" value="${d?.email ?? ''}">
<label for="guest_phone">Guest’s phone <span class="muted">(optional)</span></label><input id="guest_phone" name="phone" type="tel" maxlength="${GUEST_LIMITS.phone}" autocomplete="off" value="${d?.phone ?? ''}">
<label for="plate">Vehicle plate <span class="muted">(optional)</span></label><input id="plate" name="plate" type="text" maxlength="16" autocomplete="off" value="${d?.plate ?? ''}">
<label for="starts">Starts</label><input id="starts" name="starts" type="datetime-local" required value="${d?.starts ?? defaultStart}">
<label for="ends">Ends</label><input id="ends" name="ends" type="datetime-local" required value="${d?.ends ?? defaultEnd}">
<p class="muted">Times are read in the time zone of the first door’s property, else yours (${tz}).</p>
<fieldset class="plain"><legend>Doors</legend>
${input.doors.map(
  (door) =>
    html`<label class="check"><input type="checkbox" name="door_id" value="${door.id}"${chosen.has(door.id) ? html` checked` : ''}><span>${door.name}</span></label>`,
)}
</fieldset>
<div class="actions"><button type="submit">Create the pass</button></div>
</form>`
}
</section>`
}
${
  input.mayHost && (input.bookings?.length ?? 0) > 0
    ? html`<section class="card" id="lend">
<h2>Lend a booking</h2>
<p class="muted">Your guest parks instead of you: for the booking’s time the gates open for them (their link, and their plate if you give one, else the booking’s), not for you. Revoke the pass and the booking is yours again at once. You stay the payer.</p>
<ul class="rows">${input.bookings!.map(
        (
          b,
        ) => html`<li><details><summary><strong>${b.place}</strong> · ${formatLocal(b.startsAt, b.timeZone).slice(0, 16)} → ${formatLocal(b.endsAt, b.timeZone).slice(0, 16)} (${b.timeZone}) · ${b.plate}</summary>
<form method="post" action="/guests/lend">${csrf(input.csrfToken)}<input type="hidden" name="booking_id" value="${b.id}">
<label for="lend-first-${b.id}">Guest’s first name</label><input id="lend-first-${b.id}" name="first_name" type="text" required maxlength="100" autocomplete="off">
<label for="lend-last-${b.id}">Guest’s last name</label><input id="lend-last-${b.id}" name="last_name" type="text" required maxlength="100" autocomplete="off">
<label for="lend-email-${b.id}">Guest’s email <span class="muted">(optional: we email the link)</span></label><input id="lend-email-${b.id}" name="email" type="email" maxlength="254" autocomplete="off">
<label for="lend-plate-${b.id}">Guest’s plate <span class="muted">(optional: else ${b.plate})</span></label><input id="lend-plate-${b.id}" name="plate" type="text" maxlength="16" autocomplete="off">
<div class="actions"><button type="submit">Lend this booking</button></div>
</form></details></li>`,
      )}</ul>
</section>`
    : ''
}
<section class="card" id="passes">
<h2>${input.user.role === 'admin' ? 'Every guest pass of your account' : 'Your guest passes'}</h2>
${
  input.passes.length === 0
    ? html`<p class="muted">No guest pass yet.</p>`
    : html`<ul class="rows passes">${input.passes.map((p) => passRow(p, { ...input, doorNames }))}</ul>
${input.nextCursor ? html`<p><a href="/guests?cursor=${input.nextCursor}#passes">Older passes</a></p>` : ''}`
}
</section>`;
  return layout('Guest passes', body, {
    nav: { role: input.user.role },
    wide: true,
    scripts: input.created ? [GUEST_SCRIPT] : [],
  });
}
