import type { FastifyInstance } from 'fastify';
import type { OAuthDeps } from '../deps.ts';
import { SCOPES } from '../scopes.ts';
import { INTROSPECTION_PATH } from './introspect.ts';
import { REVOCATION_PATH } from './revoke.ts';
import { TOKEN_PATH } from './token.ts';

export const AUTHORIZATION_PATH = '/oauth/v2/endpoints/authorization/';

/** RFC 8414 authorization server metadata; `issuer` is byte-equal to PARQEX_PUBLIC_URL. */
export function registerMetadataEndpoint(app: FastifyInstance, ctx: OAuthDeps): void {
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) => {
    return reply
      .header('cache-control', 'public, max-age=300')
      .send(authorizationServerMetadata(ctx.publicUrl));
  });
}

/** The RFC 8414 document for an issuer (also the OpenAPI example). */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}${AUTHORIZATION_PATH}`,
    token_endpoint: `${issuer}${TOKEN_PATH}`,
    revocation_endpoint: `${issuer}${REVOCATION_PATH}`,
    introspection_endpoint: `${issuer}${INTROSPECTION_PATH}`,
    scopes_supported: [...SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    authorization_response_iss_parameter_supported: true,
  };
}
