import { type SecretBox, sha256 } from '../../lib/crypto.ts';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../errors.ts';
import { mintTokenPair, type TokenResponse } from '../issue-tokens.ts';
import type { Client, OAuthStore, RefreshTokenRecord } from '../ports.ts';
import { includesAll, parseScopes } from '../scopes.ts';
import type { GrantSettings } from './authorization-code.ts';

export interface RefreshSettings extends GrantSettings {
  /** A rotated token reused within this many seconds gets the same successor pair back. */
  refreshGraceS: number;
}

export interface RefreshRequest {
  refreshToken: string | undefined;
  scope: string | undefined;
}

type Outcome = { tokens: TokenResponse } | { revokeGrantId: string; error: InvalidGrant };

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new pair. A rotated token used
 * again within the grace window returns the same successor (retries, two tabs); after it, reuse is
 * treated as theft and revokes the whole grant. Two requests racing with one token are settled by
 * the database: one rotates, the other gets that same successor.
 */
export async function refreshTokens(
  store: OAuthStore,
  client: Client,
  request: RefreshRequest,
  now: number,
  settings: RefreshSettings,
  box: SecretBox,
): Promise<TokenResponse> {
  if (!request.refreshToken) throw new InvalidRequest('refresh_token is required');
  const tokenHash = sha256(request.refreshToken);

  const outcome = await store.transaction(async (trx): Promise<Outcome> => {
    const found = await trx.findRefreshToken(tokenHash);
    checkUsable(found, client, now);
    const token = found!;
    const scopes = request.scope === undefined ? token.scopes : parseScopes(request.scope);
    // RFC 6749 §6: a refresh may narrow the scope, never widen it.
    if (!includesAll(token.scopes, scopes)) throw new InvalidScope('scope exceeds what the user granted');
    if (!(await trx.isGrantActive(token.grantId))) throw new InvalidGrant('the authorization was revoked');

    const rotation = await trx.markRefreshRotated(tokenHash, now);
    if (rotation.outcome === 'unknown') throw new InvalidGrant('the refresh token is invalid');
    if (rotation.outcome === 'already-rotated') return reuse(rotation.token, now, settings, box);

    const pair = mintTokenPair(
      { grantId: token.grantId, clientId: client.id, userId: token.userId, scopes },
      now,
      {
        accessS: settings.accessTokenTtlS,
        refreshIdleS: settings.refreshTokenIdleTtlS,
      },
    );
    await trx.saveTokens(pair.access, pair.refresh, {
      tokenHash,
      successorSealed: box.seal(JSON.stringify(pair.response)),
    });
    return { tokens: pair.response };
  });

  if ('tokens' in outcome) return outcome.tokens;
  // Committed apart from the request's own transaction: the revocation must stand although we fail.
  await store.revokeGrant(outcome.revokeGrantId, now);
  throw outcome.error;
}

function checkUsable(token: RefreshTokenRecord | undefined, client: Client, now: number): void {
  if (!token || token.clientId !== client.id) throw new InvalidGrant('the refresh token is invalid');
  if (token.revokedAt !== null) throw new InvalidGrant('the refresh token was revoked');
  if (token.rotatedAt === null && token.expiresAt <= now)
    throw new InvalidGrant('the refresh token has expired');
}

function reuse(token: RefreshTokenRecord, now: number, settings: RefreshSettings, box: SecretBox): Outcome {
  const withinGrace = token.rotatedAt !== null && now - token.rotatedAt <= settings.refreshGraceS * 1000;
  if (withinGrace && token.successorSealed !== null) {
    return { tokens: JSON.parse(box.open(token.successorSealed)) as TokenResponse };
  }
  return {
    revokeGrantId: token.grantId,
    error: new InvalidGrant('the refresh token was already used; the authorization is revoked'),
  };
}
