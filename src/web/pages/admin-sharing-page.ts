import type { PendingInvitation, SharedAccess } from '../../access/list-sharing.ts';
import type { MemberView } from '../../accounts/permissions.ts';
import type { User } from '../../accounts/users.ts';
import { html, type SafeHtml } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { formatLocal } from '../../lib/time.ts';
import { adminTabs } from './admin-devices-page.ts';

/** A door of the account, as the Admin names it on the sharing page. */
export interface AccountDoor {
  id: string;
  name: string;
  controller: string;
  entityNumber: number;
}

function csrf(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

function removeForm(
  token: string,
  fields: Record<string, string>,
  label: string,
  ariaLabel: string,
): SafeHtml {
  return html`<form method="post" action="/admin/sharing/remove">${csrf(token)}${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit" class="danger" aria-label="${ariaLabel}">${label}</button></form>`;
}

/** Invitations and shared access: invite by email to chosen doors, see who has which, remove. */
export function adminSharingPage(input: {
  csrfToken: string;
  user: User;
  doors: AccountDoor[];
  invitations: PendingInvitation[];
  shared: SharedAccess[];
  notice?: string;
  error?: string;
  /** What was typed, kept when the invitation was refused. */
  draft?: { email: string; doorIds: string[] };
  /** The account's people and their permissions (guests, enforce). */
  members?: MemberView[];
}): string {
  const token = input.csrfToken;
  const zone = input.user.timeZone;
  const names = new Map(input.doors.map((d) => [d.id, d.name]));
  const chosen = new Set(input.draft?.doorIds ?? []);
  return layout(
    'Sharing',
    html`<h1>Admin</h1>
${adminTabs('sharing')}
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
<section class="card" id="invite">
<h2>Share doors</h2>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
${
  input.doors.length === 0
    ? html`<p class="muted">Your account has no door to share yet.</p>`
    : html`<form method="post" action="/admin/sharing/invite">${csrf(token)}
<label for="email">Email</label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="off" value="${input.draft?.email ?? ''}">
<fieldset class="plain"><legend>Doors</legend>
${input.doors.map(
  (d) =>
    html`<label class="check"><input type="checkbox" name="door_id" value="${d.id}"${chosen.has(d.id) ? html` checked` : ''}><span>${d.name} <span class="muted">· controller ${d.controller}, door ${d.entityNumber}</span></span></label>`,
)}
</fieldset>
<p class="muted">Someone with a ParqEx account can use the doors at once; anyone else gets an email to sign up (the link works for 14 days).</p>
<div class="actions"><button type="submit">Share</button></div>
</form>`
}
</section>
<section class="card" id="people">
<h2>People with access</h2>
${
  input.shared.length === 0
    ? html`<p class="muted">No door is shared with anyone.</p>`
    : html`<ul class="rows">${input.shared.map(
        (
          p,
        ) => html`<li><div><strong>${p.firstName} ${p.lastName}</strong> <span class="muted">${p.email}</span>
<ul class="rows">${p.doors.map(
          (d) =>
            html`<li><div>${d.name} <span class="muted">since ${formatLocal(d.grantedAt, zone).slice(0, 10)}</span></div>${removeForm(token, { user_id: p.userId, door_id: d.doorId }, 'Remove', `Remove ${p.email} from ${d.name}`)}</li>`,
        )}</ul></div>
${p.doors.length > 1 ? removeForm(token, { user_id: p.userId }, 'Remove from every door', `Remove ${p.email} from every door`) : ''}</li>`,
      )}</ul>`
}
</section>
<section class="card" id="invitations">
<h2>Pending invitations</h2>
${
  input.invitations.length === 0
    ? html`<p class="muted">No invitation is waiting.</p>`
    : html`<ul class="rows">${input.invitations.map(
        (i) => html`<li><div><strong>${i.email}</strong>
<div class="muted">${i.doorIds.map((id) => names.get(id) ?? 'a door no longer in your account').join(', ')} · sent ${formatLocal(i.createdAt, zone).slice(0, 10)}, valid until ${formatLocal(i.expiresAt, zone).slice(0, 10)}</div></div>
${removeForm(token, { email: i.email }, 'Withdraw', `Withdraw the invitation of ${i.email}`)}</li>`,
      )}</ul>`
}
</section>
${input.members ? membersSection(token, input.members) : ''}`,
    { nav: { role: input.user.role, current: 'admin' }, wide: true },
  );
}

/** The members' permissions (products.md §0): the Admin gives or takes `guests` and `enforce`. */
function membersSection(token: string, members: MemberView[]): SafeHtml {
  const users = members.filter((m) => m.role === 'user');
  return html`<section class="card" id="members">
<h2>Members’ permissions</h2>
<p class="muted">People of your account. “Guests”: may invite guests with guest passes. “Enforce”: may check plates as a patrol agent. You hold both as the Admin.</p>
${
  users.length === 0
    ? html`<p class="muted">Your account has no other member yet.</p>`
    : html`<ul class="rows">${users.map(
        (
          m,
        ) => html`<li><form method="post" action="/admin/sharing/permissions" class="permissions">${csrf(token)}<input type="hidden" name="user_id" value="${m.userId}">
<div><strong>${m.firstName} ${m.lastName}</strong> <span class="muted">${m.email}</span></div>
<label class="check"><input type="checkbox" name="guests" value="1"${m.permissions.guests ? html` checked` : ''}><span>Guests</span></label>
<label class="check"><input type="checkbox" name="enforce" value="1"${m.permissions.enforce ? html` checked` : ''}><span>Enforce</span></label>
<button type="submit" class="secondary" aria-label="Save the permissions of ${m.email}">Save</button></form></li>`,
      )}</ul>`
}
</section>`;
}
