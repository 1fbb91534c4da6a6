import { MIN_PASSWORD_LENGTH } from '../../accounts/passwords.ts';
import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';

/** The sign-up form of an invitation link: the address is the invited one and cannot be changed. */
export function signupPage(input: {
  csrfToken: string;
  /** The link's token, sent back with the form (never in a URL of ours after this page). */
  invitation: string;
  email: string;
  accountName: string;
  inviterName: string;
  doorNames: string[];
  firstName?: string;
  lastName?: string;
  error?: string;
}): string {
  return layout(
    'Create your account',
    html`<section class="card">
<h1>Create your ParqEx account</h1>
<p><strong>${input.inviterName}</strong> invited you to use doors of <strong>${input.accountName}</strong>:</p>
<ul>${input.doorNames.map((name) => html`<li>${name}</li>`)}</ul>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="/signup">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<input type="hidden" name="invitation" value="${input.invitation}">
<label for="email">Email</label>
<input id="email" type="email" autocomplete="username" value="${input.email}" readonly>
<label for="first_name">First name</label>
<input id="first_name" name="first_name" type="text" autocomplete="given-name" maxlength="100" required value="${input.firstName ?? ''}">
<label for="last_name">Last name</label>
<input id="last_name" name="last_name" type="text" autocomplete="family-name" maxlength="100" required value="${input.lastName ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="1024" required>
<p class="muted">At least ${MIN_PASSWORD_LENGTH} characters.</p>
<div class="actions"><button type="submit">Create account</button></div>
</form>
</section>`,
  );
}
