import { MAX_DOOR_NAME_LENGTH } from '../../access/door-names.ts';
import type { VisibleDoor } from '../../access/visible-doors.ts';
import type { User } from '../../accounts/users.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { type DoorLiveState, doorLiveState } from './door-live-state.ts';

/** The script that keeps the cards live (`/assets/doors.js`); without it the forms work as they are. */
export const DOORS_SCRIPT = '/assets/doors.js';
/** The page's state as JSON, for that script. */
export const DOORS_STATE_PATH = '/doors/state';

/** A message about one door, shown in that door's card. */
export interface DoorNotice {
  doorId: string;
  message: string;
  isError: boolean;
}

export interface DoorView extends VisibleDoor {
  /** The name this person gave the door, if any (else they see the owner's). */
  personalName: string | null;
}

function stateClass(live: DoorLiveState): string {
  if (live.movingTo !== null) return 'moving';
  return live.state === 'OPEN' ? 'open' : 'closed';
}

function doorCard(view: DoorView, input: Parameters<typeof doorsPage>[0]): SafeHtml {
  const { door, device } = view;
  const live = doorLiveState(view, input.now, input.user.timeZone);
  const headingId = `door-${door.id}-name`;
  const notice = input.notice?.doorId === door.id ? input.notice : undefined;
  const renameError = input.renameError?.doorId === door.id ? input.renameError : undefined;
  // The button that changes the door's state stands out; the other one is still there (spec §5.4:
  // asking an open door to open is accepted and changes nothing). Both wait while the door moves.
  const isHeadingOpen = (door.moving_to ?? door.state) === 'OPEN';
  const disabled = live.isMoving ? html` disabled` : '';
  const hidden = html`<input type="hidden" name="csrf" value="${input.csrfToken}"><input type="hidden" name="door_id" value="${door.id}">`;
  return html`<li class="card door" id="door-${door.id}" aria-labelledby="${headingId}" data-door-id="${door.id}">
<div class="door-head"><h2 id="${headingId}">${view.name}</h2><span class="badge">${view.relationship}</span></div>
<div class="door-live" aria-live="polite">
<p class="door-state"><span class="state ${stateClass(live)}">${live.label}</span> <span class="badge warn"${live.isOnline ? html` hidden` : ''}>Controller offline</span></p>
${notice ? html`<p class="${notice.isError ? 'error' : 'notice'}">${notice.message}</p>` : ''}
</div>
<div class="door-actions">
<form method="post" action="/doors/toggle">${hidden}<input type="hidden" name="state" value="OPEN"><button type="submit"${isHeadingOpen ? html` class="secondary"` : ''}${disabled}>Open</button></form>
<form method="post" action="/doors/toggle">${hidden}<input type="hidden" name="state" value="CLOSED"><button type="submit"${isHeadingOpen ? '' : html` class="secondary"`}${disabled}>Close</button></form>
</div>
<details${renameError ? html` open` : ''}><summary>Rename</summary>
<form method="post" action="/doors/rename">${hidden}
<label for="name-${door.id}">Your name for this door</label>
${renameError ? html`<p class="error" role="alert">${renameError.message}</p>` : ''}
<input id="name-${door.id}" name="name" type="text" maxlength="${MAX_DOOR_NAME_LENGTH}" value="${renameError?.value ?? view.personalName ?? ''}" autocomplete="off">
<p class="muted">Only you see this name. Leave it empty to use the owner's name, “${door.name}”.</p>
<div class="actions"><button type="submit" class="secondary">Save name</button></div>
</form></details>
<p class="muted"><span class="last-used">${live.lastUsed}</span> · controller ${device.blackbox_code}, door ${door.entity_number}</p>
</li>`;
}

/** While a door moves, the page reloads itself (without script) once it should have arrived. */
function refreshAfter(doors: DoorView[], now: number): { afterS: number; to: string } | undefined {
  const arrivals = doors.flatMap(({ door }) =>
    door.moving_to !== null && door.arrives_at !== null ? [door.arrives_at] : [],
  );
  if (arrivals.length === 0) return undefined;
  return { afterS: Math.max(1, Math.ceil((Math.min(...arrivals) - now) / 1000)), to: '/doors' };
}

/**
 * The doors a signed-in person can open and close: theirs (Owner) and those shared with them. Plain
 * forms (post, redirect, get); `DOORS_SCRIPT` makes them submit in place and follows doors in motion.
 */
export function doorsPage(input: {
  csrfToken: string;
  user: User;
  doors: DoorView[];
  now: number;
  notice?: DoorNotice;
  renameError?: { doorId: string; message: string; value: string };
  /** The Admin, or a User given the `guests` permission: the page links to guest passes. */
  mayHostGuests?: boolean;
}): string {
  return layout(
    'Doors',
    html`<div class="page-head"><h1>Your doors</h1>${input.mayHostGuests ? html`<a class="button secondary small-button" href="/guests">Guest passes</a>` : ''}</div>
${
  input.doors.length === 0
    ? html`<section class="card"><p class="muted">No door has been shared with you yet.</p></section>`
    : html`<ul class="doors" data-state-url="${DOORS_STATE_PATH}">${input.doors.map((d) => doorCard(d, input))}</ul>`
}`,
    {
      nav: { role: input.user.role, current: 'doors' },
      refresh: refreshAfter(input.doors, input.now),
      scripts: [DOORS_SCRIPT],
    },
  );
}
