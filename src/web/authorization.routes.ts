import type { FastifyInstance, FastifyReply } from 'fastify';
import { setPageHeaders } from '../html/security-headers.ts';
import { type AuthorizationStep, beginAuthorization, decideAuthorization } from '../oauth/authorization.ts';
import type { OAuthDeps } from '../oauth/deps.ts';
import { AUTHORIZATION_PATH } from '../oauth/endpoints/metadata.ts';
import { formOf } from './form.ts';
import { consentPage } from './pages/consent-page.ts';
import { errorPage } from './pages/error-page.ts';
import { loginPage } from './pages/login-page.ts';
import { isCsrfValid, type WebSessions } from './web-session.ts';

const DECISION_PATH = '/oauth/v2/endpoints/authorization/decision';

/**
 * The pages of the authorization endpoint (ParqEx docs, Step 1): sign in, then consent (ALLOW /
 * DENY). The protocol — checks, consent memory, codes, redirects — is `oauth/authorization.ts`.
 */
export function registerAuthorizationPages(
  app: FastifyInstance,
  deps: OAuthDeps,
  sessions: WebSessions,
): void {
  app.get(AUTHORIZATION_PATH, async (request, reply) => {
    const web = await sessions.ensure(request, reply);
    const step = await beginAuthorization(deps, request.url, {
      userId: web.user?.id,
      sessionHash: web.session.idHash,
    });
    switch (step.step) {
      case 'login':
        return setPageHeaders(reply).send(
          loginPage({
            csrfToken: web.session.csrfToken,
            returnTo: request.url,
            applicationName: step.applicationName,
          }),
        );
      case 'consent': {
        const { client, scopes } = step.authorization;
        return setPageHeaders(reply).send(
          consentPage({
            csrfToken: web.session.csrfToken,
            requestId: step.requestId,
            applicationName: client.name,
            website: client.website,
            description: client.description,
            scopes,
            userName: `${web.user!.firstName} ${web.user!.lastName}`,
            userEmail: web.user!.email,
          }),
        );
      }
      default:
        return answer(reply, step, 302);
    }
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
    const step = await decideAuthorization(deps, {
      requestId: form.get('request_id') ?? '',
      userId: web.user.id,
      sessionHash: web.session.idHash,
      allow: form.get('decision') === 'allow',
    });
    if (step.step === 'expired') {
      return setPageHeaders(reply)
        .code(400)
        .send(
          errorPage(
            'Request expired',
            'This authorization request has expired. Please start again from the application.',
          ),
        );
    }
    return answer(reply, step, 303);
  });
}

function answer(reply: FastifyReply, step: AuthorizationStep, redirectStatus: 302 | 303): FastifyReply {
  if (step.step === 'redirect') {
    return reply.header('cache-control', 'no-store').redirect(step.location, redirectStatus);
  }
  if (step.step === 'refused') {
    // RFC 6749 §4.1.2.1: tell the person, never redirect to an unverified URI.
    return setPageHeaders(reply)
      .code(400)
      .send(
        errorPage(
          'This application cannot sign in with ParqEx',
          `The request cannot be completed: ${step.error.description}.`,
          `Error code: ${step.error.code}. If you are the developer of this application, check its client_id and redirect URI with ParqEx Support.`,
        ),
      );
  }
  throw new Error(`unexpected authorization step ${step.step}`);
}
