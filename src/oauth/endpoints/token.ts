import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateClient, readClientCredentials } from '../client-auth.ts';
import { canonicalTokenRequest } from '../compat.ts';
import type { OAuthDeps } from '../deps.ts';
import { InvalidRequest, OAuthError, UnsupportedGrantType } from '../errors.ts';
import { exchangeAuthorizationCode } from '../grants/authorization-code.ts';
import { refreshTokens } from '../grants/refresh-token.ts';
import { noStore, sendOAuthError } from './token-render.ts';

export const TOKEN_PATH = '/oauth/v2/endpoints/token/';

/** The query string and, for POST, the form body: where OAuth parameters may come from. */
export function parameterSources(request: FastifyRequest): URLSearchParams[] {
  const queryStart = request.url.indexOf('?');
  const query = new URLSearchParams(queryStart < 0 ? '' : request.url.slice(queryStart + 1));
  if (request.method !== 'POST') return [query];
  if (request.body !== undefined && request.body !== null && !(request.body instanceof URLSearchParams)) {
    throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
  }
  return [query, request.body ?? new URLSearchParams()];
}

/**
 * RFC 6749 §3.2 token endpoint at the documented path: the documented GET (Steps 3 and 5) and the
 * standard POST, `client_secret_basic` or `client_secret_post`.
 */
export function registerTokenEndpoint(app: FastifyInstance, ctx: OAuthDeps): void {
  app.route({
    method: ['GET', 'POST'],
    url: TOKEN_PATH,
    handler: async (request, reply) => {
      try {
        if (request.method === 'GET' && !ctx.config.tokenGetEnabled) {
          throw new InvalidRequest('this server accepts token requests by POST only');
        }
        const { grantType, params } = canonicalTokenRequest(parameterSources(request));
        const client = await authenticateClient(
          ctx.store,
          readClientCredentials(request.headers.authorization, params),
        );
        const now = ctx.clock.now();
        const settings = {
          accessTokenTtlS: ctx.config.accessTokenTtlS,
          refreshTokenIdleTtlS: ctx.config.refreshTokenIdleTtlS,
          refreshGraceS: ctx.config.refreshGraceS,
        };
        let tokens: object;
        if (grantType === 'authorization_code') {
          tokens = await exchangeAuthorizationCode(
            ctx.store,
            client,
            {
              code: params.get('code'),
              redirectUri: params.get('redirect_uri'),
              codeVerifier: params.get('code_verifier'),
            },
            now,
            settings,
          );
        } else if (grantType === 'refresh_token') {
          tokens = await refreshTokens(
            ctx.store,
            client,
            { refreshToken: params.get('refresh_token'), scope: params.get('scope') },
            now,
            settings,
            ctx.tokenBox,
          );
        } else if (grantType === undefined) {
          throw new InvalidRequest('grant_type is missing');
        } else {
          throw new UnsupportedGrantType('grant_type must be authorization_code or refresh_token');
        }
        request.log.info({ event: 'token.issued', grantType, clientId: client.id }, 'tokens issued');
        ctx.metrics.tokenIssued(grantType);
        return noStore(reply).send(tokens);
      } catch (error) {
        if (error instanceof OAuthError) ctx.metrics.tokenRefused(error.code);
        return sendOAuthError(reply, error);
      }
    },
  });
}
