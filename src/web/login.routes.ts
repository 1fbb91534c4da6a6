import type { FastifyInstance } from 'fastify';
import { dummyPasswordHash, verifyPassword } from '../accounts/passwords.ts';
import { findUserCredentials, normalizeEmail } from '../accounts/users.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { formOf } from './form.ts';
import { errorPage } from './pages/error-page.ts';
import { loginPage } from './pages/login-page.ts';
import { safeReturnPath } from './safe-return-path.ts';
import type { WebDeps } from './web-deps.ts';
import { isCsrfValid, type WebSessions } from './web-session.ts';

/** Sign in and out. Failed attempts are throttled per account and per client address. */
export function registerLoginRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/login', async (request, reply) => {
    const web = await sessions.ensure(request, reply);
    // Checked before anything else: a `Location` that cannot be sent fails after the session changed.
    const returnTo = safeReturnPath((request.query as Record<string, unknown>).return_to);
    if (web.user) return reply.redirect(returnTo, 303);
    return setPageHeaders(reply).send(loginPage({ csrfToken: web.session.csrfToken, returnTo }));
  });

  app.post('/login', async (request, reply) => {
    const form = formOf(request);
    const web = await sessions.load(request);
    // Checked before the sign-in: never half a sign-in (session switched, then no answer).
    const returnTo = safeReturnPath(oneValue(form.getAll('return_to')));
    if (!isCsrfValid(request, web?.session, form.get('csrf'))) {
      return setPageHeaders(reply)
        .code(403)
        .send(errorPage('Request refused', 'This sign-in form has expired. Please go back and try again.'));
    }
    const session = web!.session;
    const email = normalizeEmail(form.get('email') ?? '');
    const password = form.get('password') ?? '';
    const again = (status: number, error: string) =>
      setPageHeaders(reply)
        .code(status)
        .send(loginPage({ csrfToken: session.csrfToken, returnTo, email, error }));

    const now = ctx.clock.now();
    const ticket = await ctx.throttle.begin(email, request.ip, now);
    if (!ticket.allowed) {
      const minutes = Math.ceil(ticket.retryAfterS / 60);
      request.log.warn({ event: 'login.throttled' }, 'login throttled');
      reply.header('retry-after', String(ticket.retryAfterS));
      return again(429, `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    const found = email ? await findUserCredentials(ctx.db, email) : undefined;
    // Spend the same time whether or not the account exists.
    const valid = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()));
    if (!found || !valid) {
      request.log.info({ event: 'login.failed' }, 'login failed');
      return again(401, 'Incorrect email or password.');
    }
    await ctx.throttle.succeeded(ticket, email, request.ip);
    await sessions.signIn(reply, session, found.user);
    request.log.info({ event: 'login.succeeded', userId: found.user.id }, 'login succeeded');
    return reply.redirect(returnTo, 303);
  });

  app.post('/logout', async (request, reply) => {
    const web = await sessions.load(request);
    if (web && isCsrfValid(request, web.session, formOf(request).get('csrf'))) {
      await sessions.signOut(reply, web.session);
    }
    return reply.redirect('/login', 303);
  });
}

/** The one value of a field given once; repeated or missing gives undefined. */
function oneValue(values: string[]): string | undefined {
  return values.length === 1 ? values[0] : undefined;
}
