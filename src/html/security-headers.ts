import type { FastifyReply } from 'fastify';

/**
 * Headers for every HTML page: no framing (RFC 9700 §4.16, clickjacking), no referrer leaking codes
 * or states, no caching of pages that carry CSRF tokens, no inline script or style. A page that
 * says `scripts: true` may load our own static scripts (`/assets/*.js`) and let them fetch from us:
 * `script-src 'self'` and `connect-src 'self'`, still no inline script and no eval.
 */
export function setPageHeaders(reply: FastifyReply, options: { scripts?: boolean } = {}): FastifyReply {
  const scripts = options.scripts ? " script-src 'self'; connect-src 'self';" : '';
  return reply
    .header(
      'content-security-policy',
      `default-src 'none';${scripts} style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}
