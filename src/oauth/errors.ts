import { DomainError, type ErrorKind } from '../lib/domain-error.ts';

/**
 * OAuth errors, named after their RFC 6749 / RFC 6750 codes. They know nothing about HTTP:
 * the endpoints render them (JSON for the token endpoint, a redirect or a page for authorization).
 * Their kind follows RFC 6749 §5.2: every code is a 400 but `invalid_client` (401).
 */
export class OAuthError extends DomainError {
  readonly description: string;
  constructor(code: string, description: string, options?: { cause?: unknown; kind?: ErrorKind }) {
    super(code, options?.kind ?? kindOfOAuthCode(code), `${code}: ${description}`, options);
    this.description = description;
  }
}

/** RFC 6749 §5.2 (and §4.1.2.1 for `access_denied`): the kind, so the status, of a code. */
function kindOfOAuthCode(code: string): ErrorKind {
  if (code === 'invalid_client') return 'unauthenticated';
  if (code === 'access_denied') return 'forbidden';
  return 'invalid_input';
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
  }
}

export class InvalidClient extends OAuthError {
  /** True when the client tried HTTP Basic, which obliges a 401 with WWW-Authenticate (RFC 6749 §5.2). */
  readonly viaBasic: boolean;
  constructor(description: string, viaBasic: boolean) {
    super('invalid_client', description);
    this.viaBasic = viaBasic;
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', description);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) {
    super('unsupported_response_type', description);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description);
  }
}

/**
 * An authorization request that must not redirect back (unknown client, unregistered redirect URI):
 * RFC 6749 §4.1.2.1 says inform the resource owner, never the possibly hostile redirect target.
 */
export class UntrustedRedirect extends OAuthError {
  constructor(code: string, description: string) {
    // Shown to the person on a page, whatever the code: a bad request, never a 401.
    super(code, description, { kind: 'invalid_input' });
  }
}
