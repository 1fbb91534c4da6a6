import { randomToken, sha256 } from '../lib/crypto.ts';
import type { IssuedTokenRecord } from './ports.ts';
import { formatScopes, type Scope } from './scopes.ts';

/** The RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface IssuedPair {
  response: TokenResponse;
  access: IssuedTokenRecord;
  refresh: IssuedTokenRecord;
}

/** A fresh access + refresh token pair for a grant: 256 random bits each, to be stored as hashes. */
export function mintTokenPair(
  grant: { grantId: string; clientId: string; userId: string; scopes: Scope[] },
  now: number,
  ttl: { accessS: number; refreshIdleS: number },
): IssuedPair {
  const accessToken = randomToken();
  const refreshToken = randomToken();
  const base = {
    grantId: grant.grantId,
    clientId: grant.clientId,
    userId: grant.userId,
    scopes: grant.scopes,
  };
  return {
    response: {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl.accessS,
      refresh_token: refreshToken,
      scope: formatScopes(grant.scopes),
    },
    access: { ...base, tokenHash: sha256(accessToken), createdAt: now, expiresAt: now + ttl.accessS * 1000 },
    refresh: {
      ...base,
      tokenHash: sha256(refreshToken),
      createdAt: now,
      expiresAt: now + ttl.refreshIdleS * 1000,
    },
  };
}
