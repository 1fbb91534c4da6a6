import type { FastifyInstance } from 'fastify';
import { listVehicles } from '../accounts/users.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { storedScopes } from '../oauth/scopes.ts';
import { type AuthorizedApplication, accountPage } from './pages/account-page.ts';
import { signedIn, signedInForm } from './signed-in.ts';
import type { WebDeps } from './web-deps.ts';
import type { WebSessions } from './web-session.ts';

/** The signed-in user's account page: profile, and the applications they authorized (revocable). */
export function registerAccountRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/account', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/account');
    if (!web) return reply;
    const rows = await ctx.db
      .selectFrom('consents as c')
      .innerJoin('clients as cl', 'cl.id', 'c.client_id')
      .select(['cl.id', 'cl.name', 'cl.website', 'c.scopes', 'c.granted_at'])
      .where('c.user_id', '=', web.user.id)
      .where('c.revoked_at', 'is', null)
      .orderBy('c.granted_at', 'desc')
      .execute();
    const applications: AuthorizedApplication[] = rows.map((r) => ({
      clientId: r.id,
      name: r.name,
      website: r.website,
      scopes: storedScopes(r.scopes),
      grantedAt: new Date(r.granted_at).toISOString().slice(0, 10),
    }));
    const notice =
      (request.query as Record<string, string | undefined>).revoked === '1' ? 'Access revoked.' : undefined;
    return setPageHeaders(reply).send(
      accountPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        vehicles: await listVehicles(ctx.db, web.user.id),
        applications,
        notice,
      }),
    );
  });

  app.post('/account/applications/revoke', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const clientId = form.get('client_id');
    if (clientId) {
      await ctx.store.revokeUserClient(web.user.id, clientId, ctx.clock.now());
      request.log.info(
        { event: 'grant.revoked', userId: web.user.id, clientId },
        'user revoked an application',
      );
    }
    return reply.redirect('/account?revoked=1#applications', 303);
  });
}
