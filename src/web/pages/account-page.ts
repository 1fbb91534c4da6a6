import type { User, Vehicle } from '../../accounts/users.ts';
import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { SCOPE_DESCRIPTIONS, type Scope } from '../../oauth/scopes.ts';

export interface AuthorizedApplication {
  clientId: string;
  name: string;
  website: string | null;
  scopes: Scope[];
  grantedAt: string;
}

export function accountPage(input: {
  csrfToken: string;
  user: User;
  vehicles: Vehicle[];
  applications: AuthorizedApplication[];
  notice?: string;
}): string {
  const { user } = input;
  return layout(
    'Your account',
    html`<section class="card">
<h1>${user.firstName} ${user.lastName}</h1>
<p>${user.email}${user.phone ? html` · ${user.phone}` : ''}</p>
<p class="muted">${user.role === 'admin' ? 'Admin of your account' : 'User of your account'} · time zone ${user.timeZone}</p>
${input.vehicles.length > 0 ? html`<h2>Vehicles</h2><ul>${input.vehicles.map((v) => html`<li>${v.plate}${v.region ? ` (${v.region})` : ''} ${[v.color, v.make, v.model].filter(Boolean).join(' ')}</li>`)}</ul>` : ''}
<form method="post" action="/logout"><input type="hidden" name="csrf" value="${input.csrfToken}"><button type="submit" class="secondary">Sign out</button></form>
</section>
<section class="card" id="applications">
<h1>Applications you authorized</h1>
${input.notice ? html`<p class="muted" role="status">${input.notice}</p>` : ''}
${
  input.applications.length === 0
    ? html`<p class="muted">No application has access to your account.</p>`
    : html`<ul class="apps">${input.applications.map(
        (
          app,
        ) => html`<li><div><strong>${app.name}</strong>${app.website ? html` · <span class="muted">${app.website}</span>` : ''}
<div class="muted">${app.scopes.length > 0 ? app.scopes.map((s) => SCOPE_DESCRIPTIONS[s]).join(', ') : 'See your profile'} · since ${app.grantedAt}</div></div>
<form method="post" action="/account/applications/revoke"><input type="hidden" name="csrf" value="${input.csrfToken}"><input type="hidden" name="client_id" value="${app.clientId}"><button type="submit" class="danger">Revoke access</button></form></li>`,
      )}</ul>`
}
</section>`,
    { nav: { role: user.role, current: 'applications' } },
  );
}
