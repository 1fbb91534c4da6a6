/**
 * What a request log line may say about a URL. Query values are kept only for parameters known to
 * be harmless; every other value is replaced, and the OAuth endpoints that take credentials
 * (token, revocation, introspection) are logged without any query at all (running.md: never the
 * query string of the token endpoint).
 */
const SAFE_PARAMS = new Set([
  'client_id',
  'response_type',
  'scope',
  'redirect_uri',
  'code_challenge_method',
  'grant_type',
  'history_type',
  'start_date',
  'end_date',
  'limit',
  'door_id',
  'device_id',
  'revoked',
]);

const CREDENTIAL_PATHS = /^\/oauth\/v2\/endpoints\/(token|revoke|introspect)\/?$/;

/** A guest link's path carries its secret (`/g/<token>/…`): never logged. */
const GUEST_LINK = /^\/g\/[^/?#]+/;

export function redactUrl(url: string): string {
  if (GUEST_LINK.test(url)) url = url.replace(GUEST_LINK, '/g/[redacted]');
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const path = url.slice(0, queryStart);
  if (CREDENTIAL_PATHS.test(path)) return `${path}?[redacted]`;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(queryStart + 1));
  } catch {
    return `${path}?[redacted]`;
  }
  const kept = [...params].map(([name, value]) =>
    SAFE_PARAMS.has(name)
      ? `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
      : `${encodeURIComponent(name)}=[redacted]`,
  );
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path;
}

/** pino redaction paths: headers that carry credentials, wherever a serializer might put them. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'client_secret',
  'access_token',
  'refresh_token',
  'code',
  'secret',
  'secretKey',
  'stripeSecretKey',
];
