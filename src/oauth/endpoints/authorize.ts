import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { randomToken, sha256 } from '../../lib/crypto.ts';
import { consentPage } from '../../web/pages/consent-page.ts';
import { errorPage } from '../../web/pages/error-page.ts';
import { loginPage } from '../../web/pages/login-page.ts';
import { setPageHeaders } from '../../web/security-headers.ts';
import { isCsrfValid, type WebSessions } from '../../web/web-session.ts';
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  errorRedirect,
  RedirectableError,
  readRawQuery,
} from '../authorization-request.ts';
import { AccessDenied, UntrustedRedirect } from '../errors.ts';
import { issueCode } from '../issue-code.ts';
import { includesAll, type Scope, unionScopes } from '../scopes.ts';

export const AUTHORIZATION_PATH = '/oauth/v2/endpoints/authorization/';
const DECISION_PATH = '/oauth/v2/endpoints/authorization/decision';

/**
 * RFC 6749 §4.1.1–4.1.2 at the documented path: sign in (ParqEx login page), consent (ALLOW / DENY),
 * then a redirect with `code`, `state` and `iss`.
 */
export function registerAuthorizationEndpoint(
  app: FastifyInstance,
  ctx: AppContext,
  sessions: WebSessions,
): void {
  app.get(AUTHORIZATION_PATH, async (request, reply) => {
    let authorization: AuthorizationRequest;
    try {
      authorization = await checkAuthorizationRequest(ctx.store, readRawQuery(request.url));
    } catch (error) {
      return renderAuthorizationError(reply, ctx, error);
    }
    const web = await sessions.ensure(request, reply);
    if (!web.user) {
      return setPageHeaders(reply).send(
        loginPage({
          csrfToken: web.session.csrfToken,
          returnTo: request.url,
          applicationName: authorization.client.name,
        }),
      );
    }
    const now = ctx.clock.now();
    const consented = authorization.client.isInternal
      ? authorization.scopes
      : await ctx.store.findConsent(
          web.user.id,
          authorization.client.id,
          now - ctx.config.consentTtlS * 1000,
        );
    if (consented && includesAll(consented, authorization.scopes)) {
      // A still-valid consent for these scopes (or a first-party app): no page, straight back.
      // A first-party app's authorization is recorded all the same: the person sees it on their
      // account page, can revoke it, and its webhooks reach them.
      if (authorization.client.isInternal) {
        await rememberConsent(ctx, web.user.id, authorization.client.id, authorization.scopes, now);
      }
      const location = await approve(ctx, web.user.id, authorization, now);
      return reply.header('cache-control', 'no-store').redirect(location, 302);
    }
    const requestId = randomToken();
    await ctx.store.saveAuthorizationRequest({
      idHash: sha256(requestId),
      sessionHash: web.session.idHash,
      clientId: authorization.client.id,
      redirectUri: authorization.redirectUri,
      scopes: authorization.scopes,
      state: authorization.rawState ?? null,
      codeChallenge: authorization.codeChallenge ?? null,
      expiresAt: now + ctx.config.codeTtlS * 1000,
    });
    return setPageHeaders(reply).send(
      consentPage({
        csrfToken: web.session.csrfToken,
        requestId,
        applicationName: authorization.client.name,
        website: authorization.client.website,
        description: authorization.client.description,
        scopes: authorization.scopes,
        userName: `${web.user.firstName} ${web.user.lastName}`,
        userEmail: web.user.email,
      }),
    );
  });

  app.post(DECISION_PATH, async (request, reply) => {
    const form = formOf(request);
    const web = await sessions.load(request);
    if (!web?.user || !isCsrfValid(request, web.session, form.get('csrf'))) {
      return setPageHeaders(reply)
        .code(403)
        .send(
          errorPage(
            'Request refused',
            'This form has expired or did not come from ParqEx. Please start again from the application.',
          ),
        );
    }
    const requestId = form.get('request_id') ?? '';
    const pending = requestId ? await ctx.store.takeAuthorizationRequest(sha256(requestId)) : undefined;
    const now = ctx.clock.now();
    if (!pending || pending.sessionHash !== web.session.idHash || pending.expiresAt <= now) {
      return setPageHeaders(reply)
        .code(400)
        .send(
          errorPage(
            'Request expired',
            'This authorization request has expired. Please start again from the application.',
          ),
        );
    }
    const client = await ctx.store.findClient(pending.clientId);
    if (!client || client.disabledAt !== null) {
      return renderAuthorizationError(
        reply,
        ctx,
        new UntrustedRedirect('invalid_client', 'this application is disabled'),
      );
    }
    const rawState = pending.state ?? undefined;
    if (form.get('decision') !== 'allow') {
      const denied = new RedirectableError(
        new AccessDenied('the user denied access'),
        pending.redirectUri,
        rawState,
      );
      return reply.redirect(errorRedirect(denied, ctx.publicUrl), 303);
    }
    const scopes = pending.scopes;
    await rememberConsent(ctx, web.user.id, client.id, scopes, now);
    const location = await approve(
      ctx,
      web.user.id,
      {
        client,
        redirectUri: pending.redirectUri,
        scopes,
        rawState,
        codeChallenge: pending.codeChallenge ?? undefined,
      },
      now,
    );
    return reply.redirect(location, 303);
  });
}

/** Records what the person approved, added to what they had approved before (for the consent skip). */
async function rememberConsent(
  ctx: AppContext,
  userId: string,
  clientId: string,
  scopes: Scope[],
  now: number,
): Promise<void> {
  const previous = (await ctx.store.findConsent(userId, clientId, 0)) ?? [];
  await ctx.store.saveConsent(userId, clientId, unionScopes(previous, scopes), now);
}

function approve(
  ctx: AppContext,
  userId: string,
  authorization: AuthorizationRequest,
  now: number,
): Promise<string> {
  return issueCode(
    ctx.store,
    {
      clientId: authorization.client.id,
      userId,
      redirectUri: authorization.redirectUri,
      scopes: authorization.scopes,
      rawState: authorization.rawState,
      codeChallenge: authorization.codeChallenge,
    },
    now,
    { codeTtlS: ctx.config.codeTtlS, issuer: ctx.publicUrl },
  );
}

function renderAuthorizationError(reply: FastifyReply, ctx: AppContext, error: unknown): FastifyReply {
  if (error instanceof RedirectableError) {
    return reply.header('cache-control', 'no-store').redirect(errorRedirect(error, ctx.publicUrl), 302);
  }
  if (error instanceof UntrustedRedirect) {
    // RFC 6749 §4.1.2.1: tell the person, never redirect to an unverified URI.
    return setPageHeaders(reply)
      .code(400)
      .send(
        errorPage(
          'This application cannot sign in with ParqEx',
          `The request cannot be completed: ${error.description}.`,
          `Error code: ${error.code}. If you are the developer of this application, check its client_id and redirect URI with ParqEx Support.`,
        ),
      );
  }
  throw error;
}

/** The parsed urlencoded body (see app.ts), or an empty one. */
export function formOf(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}
