import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { sha256 } from '../../lib/crypto.ts';
import { authenticateClient, readClientCredentials } from '../client-auth.ts';
import { canonicalTokenRequest } from '../compat.ts';
import { InvalidRequest } from '../errors.ts';
import { parameterSources } from './token.ts';
import { noStore, sendOAuthError } from './token-render.ts';

export const REVOCATION_PATH = '/oauth/v2/endpoints/revoke/';

/**
 * RFC 7009. A refresh token revokes its whole grant (§2.1); an access token only itself. Tokens of
 * other clients and unknown tokens are answered 200 alike, revealing nothing (§2.2).
 */
export function registerRevocationEndpoint(app: FastifyInstance, ctx: AppContext): void {
  app.post(REVOCATION_PATH, async (request, reply) => {
    try {
      const { params } = canonicalTokenRequest(parameterSources(request));
      const client = await authenticateClient(
        ctx.store,
        readClientCredentials(request.headers.authorization, params),
      );
      const token = params.get('token');
      if (!token) throw new InvalidRequest('token is missing');
      const hash = sha256(token);
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
