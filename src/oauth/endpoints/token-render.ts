import type { FastifyReply } from 'fastify';
import { InvalidClient, OAuthError } from '../errors.ts';

/** RFC 6749 §5.1: token-bearing responses are never cached. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * RFC 6749 §5.2 JSON errors. `invalid_client` is a 401 with `WWW-Authenticate: Basic` (required when
 * the client used Basic; sent always, so a library learns which scheme to use).
 */
export function sendOAuthError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof OAuthError)) throw error;
  if (error instanceof InvalidClient) {
    reply.code(401).header('www-authenticate', 'Basic realm="parqex", charset="UTF-8"');
  } else {
    reply.code(400);
  }
  return noStore(reply).send({ error: error.code, error_description: error.description });
}
