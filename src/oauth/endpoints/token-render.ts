import type { FastifyReply } from 'fastify';
import { statusOfKind } from '../../lib/domain-error.ts';
import { OAuthError } from '../errors.ts';

/** RFC 6749 §5.1: token-bearing responses are never cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * RFC 6749 §5.2 JSON error body with `Cache-Control: no-store`, at `status`. `invalid_client` carries
 * `WWW-Authenticate: Basic` (required when the client used Basic; sent always, so a library learns
 * which scheme to use).
 */
export function renderOAuthError(
  reply: FastifyReply,
  status: number,
  code: string,
  description: string,
): FastifyReply {
  if (code === 'invalid_client') reply.header('www-authenticate', 'Basic realm="parqex", charset="UTF-8"');
  return noStore(reply)
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: code, error_description: description });
}

/** An `OAuthError` as RFC 6749 §5.2 JSON, its status from its kind; anything else is rethrown. */
export function sendOAuthError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof OAuthError)) throw error;
  return renderOAuthError(reply, statusOfKind(error.kind), error.code, error.description);
}
