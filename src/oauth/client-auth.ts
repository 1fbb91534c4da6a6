import { safeEqual, sha256 } from '../lib/crypto.ts';
import { InvalidClient, InvalidRequest } from './errors.ts';
import type { Client, ClientStore } from './ports.ts';

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  viaBasic: boolean;
}

/**
 * RFC 6749 §2.3.1: HTTP Basic (id and secret form-url-encoded before base64) or the client_id /
 * client_secret parameters; never both at once.
 */
export function readClientCredentials(
  authorization: string | undefined,
  params: ReadonlyMap<string, string>,
): ClientCredentials {
  const paramId = params.get('client_id');
  const paramSecret = params.get('client_secret');
  if (authorization && /^basic /i.test(authorization)) {
    if (paramSecret !== undefined) throw new InvalidRequest('use one client authentication method, not two');
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClient('malformed HTTP Basic credentials', true);
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      clientSecret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new InvalidClient('malformed HTTP Basic credentials', true);
    }
    if (paramId !== undefined && paramId !== clientId) {
      throw new InvalidRequest('client_id does not match the HTTP Basic credentials');
    }
    return { clientId, clientSecret, viaBasic: true };
  }
  return { clientId: paramId, clientSecret: paramSecret, viaBasic: false };
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Authenticates a client: confidential clients by secret (compared as SHA-256 hashes in constant
 * time), public clients by id alone. Disabled and unknown clients fail alike.
 */
export async function authenticateClient(
  store: ClientStore,
  credentials: ClientCredentials,
): Promise<Client> {
  const { clientId, clientSecret, viaBasic } = credentials;
  if (!clientId) throw new InvalidClient('client authentication is required', viaBasic);
  const client = await store.findClient(clientId);
  if (!client || client.disabledAt !== null)
    throw new InvalidClient('client authentication failed', viaBasic);
  if (client.isPublic) {
    if (clientSecret !== undefined) throw new InvalidClient('a public client has no secret', viaBasic);
    return client;
  }
  if (clientSecret === undefined || client.secretHash === null) {
    throw new InvalidClient('client authentication failed', viaBasic);
  }
  if (!safeEqual(sha256(clientSecret), client.secretHash)) {
    throw new InvalidClient('client authentication failed', viaBasic);
  }
  return client;
}
