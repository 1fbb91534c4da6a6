import type { FastifyInstance } from 'fastify';
import { html, type SafeHtml } from '../html/html.ts';
import { layout } from '../html/layout.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { listDevMailbox } from '../mail/dev-mailbox.ts';
import type { WebDeps } from './web-deps.ts';

const LINK = /(https?:\/\/[^\s<>"']+)/;

/** Plain text with its http(s) links made clickable; everything else escaped. */
function withLinks(text: string): SafeHtml {
  return html`${text
    .split(LINK)
    .map((part, i) => (i % 2 === 1 ? html`<a href="${part}" rel="noreferrer">${part}</a>` : part))}`;
}

/**
 * Development only: the mail ParqEx "sent" without `PARQEX_SMTP_URL`, newest first, so the
 * invitation flow can be followed by hand. Not registered in production.
 */
export function registerMailboxRoutes(app: FastifyInstance, ctx: WebDeps): void {
  if (ctx.config.env !== 'development') return;
  app.get('/dev/mailbox', async (_request, reply) => {
    const messages = await listDevMailbox(ctx.db);
    const note = ctx.config.smtpUrl
      ? html`<p class="muted">PARQEX_SMTP_URL is set: new mail goes to that server, not here.</p>`
      : '';
    return setPageHeaders(reply).send(
      layout(
        'Development mailbox',
        html`<section class="card">
<h1>Development mailbox</h1>
<p class="muted">Mail kept by this development server instead of being sent, newest first.</p>
${note}
${messages.length === 0 ? html`<p class="muted">No mail yet.</p>` : ''}
</section>
${messages.map(
  (m) => html`<section class="card mail">
<h2>${m.subject}</h2>
<p class="muted">To ${m.to} · ${new Date(m.createdAt).toISOString()}</p>
<pre>${withLinks(m.text)}</pre>
</section>`,
)}`,
      ),
    );
  });
}
