import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { OAuthStore } from './ports.ts';

/** What the token endpoint counts (Prometheus lives outside the protocol). */
export interface TokenMetrics {
  tokenIssued(grantType: string): void;
  tokenRefused(errorCode: string): void;
}

/** The resource owners, as far as the protocol needs to know them (introspection's `username`). */
export interface ResourceOwners {
  /** The person's email (their sign-in name), or undefined when no such person exists. */
  findUsername(userId: string): Promise<string | undefined>;
}

/**
 * What the authorization server's endpoints work with: the narrowest view of the process's
 * context, so `oauth/` depends on no other room's services.
 */
export interface OAuthDeps {
  readonly config: Pick<
    Config,
    | 'codeTtlS'
    | 'consentTtlS'
    | 'accessTokenTtlS'
    | 'refreshTokenIdleTtlS'
    | 'refreshGraceS'
    | 'tokenGetEnabled'
  >;
  readonly clock: Clock;
  readonly store: OAuthStore;
  /** Seals the short-lived refresh successor pairs. */
  readonly tokenBox: SecretBox;
  /** The issuer (RFC 8414 / RFC 9207), read at each use: it is known once the server listens. */
  readonly publicUrl: string;
  readonly metrics: TokenMetrics;
  readonly resourceOwners: ResourceOwners;
}
