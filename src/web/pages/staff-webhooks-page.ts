import { html } from '../../html/html.ts';
import { layout } from '../../html/layout.ts';
import type { DeliveryCounts } from '../../webhooks/delivery-admin.ts';
import type { WebhookEndpoint } from '../../webhooks/endpoints.ts';

export interface StaffEndpointRow {
  endpoint: WebhookEndpoint;
  applicationName: string;
  counts: DeliveryCounts;
}

/** ParqEx staff: every webhook endpoint, its health and why it was disabled (read-only). */
export function staffWebhooksPage(input: {
  rows: StaffEndpointRow[];
  formatTime: (ms: number) => string;
}): string {
  const { rows, formatTime } = input;
  return layout(
    'Webhook endpoints',
    html`<section class="card">
<h1>Webhook endpoints</h1>
<p class="muted">Staff view. Change endpoints with <code>parqex webhooks …</code> (see its --help).</p>
${
  rows.length === 0
    ? html`<p class="muted">No webhook endpoint is registered.</p>`
    : html`<ul class="apps">${rows.map(({ endpoint: e, applicationName, counts }) => {
        const status = e.disabledAt
          ? html`<strong class="error">Disabled ${formatTime(e.disabledAt)}: ${e.disabledReason ?? 'by staff'}</strong>`
          : e.failingSince
            ? html`<strong class="error">Failing since ${formatTime(e.failingSince)}</strong>`
            : html`<strong>Enabled</strong>`;
        return html`<li><div><strong>${applicationName}</strong> · <code>${e.id}</code>
<div>${e.url}</div>
<div>${status}</div>
<div class="muted">events: ${e.families.join(', ')} · last success: ${e.lastSuccessAt ? formatTime(e.lastSuccessAt) : 'never'} · pending ${counts.pending}, delivered ${counts.delivered}, failed ${counts.failed}</div></div></li>`;
      })}</ul>`
}
</section>`,
    { wide: true },
  );
}
