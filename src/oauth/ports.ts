import type { Scope } from './scopes.ts';

/**
 * What the authorization server needs from storage, by capability. Every value handed out (codes,
 * tokens, secrets) is stored as its SHA-256 hash; the ports take and return hashes.
 */

export type ClientEnvironment = 'development' | 'certification' | 'production';

export interface Client {
  id: string;
  name: string;
  environment: ClientEnvironment;
  redirectUris: string[];
  website: string | null;
  description: string | null;
  contactName: string | null;
  contactEmail: string | null;
  /** No secret; PKCE required. */
  isPublic: boolean;
  /** First-party: skips the consent page and may call internal endpoints. */
  isInternal: boolean;
  /** SHA-256 of the secret; null for public clients. */
  secretHash: string | null;
  createdAt: number;
  disabledAt: number | null;
}

export interface ClientStore {
  /** The client, enabled or not; undefined when unknown. */
  findClient(id: string): Promise<Client | undefined>;
}

export interface CodeRecord {
  codeHash: string;
  grantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: Scope[];
  codeChallenge: string | null;
  expiresAt: number;
}

export interface IssuedTokenRecord {
  tokenHash: string;
  grantId: string;
  clientId: string;
  userId: string;
  scopes: Scope[];
  createdAt: number;
  expiresAt: number;
}

export interface AccessTokenRecord extends IssuedTokenRecord {
  revokedAt: number | null;
  accountId: string;
  /** The user's role in their account, read with the token (the resource endpoints need it). */
  role: 'admin' | 'user';
}

export interface RefreshTokenRecord extends IssuedTokenRecord {
  revokedAt: number | null;
  rotatedAt: number | null;
  /** The successor pair, encrypted, kept for the reuse grace window only. */
  successorSealed: string | null;
}

export type ConsumeCodeResult =
  | { outcome: 'consumed'; code: CodeRecord }
  | { outcome: 'unknown' }
  /** RFC 6749 §4.1.2: a second redemption; the caller revokes the grant. */
  | { outcome: 'already-used'; grantId: string };

export type RotateResult =
  | { outcome: 'rotated'; token: RefreshTokenRecord }
  | { outcome: 'unknown' }
  /** The token was rotated before (by an earlier request or a concurrent one that won). */
  | { outcome: 'already-rotated'; token: RefreshTokenRecord };

export interface GrantStore {
  /** Creates a grant: the chain of codes and tokens one authorization produced. */
  createGrant(grant: {
    id: string;
    userId: string;
    clientId: string;
    scopes: Scope[];
    now: number;
  }): Promise<void>;
  /**
   * True while the grant exists and has not been revoked. Inside a transaction it also holds the
   * grant until commit, so a concurrent revocation cannot miss tokens the transaction issues.
   */
  isGrantActive(grantId: string): Promise<boolean>;
  /** Revokes the grant and every code and token it issued, atomically. Idempotent. */
  revokeGrant(grantId: string, now: number): Promise<void>;
  /** Revokes every grant a user gave a client (the account page's "revoke"), and the consent. */
  revokeUserClient(userId: string, clientId: string, now: number): Promise<void>;
  /** Revokes every grant of a client (client disabled). */
  revokeClientGrants(clientId: string, now: number): Promise<void>;
}

/** A new registration, as the client registry has checked it (the secret already hashed). */
export type NewClientRecord = Omit<Client, 'disabledAt'>;

/** What staff's client registry writes and lists. */
export interface ClientRegistryStore extends ClientStore, Pick<GrantStore, 'revokeClientGrants'> {
  /** Stores a registration; a taken id fails on the primary key. */
  insertClient(record: NewClientRecord): Promise<Client>;
  /** Every registration, oldest first. */
  listClients(): Promise<Client[]>;
  /** Replaces the secret's hash; the old secret stops working at once. */
  setClientSecret(id: string, secretHash: string, now: number): Promise<void>;
  /** Marks the client disabled unless it already is (its first disabling time stays). */
  disableClient(id: string, now: number): Promise<void>;
}

export interface CodeStore {
  saveCode(code: CodeRecord & { createdAt: number }): Promise<void>;
  /**
   * Atomically marks the code used and returns it; a second call reports `already-used` with the grant
   * id so the caller can revoke what the code issued (RFC 6749 §4.1.2). Settled by a conditional
   * UPDATE checked by row count, so concurrent redemptions never both succeed.
   */
  consumeCode(codeHash: string, now: number): Promise<ConsumeCodeResult>;
}

export interface TokenStore {
  /** Stores an access and a refresh token; when `rotatedFrom` is given, seals the pair on that token. */
  saveTokens(
    access: IssuedTokenRecord,
    refresh: IssuedTokenRecord | undefined,
    rotatedFrom?: { tokenHash: string; successorSealed: string },
  ): Promise<void>;
  findAccessToken(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Marks the refresh token rotated if nobody has; exactly one caller gets `rotated` for a token
   * (conditional UPDATE … WHERE rotated_at IS NULL). Losers get `already-rotated` with the row as it
   * now stands (on PostgreSQL the UPDATE waits for the winner's transaction, so its sealed successor
   * is visible).
   */
  markRefreshRotated(tokenHash: string, now: number): Promise<RotateResult>;
  /** Revokes one access token (RFC 7009). */
  revokeAccessToken(tokenHash: string, now: number): Promise<void>;
}

export interface ConsentStore {
  /** The scopes the user approved for the client, if still valid (not revoked, not older than maxAge). */
  findConsent(userId: string, clientId: string, notBefore: number): Promise<string[] | undefined>;
  saveConsent(userId: string, clientId: string, scopes: Scope[], now: number): Promise<void>;
}

export interface AuthorizationRequestRecord {
  idHash: string;
  sessionHash: string;
  clientId: string;
  redirectUri: string;
  scopes: Scope[];
  /** The state exactly as it appeared in the query string (still percent-encoded). */
  state: string | null;
  codeChallenge: string | null;
  expiresAt: number;
}

export interface AuthorizationRequestStore {
  saveAuthorizationRequest(request: AuthorizationRequestRecord): Promise<void>;
  /** Returns and deletes the request (a consent decision is made once). */
  takeAuthorizationRequest(idHash: string): Promise<AuthorizationRequestRecord | undefined>;
}

/** Everything the authorization server stores, with a way to make several steps one transaction. */
export interface OAuthStore
  extends ClientRegistryStore,
    GrantStore,
    CodeStore,
    TokenStore,
    ConsentStore,
    AuthorizationRequestStore {
  /** Runs `work` with a store whose every call belongs to one database transaction. */
  transaction<T>(work: (store: OAuthStore) => Promise<T>): Promise<T>;
}
