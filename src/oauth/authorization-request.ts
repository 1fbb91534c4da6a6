import { checkPkceChallenge } from './checks/check-pkce.ts';
import { matchesRegisteredRedirectUri } from './checks/check-redirect-uri.ts';
import { InvalidRequest, type OAuthError, UnsupportedResponseType, UntrustedRedirect } from './errors.ts';
import type { Client, ClientStore } from './ports.ts';
import { parseScopes, type Scope } from './scopes.ts';

/** A query string read twice: decoded values, and each parameter's raw (still encoded) text. */
export interface RawQuery {
  decoded: Map<string, string[]>;
  raw: Map<string, string>;
}

export function readRawQuery(url: string): RawQuery {
  const queryStart = url.indexOf('?');
  const query = queryStart < 0 ? '' : url.slice(queryStart + 1);
  const decoded = new Map<string, string[]>();
  const raw = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const [[name, value]] = [...new URLSearchParams(`${rawName}=${rawValue}`)] as [[string, string]];
    decoded.set(name, [...(decoded.get(name) ?? []), value]);
    if (!raw.has(name)) raw.set(name, rawValue);
  }
  return { decoded, raw };
}

/** A checked authorization request: everything needed to ask consent and issue a code. */
export interface AuthorizationRequest {
  client: Client;
  redirectUri: string;
  scopes: Scope[];
  /**
   * ParqEx docs, Step 2: "the exact same value will be returned". Kept as the raw text of the query
   * (percent-encoding and all) and echoed byte for byte, so the docs' `state==dz…` comes back whole.
   */
  rawState: string | undefined;
  codeChallenge: string | undefined;
}

/** A request that can be answered by redirecting back to the client with an error. */
export class RedirectableError {
  readonly error: OAuthError;
  readonly redirectUri: string;
  readonly rawState: string | undefined;
  constructor(error: OAuthError, redirectUri: string, rawState: string | undefined) {
    this.error = error;
    this.redirectUri = redirectUri;
    this.rawState = rawState;
  }
}

function single(query: RawQuery, name: string): string | undefined {
  const values = query.decoded.get(name);
  if (!values) return undefined;
  // RFC 6749 §3.1: parameters must not be included more than once.
  if (values.length > 1) throw new InvalidRequest(`parameter ${name} is repeated`);
  return values[0] === '' ? undefined : values[0];
}

/**
 * RFC 6749 §4.1.1 with the ParqEx rules. Client and redirect URI are checked first: while either is
 * in doubt the error is shown at ParqEx (`UntrustedRedirect`), never sent to the URI (§4.1.2.1).
 * After that every error becomes a `RedirectableError`.
 */
export async function checkAuthorizationRequest(
  clients: ClientStore,
  query: RawQuery,
): Promise<AuthorizationRequest> {
  let clientId: string | undefined;
  let presentedRedirect: string | undefined;
  try {
    clientId = single(query, 'client_id');
    presentedRedirect = single(query, 'redirect_uri');
  } catch (error) {
    throw new UntrustedRedirect('invalid_request', (error as OAuthError).description);
  }
  if (!clientId) throw new UntrustedRedirect('invalid_request', 'client_id is missing');
  const client = await clients.findClient(clientId);
  if (!client || client.disabledAt !== null) {
    throw new UntrustedRedirect('invalid_client', 'this application is not registered with ParqEx');
  }
  // Decision: redirect_uri is always required (the documented flow sends it; RFC 9700 §2.1 favours it),
  // so the token request can always be held to the same value (RFC 6749 §4.1.3).
  if (presentedRedirect === undefined)
    throw new UntrustedRedirect('invalid_request', 'redirect_uri is missing');
  if (!matchesRegisteredRedirectUri(client.redirectUris, presentedRedirect)) {
    throw new UntrustedRedirect('invalid_request', 'redirect_uri is not registered for this application');
  }
  const redirectUri = presentedRedirect;

  const rawState = query.raw.get('state');
  try {
    if ((query.decoded.get('state')?.length ?? 0) > 1)
      throw new InvalidRequest('parameter state is repeated');
    const responseType = single(query, 'response_type');
    if (responseType === undefined) throw new InvalidRequest('response_type is missing');
    if (responseType !== 'code') throw new UnsupportedResponseType('only response_type=code is supported');
    const scopes = parseScopes(single(query, 'scope'));
    const codeChallenge = checkPkceChallenge(
      single(query, 'code_challenge'),
      single(query, 'code_challenge_method'),
      client.isPublic,
    );
    return { client, redirectUri, scopes, rawState: rawState || undefined, codeChallenge };
  } catch (error) {
    throw new RedirectableError(error as OAuthError, redirectUri, rawState || undefined);
  }
}

/**
 * `redirect_uri` plus response parameters. Values are given already encoded; `state` is the raw
 * text the client sent. RFC 9207: `iss` on every response.
 */
export function buildRedirect(redirectUri: string, params: [string, string | undefined][]): string {
  const query = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const separator = redirectUri.includes('?') ? '&' : '?';
  return `${redirectUri}${separator}${query}`;
}

export function errorRedirect(error: RedirectableError, issuer: string): string {
  return buildRedirect(error.redirectUri, [
    ['error', error.error.code],
    ['error_description', encodeURIComponent(error.error.description)],
    ['state', error.rawState],
    ['iss', encodeURIComponent(issuer)],
  ]);
}
