import type { FastifyInstance } from 'fastify';
import { setPageHeaders } from '../html/security-headers.ts';
import { formatLocal } from '../lib/time.ts';
import { countDeliveries } from '../webhooks/delivery-admin.ts';
import { errorPage } from './pages/error-page.ts';
import { type StaffEndpointRow, staffWebhooksPage } from './pages/staff-webhooks-page.ts';
import type { WebDeps } from './web-deps.ts';
import type { WebSessions } from './web-session.ts';

/**
 * Pages for ParqEx staff (the people named in PARQEX_STAFF_EMAILS, signed in with their ParqEx
 * account). Read-only for now: staff change things with the `parqex` command (spec §2).
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/staff/webhooks', async (request, reply) => {
    const web = await sessions.load(request);
    if (!web?.user) return reply.redirect('/login?return_to=%2Fstaff%2Fwebhooks', 303);
    if (!ctx.config.staffEmails.includes(web.user.email)) {
      return setPageHeaders(reply).code(403).send(errorPage('Staff only', 'This page is for ParqEx staff.'));
    }
    const endpoints = await ctx.webhooks.list();
    const names = new Map((await ctx.clients.list()).map((c) => [c.id, `${c.name} (${c.environment})`]));
    const rows: StaffEndpointRow[] = [];
    for (const endpoint of endpoints) {
      rows.push({
        endpoint,
        applicationName: names.get(endpoint.clientId) ?? endpoint.clientId,
        counts: await countDeliveries(ctx.db, endpoint.id),
      });
    }
    const timeZone = web.user.timeZone;
    return setPageHeaders(reply).send(
      staffWebhooksPage({ rows, formatTime: (ms) => formatLocal(ms, timeZone) }),
    );
  });
}
