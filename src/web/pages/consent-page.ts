import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import { SCOPE_DESCRIPTIONS, type Scope } from '../../oauth/scopes.ts';

export function consentPage(input: {
  csrfToken: string;
  requestId: string;
  applicationName: string;
  website: string | null;
  description: string | null;
  scopes: Scope[];
  userName: string;
  userEmail: string;
}): string {
  return layout(
    'Authorize application',
    html`<section class="card">
<h1>${input.applicationName} wants to access your ParqEx account</h1>
${input.website ? html`<p class="muted">Website: <a href="${input.website}" rel="noopener noreferrer" target="_blank">${input.website}</a></p>` : ''}
${input.description ? html`<p>${input.description}</p>` : ''}
<h2>It will be able to:</h2>
<ul class="abilities">
<li>See your profile: name, email, phone, address and vehicles</li>
${input.scopes.map((s) => html`<li>${SCOPE_DESCRIPTIONS[s]}</li>`)}
</ul>
<p class="muted">Signed in as ${input.userName} (${input.userEmail}). You can remove this access at any time from your ParqEx account page.</p>
<form method="post" action="/oauth/v2/endpoints/authorization/decision">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<input type="hidden" name="request_id" value="${input.requestId}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">DENY</button>
<button type="submit" name="decision" value="allow">ALLOW</button>
</div>
</form>
</section>`,
  );
}
