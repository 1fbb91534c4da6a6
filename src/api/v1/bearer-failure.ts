import type { FastifyReply, FastifyRequest } from 'fastify';
import { type BearerFailure, type BearerRequest, bearerChallenge } from '../../oauth/bearer.ts';

/** The parts of a request the bearer check reads. */
export function bearerRequestOf(request: FastifyRequest): BearerRequest {
  const query = request.query as Record<string, unknown> | undefined;
  return {
    authorization: request.headers.authorization,
    hasQueryToken: query !== undefined && query !== null && 'access_token' in query,
  };
}

/** Sends a bearer failure in the documented error envelope with its challenge header (RFC 6750 §3). */
export function sendBearerFailure(reply: FastifyReply, failure: BearerFailure): FastifyReply {
  return reply
    .code(failure.status)
    .header('www-authenticate', bearerChallenge(failure))
    .send({
      errors: [{ code: failure.error, message: failure.description || 'an access token is required' }],
    });
}
