import { MAX_DOOR_NAME_LENGTH } from '../../access/door-names.ts';
import type { VisibleDoor } from '../../access/visible-doors.ts';
import type { User } from '../../accounts/users.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { formatLocal } from '../../lib/time.ts';

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

function stateLabel(door: VisibleDoor['door']): SafeHtml {
  if (door.moving_to !== null) {
    return html`<span class="state moving">${door.moving_to === 'OPEN' ? 'Opening…' : 'Closing…'}</span>`;
  }
  return door.state === 'OPEN'
    ? html`<span class="state open">Open</span>`
    : html`<span class="state closed">Closed</span>`;
}

function doorCard(view: DoorView, input: Parameters<typeof doorsPage>[0]): SafeHtml {
  const { door, device } = view;
  const headingId = `door-${door.id}-name`;
  const notice = input.notice?.doorId === door.id ? input.notice : undefined;
  const renameError = input.renameError?.doorId === door.id ? input.renameError : undefined;
  // The button that changes the door's state stands out; the other one is still there (spec §5.4:
  // asking an open door to open is accepted and changes nothing).
  const isHeadingOpen = (door.moving_to ?? door.state) === 'OPEN';
  const hidden = html`<input type="hidden" name="csrf" value="${input.csrfToken}"><input type="hidden" name="door_id" value="${door.id}">`;
  return html`<li class="card door" id="door-${door.id}" aria-labelledby="${headingId}">
<div class="door-head"><h2 id="${headingId}">${view.name}</h2><span class="badge">${view.relationship}</span></div>
<p class="door-state">${stateLabel(door)}${device.is_online === 1 ? '' : html` <span class="badge warn">Controller offline</span>`}</p>
${notice ? (notice.isError ? html`<p class="error" role="alert">${notice.message}</p>` : html`<p class="notice" role="status">${notice.message}</p>`) : ''}
<div class="door-actions">
<form method="post" action="/doors/toggle">${hidden}<input type="hidden" name="state" value="OPEN"><button type="submit"${isHeadingOpen ? html` class="secondary"` : ''}>Open</button></form>
<form method="post" action="/doors/toggle">${hidden}<input type="hidden" name="state" value="CLOSED"><button type="submit"${isHeadingOpen ? '' : html` class="secondary"`}>Close</button></form>
</div>
<details${renameError ? html` open` : ''}><summary>Rename</summary>
<form method="post" action="/doors/rename">${hidden}
<label for="name-${door.id}">Your name for this door</label>
${renameError ? html`<p class="error" role="alert">${renameError.message}</p>` : ''}
<input id="name-${door.id}" name="name" type="text" maxlength="${MAX_DOOR_NAME_LENGTH}" value="${renameError?.value ?? view.personalName ?? ''}" autocomplete="off">
<p class="muted">Only you see this name. Leave it empty to use the owner's name, “${door.name}”.</p>
<div class="actions"><button type="submit" class="secondary">Save name</button></div>
</form></details>
<p class="muted">${door.last_toggled === null ? 'Never used' : html`Last used ${formatLocal(door.last_toggled, input.user.timeZone)}`} · controller ${device.blackbox_code}, door ${door.entity_number}</p>
</li>`;
}

/** While a door moves, the page reloads itself once it should have arrived (no script needed). */
function refreshAfterS(doors: DoorView[], now: number): number | undefined {
  const arrivals = doors.flatMap(({ door }) =>
    door.moving_to !== null && door.arrives_at !== null ? [door.arrives_at] : [],
  );
  if (arrivals.length === 0) return undefined;
  return Math.max(1, Math.ceil((Math.min(...arrivals) - now) / 1000));
}

/** The doors a signed-in person can open and close: theirs (Owner) and those shared with them. */
export function doorsPage(input: {
  csrfToken: string;
  user: User;
  doors: DoorView[];
  now: number;
  notice?: DoorNotice;
  renameError?: { doorId: string; message: string; value: string };
}): string {
  return layout(
    'Doors',
    html`<h1>Your doors</h1>
${
  input.doors.length === 0
    ? html`<section class="card"><p class="muted">No door has been shared with you yet.</p></section>`
    : html`<ul class="doors">${input.doors.map((d) => doorCard(d, input))}</ul>`
}`,
    {
      nav: { role: input.user.role, current: 'doors' },
      refreshAfterS: refreshAfterS(input.doors, input.now),
    },
  );
}
