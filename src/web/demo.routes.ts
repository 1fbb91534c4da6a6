import type { FastifyInstance } from 'fastify';
import { DEMO_CLIENT, demoClientId, demoRedirectUri } from '../demo/seed.ts';
import { html } from '../html/html.ts';
import { layout } from '../html/layout.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { TOKEN_PATH } from '../oauth/endpoints/token.ts';
import type { WebDeps } from './web-deps.ts';

/**
 * Development only: the demo application's redirect target. It shows what the app received and the
 * documented token request to run next, so a newcomer can walk the flow by hand.
 */
export function registerDemoRoutes(app: FastifyInstance, ctx: WebDeps): void {
  app.get('/demo/callback', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const clientId = demoClientId(ctx.publicUrl);
    const tokenUrl = new URL(`${ctx.publicUrl}${TOKEN_PATH}`);
    tokenUrl.search = new URLSearchParams({
      client_id: clientId,
      client_secret: DEMO_CLIENT.secret,
      grant_type: 'authorization_code',
      code: query.code ?? '<CODE>',
      redirect_uri: demoRedirectUri(ctx.publicUrl),
    }).toString();
    const body = query.error
      ? html`<h1>The authorization was not granted</h1>
<p class="error">error=${query.error}${query.error_description ? ` (${query.error_description})` : ''}</p>`
      : html`<h1>Authorization code received</h1>
<p>This page stands in for a third-party application's callback (ParqEx docs, Step 2).</p>
<p>code: <code>${query.code ?? ''}</code></p>`;
    return setPageHeaders(reply).send(
      layout(
        'Demo callback',
        html`<section class="card">${body}
<p>state: <code>${query.state ?? ''}</code></p>
<p>iss: <code>${query.iss ?? ''}</code></p>
${query.code ? html`<h2>Step 3: exchange the code (within 10 minutes, once)</h2><pre>curl -s '${tokenUrl.href}' -H 'Content-Type: application/x-www-form-urlencoded'</pre>` : ''}
</section>`,
      ),
    );
  });
}
