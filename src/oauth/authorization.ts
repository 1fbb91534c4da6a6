import { randomToken, sha256 } from '../lib/crypto.ts';
import {
  type AuthorizationRequest,
  checkAuthorizationRequest,
  errorRedirect,
  RedirectableError,
  readRawQuery,
} from './authorization-request.ts';
import type { OAuthDeps } from './deps.ts';
import { AccessDenied, UntrustedRedirect } from './errors.ts';
import { issueCode } from './issue-code.ts';
import { includesAll, type Scope, unionScopes } from './scopes.ts';

/**
 * The authorization endpoint's protocol (RFC 6749 §4.1.1–4.1.2), without pages: the web room asks
 * who is signed in, shows the login and consent pages, and calls `beginAuthorization` and
 * `decideAuthorization`, which say where the browser goes next (as node-oidc-provider keeps its
 * interactions outside the protocol).
 */
export type AuthorizationStep =
  /** Send the browser here (a code, or an error the client may see). */
  | { step: 'redirect'; location: string }
  /** RFC 6749 §4.1.2.1: the client or redirect URI is in doubt: tell the person, never redirect. */
  | { step: 'refused'; error: UntrustedRedirect }
  /** Nobody is signed in: ask them to, then come back to the same request. */
  | { step: 'login'; applicationName: string }
  /** Ask the person; their answer names `requestId`. */
  | { step: 'consent'; requestId: string; authorization: AuthorizationRequest };

/** Who is asking, as the web session knows them. */
export interface Browser {
  userId: string | undefined;
  /** The web session's id hash: a consent answer must come from the session that was asked. */
  sessionHash: string;
}

function failed(deps: OAuthDeps, error: unknown): AuthorizationStep {
  if (error instanceof RedirectableError)
    return { step: 'redirect', location: errorRedirect(error, deps.publicUrl) };
  if (error instanceof UntrustedRedirect) return { step: 'refused', error };
  throw error;
}

/** A request to the authorization endpoint (`requestUrl`, raw: `state` comes back byte for byte). */
export async function beginAuthorization(
  deps: OAuthDeps,
  requestUrl: string,
  browser: Browser,
): Promise<AuthorizationStep> {
  let authorization: AuthorizationRequest;
  try {
    authorization = await checkAuthorizationRequest(deps.store, readRawQuery(requestUrl));
  } catch (error) {
    return failed(deps, error);
  }
  if (!browser.userId) return { step: 'login', applicationName: authorization.client.name };
  const now = deps.clock.now();
  const consented = authorization.client.isInternal
    ? authorization.scopes
    : await deps.store.findConsent(
        browser.userId,
        authorization.client.id,
        now - deps.config.consentTtlS * 1000,
      );
  if (consented && includesAll(consented, authorization.scopes)) {
    // A still-valid consent for these scopes (or a first-party app): no page, straight back.
    // A first-party app's authorization is recorded all the same: the person sees it on their
    // account page, can revoke it, and its webhooks reach them.
    if (authorization.client.isInternal) {
      await rememberConsent(deps, browser.userId, authorization.client.id, authorization.scopes, now);
    }
    return { step: 'redirect', location: await approve(deps, browser.userId, authorization, now) };
  }
  const requestId = randomToken();
  await deps.store.saveAuthorizationRequest({
    idHash: sha256(requestId),
    sessionHash: browser.sessionHash,
    clientId: authorization.client.id,
    redirectUri: authorization.redirectUri,
    scopes: authorization.scopes,
    state: authorization.rawState ?? null,
    codeChallenge: authorization.codeChallenge ?? null,
    expiresAt: now + deps.config.codeTtlS * 1000,
  });
  return { step: 'consent', requestId, authorization };
}

/**
 * The person's answer on the consent page. `expired` when the request is unknown, used, expired or
 * was asked of another session (each request is taken once).
 */
export async function decideAuthorization(
  deps: OAuthDeps,
  answer: { requestId: string; userId: string; sessionHash: string; allow: boolean },
): Promise<AuthorizationStep | { step: 'expired' }> {
  const pending = answer.requestId
    ? await deps.store.takeAuthorizationRequest(sha256(answer.requestId))
    : undefined;
  const now = deps.clock.now();
  if (!pending || pending.sessionHash !== answer.sessionHash || pending.expiresAt <= now) {
    return { step: 'expired' };
  }
  const client = await deps.store.findClient(pending.clientId);
  if (!client || client.disabledAt !== null) {
    return {
      step: 'refused',
      error: new UntrustedRedirect('invalid_client', 'this application is disabled'),
    };
  }
  const rawState = pending.state ?? undefined;
  if (!answer.allow) {
    const denied = new RedirectableError(
      new AccessDenied('the user denied access'),
      pending.redirectUri,
      rawState,
    );
    return { step: 'redirect', location: errorRedirect(denied, deps.publicUrl) };
  }
  await rememberConsent(deps, answer.userId, client.id, pending.scopes, now);
  const location = await approve(
    deps,
    answer.userId,
    {
      client,
      redirectUri: pending.redirectUri,
      scopes: pending.scopes,
      rawState,
      codeChallenge: pending.codeChallenge ?? undefined,
    },
    now,
  );
  return { step: 'redirect', location };
}

/** Records what the person approved, added to what they had approved before (for the consent skip). */
async function rememberConsent(
  deps: OAuthDeps,
  userId: string,
  clientId: string,
  scopes: Scope[],
  now: number,
): Promise<void> {
  const previous = (await deps.store.findConsent(userId, clientId, 0)) ?? [];
  await deps.store.saveConsent(userId, clientId, unionScopes(previous, scopes), now);
}

function approve(
  deps: OAuthDeps,
  userId: string,
  authorization: AuthorizationRequest,
  now: number,
): Promise<string> {
  return issueCode(
    deps.store,
    {
      clientId: authorization.client.id,
      userId,
      redirectUri: authorization.redirectUri,
      scopes: authorization.scopes,
      rawState: authorization.rawState,
      codeChallenge: authorization.codeChallenge,
    },
    now,
    { codeTtlS: deps.config.codeTtlS, issuer: deps.publicUrl },
  );
}
