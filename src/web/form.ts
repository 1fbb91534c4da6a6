import type { FastifyRequest } from 'fastify';

/** The parsed urlencoded body (see app.ts), or an empty one. */
export function formOf(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}
