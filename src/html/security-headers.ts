import type { FastifyReply } from 'fastify';

/**
 * Headers for every HTML page: no framing (RFC 9700 §4.16, clickjacking), no referrer leaking codes
 * or states, no caching of pages that carry CSRF tokens, no inline script or style.
 */
export function setPageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}
