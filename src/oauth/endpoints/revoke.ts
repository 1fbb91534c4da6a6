import type { FastifyInstance } from 'fastify';
import type { OAuthDeps } from '../deps.ts';
import { readTokenManagementRequest } from './token-management-request.ts';
import { noStore, sendOAuthError } from './token-render.ts';

export const REVOCATION_PATH = '/oauth/v2/endpoints/revoke/';

/**
 * RFC 7009. A refresh token revokes its whole grant (§2.1); an access token only itself. Tokens of
 * other clients and unknown tokens are answered 200 alike, revealing nothing (§2.2).
 */
export function registerRevocationEndpoint(app: FastifyInstance, ctx: OAuthDeps): void {
  app.post(REVOCATION_PATH, async (request, reply) => {
    try {
      const { client, tokenHash: hash } = await readTokenManagementRequest(ctx, request);
      const now = ctx.clock.now();
      const refresh = await ctx.store.findRefreshToken(hash);
      if (refresh && refresh.clientId === client.id) {
        await ctx.store.revokeGrant(refresh.grantId, now);
      } else {
        const access = await ctx.store.findAccessToken(hash);
        if (access && access.clientId === client.id) await ctx.store.revokeAccessToken(hash, now);
      }
      return noStore(reply).code(200).send();
    } catch (error) {
      return sendOAuthError(reply, error);
    }
  });
}
