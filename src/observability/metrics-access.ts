import type { Config } from '../config.ts';
import { safeEqual, sha256 } from '../lib/crypto.ts';

/**
 * Where `/metrics` is served:
 * - `port`: only on `PARQEX_METRICS_PORT` (the main port answers 404);
 * - `token`: on the main port, to `Authorization: Bearer <PARQEX_METRICS_TOKEN>`;
 * - `open`: on the main port to anyone (development with neither set);
 * - `off`: nowhere (production with neither set: the numbers would be public).
 */
export type MetricsExposure = 'port' | 'token' | 'open' | 'off';

export function metricsExposure(
  config: Pick<Config, 'env' | 'metricsToken' | 'metricsPort'>,
): MetricsExposure {
  if (config.metricsPort !== undefined) return 'port';
  if (config.metricsToken !== undefined) return 'token';
  return config.env === 'development' ? 'open' : 'off';
}

/** The start-up warning of a production server whose metrics are off. */
export const METRICS_OFF_WARNING =
  'metrics are off: set PARQEX_METRICS_TOKEN or PARQEX_METRICS_PORT to serve /metrics in production';

const REALM = 'Bearer realm="parqex-metrics"';

/**
 * The `WWW-Authenticate` challenge to answer with a 401, or undefined when the request may read the
 * metrics: no token configured, or `Authorization: Bearer <token>` matching it. RFC 6750 §3: no
 * error code when no credentials came, `invalid_token` when wrong ones did. Compared as SHA-256
 * digests, so the time taken says nothing about the token, not even its length.
 */
export function metricsChallenge(
  authorization: string | undefined,
  token: string | undefined,
): string | undefined {
  if (token === undefined) return undefined;
  if (!authorization) return REALM;
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (match && safeEqual(sha256(match[1]!), sha256(token))) return undefined;
  return `${REALM}, error="invalid_token"`;
}

/** The body of that 401 (the documented error envelope). */
export const METRICS_UNAUTHORIZED_BODY = {
  errors: [{ code: 'unauthorized', message: 'Send the metrics token as Authorization: Bearer <token>.' }],
};
