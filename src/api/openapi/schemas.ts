import { Type } from 'typebox';
import { SCOPES } from '../../oauth/scopes.ts';
import { OneOf, UserId } from '../v1/wire-schemas.ts';

/**
 * The wire shapes of the OAuth endpoints (spec §3) for the OpenAPI document only: those endpoints
 * parse their own (quirky) input, so nothing here can change what they accept or send.
 */

const ScopeList = Type.String({
  description: `Granted scopes, upper-case, space-separated (${SCOPES.join(', ')}).`,
});

/** RFC 6749 §5.1. */
export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds the access token is valid.' }),
  refresh_token: Type.String({ description: 'Rotates: always keep the most recent one.' }),
  scope: ScopeList,
});

/** RFC 6749 §5.2. */
export const OAuthErrorBody = Type.Object({
  error: OneOf([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
  ]),
  error_description: Type.String(),
});

/** RFC 7662 §2.2. */
export const Introspection = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(ScopeList),
  client_id: Type.Optional(Type.String()),
  username: Type.Optional(Type.String({ description: "The user's email." })),
  token_type: Type.Optional(OneOf(['Bearer', 'refresh_token'])),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(UserId),
  iss: Type.Optional(Type.String({ format: 'uri' })),
});

/** RFC 8414 §2. */
export const ServerMetadata = Type.Object({
  issuer: Type.String({ format: 'uri' }),
  authorization_endpoint: Type.String({ format: 'uri' }),
  token_endpoint: Type.String({ format: 'uri' }),
  revocation_endpoint: Type.String({ format: 'uri' }),
  introspection_endpoint: Type.String({ format: 'uri' }),
  scopes_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  response_modes_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  code_challenge_methods_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
  introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
  authorization_response_iss_parameter_supported: Type.Boolean(),
});

/** The form fields of the token, revocation and introspection endpoints (client_secret_post). */
export const ClientCredentials = {
  client_id: Type.String({ description: 'Your client_id.', examples: ['555555555555555555.api.parqex.com'] }),
  client_secret: Type.String({
    description: 'Your client_secret (or send both in an HTTP Basic header instead).',
  }),
};
