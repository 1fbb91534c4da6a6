import { sha256 } from '../../lib/crypto.ts';
import { checkPkceVerifier } from '../checks/check-pkce.ts';
import { InvalidGrant, InvalidRequest, type OAuthError } from '../errors.ts';
import { mintTokenPair, type TokenResponse } from '../issue-tokens.ts';
import type { Client, OAuthStore } from '../ports.ts';

export interface AuthorizationCodeRequest {
  code: string | undefined;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
}

export interface GrantSettings {
  accessTokenTtlS: number;
  refreshTokenIdleTtlS: number;
}

/**
 * RFC 6749 §4.1.3: exchange a code for tokens. The code is consumed before any other check, so a
 * code presented twice (whatever else is wrong with the request) never yields tokens twice; a
 * replayed code revokes every token it issued (§4.1.2, RFC 9700 §4.5.3.1).
 */
export async function exchangeAuthorizationCode(
  store: OAuthStore,
  client: Client,
  request: AuthorizationCodeRequest,
  now: number,
  settings: GrantSettings,
): Promise<TokenResponse> {
  if (!request.code) throw new InvalidRequest('code is required');
  const codeHash = sha256(request.code);
  // One transaction from redeeming the code to storing the tokens: a concurrent second redemption
  // waits for it, then revokes what it issued (nothing can slip in between).
  const outcome = await store.transaction(async (trx): Promise<Outcome> => {
    const result = await trx.consumeCode(codeHash, now);
    if (result.outcome === 'unknown') return { error: new InvalidGrant('the authorization code is invalid') };
    if (result.outcome === 'already-used') return { replayOf: result.grantId };
    const code = result.code;
    // Refused, but the code stays used: returned, not thrown, so the redemption commits.
    const refusal = checkCode(code, client, request, now);
    if (refusal) return { error: refusal };
    if (!(await trx.isGrantActive(code.grantId)))
      return { error: new InvalidGrant('the authorization was revoked') };

    const pair = mintTokenPair(
      { grantId: code.grantId, clientId: client.id, userId: code.userId, scopes: code.scopes },
      now,
      { accessS: settings.accessTokenTtlS, refreshIdleS: settings.refreshTokenIdleTtlS },
    );
    await trx.saveTokens(pair.access, pair.refresh);
    return { tokens: pair.response };
  });
  if ('tokens' in outcome) return outcome.tokens;
  if ('error' in outcome) throw outcome.error;
  await store.revokeGrant(outcome.replayOf, now);
  throw new InvalidGrant('the authorization code was already used; the tokens it issued are revoked');
}

type Outcome = { tokens: TokenResponse } | { error: OAuthError } | { replayOf: string };

function checkCode(
  code: { clientId: string; redirectUri: string; codeChallenge: string | null; expiresAt: number },
  client: Client,
  request: AuthorizationCodeRequest,
  now: number,
): OAuthError | undefined {
  // RFC 6749 §4.1.3: the code is bound to the client it was issued to …
  if (code.clientId !== client.id)
    return new InvalidGrant('the authorization code was issued to another client');
  if (code.expiresAt <= now) return new InvalidGrant('the authorization code has expired');
  // … and to the redirect_uri of the authorization request, compared exactly.
  if (request.redirectUri !== code.redirectUri) {
    return new InvalidGrant('redirect_uri does not match the one used in the authorization request');
  }
  try {
    checkPkceVerifier(code.codeChallenge, request.codeVerifier);
  } catch (error) {
    return error as OAuthError;
  }
  return undefined;
}
