import { authorizationServerMetadata } from '../../oauth/endpoints/metadata.ts';
import { PROFILE } from '../v1/wire-examples.ts';

/** The OAuth examples of the document (spec §3), valid JSON. */

/**
 * Stands for the server's base URL in examples and links; the published document replaces it with
 * the real one on every request (a reserved name, RFC 2606, so it can never be a real host).
 */
export const BASE_URL = 'https://parqex.invalid';

export const TOKENS = {
  access_token: 'tGzv3JOkF0XG5Qx2TlKWIA',
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: '8xLOxBtZp8',
  scope: 'OPENDOOR CLOSEDOOR',
};

export function oauthError(error: string, description: string) {
  return { error, error_description: description };
}

export const INTROSPECTION_ACTIVE = {
  active: true,
  scope: 'OPENDOOR CLOSEDOOR',
  client_id: '555555555555555555.api.parqex.com',
  username: 'john@example.com',
  token_type: 'Bearer',
  exp: 1764003600,
  iat: 1764000000,
  sub: PROFILE.id,
  iss: BASE_URL,
};

export const METADATA = authorizationServerMetadata(BASE_URL);
