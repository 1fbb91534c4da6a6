import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';

export function loginPage(input: {
  csrfToken: string;
  returnTo: string;
  email?: string;
  error?: string;
  /** The application that sent the user here, when signing in to authorize it. */
  applicationName?: string;
}): string {
  return layout(
    'Sign in',
    html`<section class="card">
<h1>Sign in to ParqEx</h1>
${input.applicationName ? html`<p class="muted">to continue to <strong>${input.applicationName}</strong></p>` : ''}
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<input type="hidden" name="return_to" value="${input.returnTo}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</section>`,
  );
}
