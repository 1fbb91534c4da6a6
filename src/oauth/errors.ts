/**
 * OAuth errors, named after their RFC 6749 / RFC 6750 codes. They know nothing about HTTP:
 * the endpoints render them (JSON for the token endpoint, a redirect or a page for authorization).
 */
export class OAuthError extends Error {
  readonly code: string;
  readonly description: string;
  constructor(code: string, description: string, options?: ErrorOptions) {
    super(`${code}: ${description}`, options);
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
  }
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
export class UntrustedRedirect extends OAuthError {}
