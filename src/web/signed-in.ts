import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/users.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { formOf } from './form.ts';
import { errorPage } from './pages/error-page.ts';
import { isCsrfValid, type WebSession, type WebSessions } from './web-session.ts';

/** A signed-in person's session (the account pages need one). */
export type SignedIn = WebSession & { user: User };

/**
 * The signed-in person for an account page, or `undefined` after answering: `303` to the login page
 * (coming back to `path`) for a visitor, the `403` page for a User on an Admin-only page.
 */
export async function signedIn(
  sessions: WebSessions,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  options: { adminOnly?: boolean } = {},
): Promise<SignedIn | undefined> {
  const web = await sessions.load(request);
  if (!web?.user) {
    reply.redirect(`/login?return_to=${encodeURIComponent(path)}`, 303);
    return undefined;
  }
  if (options.adminOnly && web.user.role !== 'admin') {
    forbidden(reply);
    return undefined;
  }
  return web as SignedIn;
}

/**
 * A form posted from an account page: a signed-in session and its CSRF token (plus Fetch Metadata,
 * see `isCsrfValid`), else the `403` page and `undefined`. Nothing is changed before this passes.
 */
export async function signedInForm(
  sessions: WebSessions,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { adminOnly?: boolean } = {},
): Promise<{ web: SignedIn; form: URLSearchParams } | undefined> {
  const form = formOf(request);
  const web = await sessions.load(request);
  if (!web?.user || !isCsrfValid(request, web.session, form.get('csrf'))) {
    setPageHeaders(reply)
      .code(403)
      .send(errorPage('Request refused', 'This form has expired. Please try again.'));
    return undefined;
  }
  if (options.adminOnly && web.user.role !== 'admin') {
    forbidden(reply);
    return undefined;
  }
  return { web: web as SignedIn, form };
}

function forbidden(reply: FastifyReply): void {
  setPageHeaders(reply)
    .code(403)
    .send(errorPage('Admins only', 'Only the Admin of your account can use this page.'));
}

/** The `404` page for an id of something this person cannot see: nothing about it is revealed. */
export function notFound(reply: FastifyReply, what: string): FastifyReply {
  return setPageHeaders(reply)
    .code(404)
    .send(errorPage(`${what} not found`, `There is no such ${what.toLowerCase()} in your account.`));
}
