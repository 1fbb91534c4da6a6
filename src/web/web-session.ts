import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSession, deleteSession, findSession, type Session } from '../accounts/sessions.ts';
import { findUserById, type User } from '../accounts/users.ts';
import { safeEqual } from '../lib/crypto.ts';
import type { WebDeps } from './web-deps.ts';

export const SESSION_COOKIE = 'parqex_session';
/** A visitor who has not signed in keeps a short session: just long enough to fill in a form. */
const ANONYMOUS_TTL_S = 3600;

export interface WebSession {
  session: Session;
  user: User | undefined;
}

/**
 * Browser sessions: a signed, HttpOnly, SameSite=Lax cookie (Secure in production) naming a
 * server-side session. One place reads, creates, rotates and ends them.
 */
export class WebSessions {
  readonly #ctx: WebDeps;
  constructor(ctx: WebDeps) {
    this.#ctx = ctx;
  }

  async load(request: FastifyRequest): Promise<WebSession | undefined> {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    const session = await findSession(this.#ctx.db, unsigned.value, this.#ctx.clock.now());
    if (!session) return undefined;
    const user = session.userId ? await findUserById(this.#ctx.db, session.userId) : undefined;
    return { session, user };
  }

  /** The visitor's session, creating an anonymous one (for a form's CSRF token) when there is none. */
  async ensure(request: FastifyRequest, reply: FastifyReply): Promise<WebSession> {
    const existing = await this.load(request);
    if (existing) return existing;
    const session = await createSession(this.#ctx.db, null, this.#ctx.clock.now(), ANONYMOUS_TTL_S);
    this.#setCookie(reply, session);
    return { session, user: undefined };
  }

  /** Signing in replaces the session (no fixation): the old one is deleted, a new one is issued. */
  async signIn(reply: FastifyReply, previous: Session | undefined, user: User): Promise<Session> {
    if (previous) await deleteSession(this.#ctx.db, previous.idHash);
    const session = await createSession(
      this.#ctx.db,
      user.id,
      this.#ctx.clock.now(),
      this.#ctx.config.sessionTtlS,
    );
    this.#setCookie(reply, session);
    return session;
  }

  async signOut(reply: FastifyReply, session: Session): Promise<void> {
    await deleteSession(this.#ctx.db, session.idHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  #setCookie(reply: FastifyReply, session: Session): void {
    reply.setCookie(SESSION_COOKIE, session.id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.#ctx.config.env === 'production',
      signed: true,
      expires: new Date(session.expiresAt),
    });
  }
}

/**
 * CSRF: the synchronizer token of the session must come back in the form. As a second line, a
 * browser's Fetch Metadata (`Sec-Fetch-Site`) must say same-origin when sent, and an `Origin` header
 * must be ours. Our pages send `Referrer-Policy: no-referrer`, under which browsers send
 * `Origin: null` even for same-origin form posts, so `null` is judged by Sec-Fetch-Site alone.
 */
export function isCsrfValid(
  request: FastifyRequest,
  session: Session | undefined,
  token: string | null,
): boolean {
  if (!session || !token || !safeEqual(token, session.csrfToken)) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  return origin === `${request.protocol}://${request.host}`;
}
