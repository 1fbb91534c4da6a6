/**
 * Redirect URI rules. Registration (ParqEx docs, Requesting an Account): https only; our decision adds
 * RFC 8252 §7.3 loopback http for development clients. Matching (RFC 9700 §4.1.3): exact string
 * comparison, where only the port of a loopback http URI may vary.
 */

import { DomainError } from '../../lib/domain-error.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** RFC 7591 §3.2.2 names this refusal `invalid_redirect_uri`. */
export class RedirectUriRefused extends DomainError {
  constructor(message: string) {
    super('invalid_redirect_uri', 'invalid_input', message);
  }
}

/** Throws `RedirectUriRefused` with a message a person can act on. */
export function checkRegistrableRedirectUri(raw: string, environment: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RedirectUriRefused(`redirect URI ${JSON.stringify(raw)} is not an absolute URL`);
  }
  if (raw.includes('#')) throw new RedirectUriRefused(`redirect URI ${raw} must not contain a fragment (#)`);
  if (raw.includes('*')) throw new RedirectUriRefused(`redirect URI ${raw} must not contain a wildcard (*)`);
  if (url.username || url.password) {
    throw new RedirectUriRefused(`redirect URI ${raw} must not contain user information (user:password@)`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (environment === 'development' && LOOPBACK_HOSTS.has(url.hostname)) return;
    throw new RedirectUriRefused(
      environment === 'development'
        ? `redirect URI ${raw} must start with https:// (plain http is allowed only for localhost, 127.0.0.1 and [::1])`
        : `redirect URI ${raw} must start with https:// (loopback http is allowed only for development clients)`,
    );
  }
  throw new RedirectUriRefused(`redirect URI ${raw} must be an https:// URL, not ${url.protocol}`);
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** True when `presented` is one of `registered`, exactly; loopback http URIs may differ in port only. */
export function matchesRegisteredRedirectUri(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  let candidate: URL;
  try {
    candidate = new URL(presented);
  } catch {
    return false;
  }
  if (!isLoopbackHttp(candidate)) return false;
  // RFC 8252 §7.3: the client may listen on any port of the loopback interface; all else is compared exactly.
  const presentedWithoutPort = withoutPort(presented);
  return registered.some((r) => isLoopbackHttp(new URL(r)) && withoutPort(r) === presentedWithoutPort);
}

/** The string with its port removed, so that everything else is still compared byte for byte. */
function withoutPort(raw: string): string {
  return raw.replace(/^(http:\/\/(?:localhost|127\.0\.0\.1|\[::1\]))(:\d+)?(?=[/?]|$)/, '$1');
}
