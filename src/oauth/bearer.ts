import type { Clock } from '../lib/clock.ts';
import { sha256 } from '../lib/crypto.ts';
import type { TtlCache } from '../lib/ttl-cache.ts';
import type { HotCaches } from '../storage/hot-caches.ts';
import type { AccessTokenRecord, TokenStore } from './ports.ts';
import type { Scope } from './scopes.ts';

/** Who is calling a resource endpoint, and what they may do. */
export interface AuthContext {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
  clientId: string;
  scopes: Scope[];
}

export type BearerFailure = {
  status: 400 | 401 | 403;
  error: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  description: string;
  scope?: string;
};

/** What a bearer check reads: the clock, the token store and (when on) the hot caches. */
export interface BearerDeps {
  readonly clock: Clock;
  readonly store: Pick<TokenStore, 'findAccessToken'>;
  /** The hot caches with the token records' cache (by SHA-256), which the composition root creates. */
  readonly caches: HotCaches & { readonly accessTokens: TtlCache<string, AccessTokenRecord> };
}

/** What a bearer check reads of a request (the edge says; the protocol never sees HTTP objects). */
export interface BearerRequest {
  /** The `Authorization` header, when sent. */
  authorization: string | undefined;
  /** An `access_token` query parameter was sent (RFC 6750 §2.3). */
  hasQueryToken: boolean;
}

/**
 * RFC 6750 bearer check. The token must come in the Authorization header (§2.1); a token in the
 * query (§2.3) is refused, as the docs never use it and URLs end up in logs.
 */
export async function checkBearer(
  ctx: BearerDeps,
  request: BearerRequest,
  needs: readonly Scope[] = [],
): Promise<AuthContext | BearerFailure> {
  if (request.hasQueryToken) {
    return {
      status: 400,
      error: 'invalid_request',
      description: 'send the access token in the Authorization header',
    };
  }
  const header = request.authorization;
  const match = header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header) : null;
  if (!match) {
    // §3.1: a request with no authentication gets no error code.
    return {
      status: 401,
      error: 'invalid_token',
      description: header ? 'malformed Authorization header' : '',
    };
  }
  const token = await findAccessToken(ctx, sha256(match[1]!));
  if (!token || token.revokedAt !== null || token.expiresAt <= ctx.clock.now()) {
    return {
      status: 401,
      error: 'invalid_token',
      description: 'the access token is invalid, expired or revoked',
    };
  }
  const missing = needs.filter((s) => !token.scopes.includes(s));
  if (missing.length > 0) {
    return {
      status: 403,
      error: 'insufficient_scope',
      description: `this action needs the ${missing.join(' ')} scope`,
      scope: needs.join(' '),
    };
  }
  return {
    userId: token.userId,
    accountId: token.accountId,
    role: token.role,
    clientId: token.clientId,
    scopes: token.scopes,
  };
}

/** The token's record, from the hot cache when this process read it lately (see `HotCaches`). */
function findAccessToken(ctx: BearerDeps, tokenHash: string): Promise<AccessTokenRecord | undefined> {
  return ctx.caches.readThrough(ctx.caches.accessTokens, tokenHash, () =>
    ctx.store.findAccessToken(tokenHash),
  );
}

/** The `WWW-Authenticate` challenge for a failure (RFC 6750 §3). */
export function bearerChallenge(failure: BearerFailure): string {
  const parts = ['Bearer realm="parqex"'];
  if (failure.description !== '' || failure.status !== 401) {
    parts.push(`error="${failure.error}"`);
    parts.push(`error_description="${failure.description.replace(/["\\]/g, '')}"`);
  }
  if (failure.scope) parts.push(`scope="${failure.scope}"`);
  return parts.join(', ');
}

export function isBearerFailure(value: AuthContext | BearerFailure): value is BearerFailure {
  return 'error' in value;
}
