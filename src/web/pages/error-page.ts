import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';

export function errorPage(title: string, message: string, detail?: string): string {
  return layout(
    title,
    html`<section class="card">
<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
${detail ? html`<p class="muted">${detail}</p>` : ''}
<p><a href="/account">Go to your ParqEx account</a></p>
</section>`,
  );
}
