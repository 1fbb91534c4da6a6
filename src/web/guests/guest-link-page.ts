import QRCode from 'qrcode';
import { html, raw, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import type { DoorLiveState } from '../pages/door-live-state.ts';

/** The guest page's script: Open in place, live door state. Without it the forms post and redirect. */
export const GUEST_SCRIPT = '/assets/guest.js';

export type GuestPassStatus = 'scheduled' | 'active' | 'expired' | 'revoked';

/** What a guest sees of their pass (built by `guest-link-view.ts`). */
export interface GuestLinkView {
  /** The page's own path (`/g/<token>`): the forms post below it. Never logged. */
  path: string;
  code: string;
  status: GuestPassStatus;
  guestName: string;
  hostName: string;
  /** One line, or null when neither the property nor the account has one. */
  address: string | null;
  placeName: string | null;
  startsAt: number;
  endsAt: number;
  timeZone: string;
  plate: string | null;
  doors: { id: string; name: string; live: DoorLiveState }[];
}

export interface GuestDoorNotice {
  doorId: string;
  message: string;
  isError: boolean;
}

/** `Sat 7 Mar 2026, 18:00` in the pass's zone: what a guest reads at a glance. */
export function friendlyTime(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(epochMs));
}

/** `Sat, 7 Mar 2026, 16:00 – 20:00`, or both dates when the window spans days. */
export function friendlyRange(startsAt: number, endsAt: number, timeZone: string): string {
  const start = friendlyTime(startsAt, timeZone);
  const end = friendlyTime(endsAt, timeZone);
  const day = (text: string) => text.slice(0, text.lastIndexOf(','));
  return day(start) === day(end) ? `${start} – ${end.slice(end.lastIndexOf(',') + 2)}` : `${start} – ${end}`;
}

/** The zone's short name at that instant (`EST`, `GMT+1`). */
function zoneName(epochMs: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(epochMs))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** The QR code of the pass's code, as inline SVG (presentation attributes only: the CSP has no inline style). */
export async function qrSvg(text: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // The library's own output, numbers and paths only; labelled for screen readers.
  return raw(
    svg.replace(
      '<svg ',
      `<svg role="img" aria-label="QR code of pass ${text.replace(/[^A-Z0-9]/g, '')}" class="qr" `,
    ),
  );
}

function statusBanner(view: GuestLinkView, now: number): SafeHtml {
  const tz = view.timeZone;
  switch (view.status) {
    case 'active':
      return html`<p class="notice" role="status"><strong>Your pass is active</strong> until ${friendlyTime(view.endsAt, tz)}.</p>`;
    case 'scheduled':
      return html`<p class="notice pending" role="status"><strong>Your pass starts ${friendlyTime(view.startsAt, tz)}.</strong> The doors open from then; come back to this page.${
        view.startsAt - now < 86_400_000
          ? html` <span class="countdown">(in ${untilWords(view.startsAt - now)})</span>`
          : ''
      }</p>`;
    case 'expired':
      return html`<p class="error" role="alert"><strong>This pass has expired.</strong> It ended ${friendlyTime(view.endsAt, tz)}; it opens nothing now. Ask ${view.hostName} for a new one.</p>`;
    case 'revoked':
      return html`<p class="error" role="alert"><strong>This pass was cancelled</strong> by ${view.hostName}. It opens nothing now.</p>`;
  }
}

function untilWords(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function stateClass(live: DoorLiveState): string {
  if (live.movingTo !== null) return 'moving';
  return live.state === 'OPEN' ? 'open' : 'closed';
}

function doorCard(
  view: GuestLinkView,
  door: GuestLinkView['doors'][number],
  csrfToken: string,
  notice: GuestDoorNotice | undefined,
): SafeHtml {
  const headingId = `door-${door.id}-name`;
  const live = door.live;
  return html`<li class="card door" id="door-${door.id}" aria-labelledby="${headingId}" data-door-id="${door.id}">
<div class="door-head"><h2 id="${headingId}">${door.name}</h2></div>
<div class="door-live" aria-live="polite">
<p class="door-state"><span class="state ${stateClass(live)}">${live.label}</span> <span class="badge warn"${live.isOnline ? html` hidden` : ''}>Controller offline</span></p>
${notice ? html`<p class="${notice.isError ? 'error' : 'notice'}">${notice.message}</p>` : ''}
</div>
<div class="door-actions"><form method="post" action="${view.path}/open"><input type="hidden" name="csrf" value="${csrfToken}"><input type="hidden" name="door_id" value="${door.id}"><button type="submit" class="open-door"${live.isMoving ? html` disabled` : ''}>Open ${door.name}</button></form></div>
</li>`;
}

/**
 * The guest link page (`/g/<token>`): no account, on a phone. Who invited them, where, when (in the
 * place's zone), the QR code of the pass's code, an "add to calendar" file and, inside the window
 * only, an Open button per door with its live state. Outside the window, or revoked, it says so and
 * offers no button (and the server opens nothing either).
 */
export async function guestLinkPage(input: {
  view: GuestLinkView;
  csrfToken: string;
  now: number;
  notice?: GuestDoorNotice;
}): Promise<string> {
  const { view, now } = input;
  const tz = view.timeZone;
  const ended = view.status === 'expired' || view.status === 'revoked';
  // Outside the window a guest learns nothing about the doors (not even whether one is open): their
  // names are in the pass's facts, and there is no card, state or button.
  const doors =
    view.doors.length === 0 || view.status !== 'active'
      ? html``
      : html`<h2 class="doors-heading">Open a door</h2>
<ul class="doors guest-doors">${view.doors.map((d) =>
          doorCard(view, d, input.csrfToken, input.notice?.doorId === d.id ? input.notice : undefined),
        )}</ul>`;
  const pass = html`<section class="card pass" aria-labelledby="pass-heading">
<h2 id="pass-heading">Your guest pass</h2>
<dl class="facts">
<dt>When</dt><dd>${friendlyRange(view.startsAt, view.endsAt, tz)} <span class="muted">(${zoneName(view.startsAt, tz)})</span></dd>
${view.address ? html`<dt>Where</dt><dd>${view.address}</dd>` : ''}
${view.doors.length > 0 ? html`<dt>Doors</dt><dd>${view.doors.map((d) => d.name).join(', ')}</dd>` : ''}
${view.plate ? html`<dt>Vehicle</dt><dd>${view.plate}</dd>` : ''}
<dt>Pass code</dt><dd><strong class="code">${view.code}</strong></dd>
</dl>
${ended ? '' : html`<div class="qr-box">${await qrSvg(view.code)}<p class="muted">Show this code if someone at the entrance asks for your pass.</p></div>`}
${ended ? '' : html`<p><a class="button secondary" href="${view.path}/pass.ics" download="parqex-guest-pass.ics">Add to calendar</a></p>`}
</section>`;
  // Inside the window the doors come first: opening one is what the guest came for.
  const body = html`<div class="guest-page" data-state-url="${view.path}/state" data-status="${view.status}">
<h1>Hello ${view.guestName}</h1>
<p class="lead"><strong>${view.hostName}</strong> invited you${view.placeName ? html` to <strong>${view.placeName}</strong>` : ''}.</p>
${statusBanner(view, now)}
${view.status === 'active' ? html`${doors}${pass}` : html`${pass}${doors}`}
${ended ? '' : html`<p class="muted small">Keep this link to yourself: anyone who has it can open these doors while the pass lasts. Times are in ${tz}.</p>`}
</div>`;
  // Ended passes stay as they are; a scheduled one follows its start, an active one its doors.
  return layout('Your guest pass', body, { scripts: ended ? [] : [GUEST_SCRIPT] });
}

/** The page for a link that is not (or no longer) a pass: nothing about any pass is revealed. */
export function unknownLinkPage(): string {
  return layout(
    'Link not found',
    html`<section class="card">
<h1>This link does not work</h1>
<p class="error" role="alert">There is no guest pass at this address. Check that you copied the whole link, or ask the person who invited you to send it again.</p>
</section>`,
  );
}
