import type { FastifyInstance } from 'fastify';
import type { OAuthDeps } from '../deps.ts';
import { formatScopes } from '../scopes.ts';
import { readTokenManagementRequest } from './token-management-request.ts';
import { noStore, sendOAuthError } from './token-render.ts';

export const INTROSPECTION_PATH = '/oauth/v2/endpoints/introspect/';

/**
 * RFC 7662 for the client the token was issued to; every other case (unknown, expired, revoked,
 * rotated, another client's) is `{"active": false}` and nothing more (§2.2).
 */
export function registerIntrospectionEndpoint(app: FastifyInstance, ctx: OAuthDeps): void {
  app.post(INTROSPECTION_PATH, async (request, reply) => {
    try {
      const { client, tokenHash: hash, hint } = await readTokenManagementRequest(ctx, request);
      const now = ctx.clock.now();
      const access = hint === 'refresh_token' ? undefined : await ctx.store.findAccessToken(hash);
      const refresh = access ? undefined : await ctx.store.findRefreshToken(hash);
      const found = access ?? refresh;
      const active =
        found !== undefined &&
        found.clientId === client.id &&
        found.revokedAt === null &&
        found.expiresAt > now &&
        (refresh === undefined || refresh.rotatedAt === null);
      if (!active) return noStore(reply).send({ active: false });
      const username = await ctx.resourceOwners.findUsername(found.userId);
      return noStore(reply).send({
        active: true,
        scope: formatScopes(found.scopes),
        client_id: found.clientId,
        username,
        token_type: access ? 'Bearer' : 'refresh_token',
        exp: Math.floor(found.expiresAt / 1000),
        iat: Math.floor(found.createdAt / 1000),
        sub: found.userId,
        iss: ctx.publicUrl,
      });
    } catch (error) {
      return sendOAuthError(reply, error);
    }
  });
}
