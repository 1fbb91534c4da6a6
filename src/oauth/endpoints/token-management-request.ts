import type { FastifyRequest } from 'fastify';
import { sha256 } from '../../lib/crypto.ts';
import { authenticateClient, readClientCredentials } from '../client-auth.ts';
import { canonicalTokenRequest } from '../compat.ts';
import type { OAuthDeps } from '../deps.ts';
import { InvalidRequest } from '../errors.ts';
import type { Client } from '../ports.ts';
import { parameterSources } from './token.ts';

/**
 * What revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) both start with: an
 * authenticated client and the `token` it asks about (as its hash), plus `token_type_hint`.
 */
export async function readTokenManagementRequest(
  ctx: OAuthDeps,
  request: FastifyRequest,
): Promise<{ client: Client; tokenHash: string; hint: string | undefined }> {
  const { params } = canonicalTokenRequest(parameterSources(request));
  const client = await authenticateClient(
    ctx.store,
    readClientCredentials(request.headers.authorization, params),
  );
  const token = params.get('token');
  if (!token) throw new InvalidRequest('token is missing');
  return { client, tokenHash: sha256(token), hint: params.get('token_type_hint') };
}
