import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { type AuthContext, checkBearer, isBearerFailure, sendBearerFailure } from '../../oauth/bearer.ts';

/**
 * The bearer check of every documented endpoint: the caller's AuthContext, or undefined when the
 * RFC 6750 failure has been sent.
 */
export async function authenticate(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AuthContext | undefined> {
  const auth = await checkBearer(ctx, request);
  if (isBearerFailure(auth)) {
    sendBearerFailure(reply, auth);
    return undefined;
  }
  return auth;
}
