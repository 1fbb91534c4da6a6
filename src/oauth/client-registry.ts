import { randomInt } from 'node:crypto';
import { randomToken, sha256 } from '../lib/crypto.ts';
import { DomainError } from '../lib/domain-error.ts';
import { checkRegistrableRedirectUri, RedirectUriRefused } from './checks/check-redirect-uri.ts';
import type { Client, ClientEnvironment, ClientRegistryStore } from './ports.ts';

export const ENVIRONMENTS: readonly ClientEnvironment[] = ['development', 'certification', 'production'];

/** A registration staff cannot make as asked (RFC 7591 §3.2.2 names it `invalid_client_metadata`). */
export class ClientInputError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_client_metadata', 'invalid_input', message, options);
  }
}
export class ClientNotFound extends DomainError {
  constructor(id: string) {
    super('client_not_found', 'not_found', `no client with id ${id}`);
  }
}

export interface NewClient {
  name: string;
  environment: ClientEnvironment;
  redirectUris: string[];
  website?: string;
  description?: string;
  contactName?: string;
  contactEmail?: string;
  isPublic?: boolean;
  isInternal?: boolean;
  /** Fixed id and secret: only the development demo application uses these. */
  id?: string;
  secret?: string;
}

export interface CreateOptions {
  /** Write through this store (the demo seed commits the client with its people in one transaction). */
  store?: ClientRegistryStore;
  /**
   * The redirect URIs are this server's own pages (the development demo callback), exempt from the
   * https rule that protects third-party redirects. Never set from operator input.
   */
  ownRedirectUris?: boolean;
}

/** ParqEx docs, Requesting an Account: `client_id` is 18 digits followed by the API host. */
export function newClientId(host: string): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 18) digits += String(randomInt(0, 10));
  return `${digits}.${host}`;
}

function checkWebsite(url: string | undefined, label: string): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClientInputError(`${label} ${JSON.stringify(url)} is not an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ClientInputError(`${label} must be an http(s) URL`);
  }
}

/**
 * Staff's registry of applications: one registration per application environment (ParqEx docs,
 * "A Note about Multiple Environments"). Secrets are shown once and stored as SHA-256 hashes.
 */
export class ClientRegistry {
  readonly #store: ClientRegistryStore;
  readonly #host: string;
  constructor(store: ClientRegistryStore, host: string) {
    this.#store = store;
    this.#host = host;
  }

  async create(
    input: NewClient,
    now: number,
    options: CreateOptions = {},
  ): Promise<{ client: Client; clientSecret: string | null }> {
    const store = options.store ?? this.#store;
    const name = input.name.trim();
    if (!name) throw new ClientInputError('the application name is required');
    if (!ENVIRONMENTS.includes(input.environment)) {
      throw new ClientInputError(`environment must be one of ${ENVIRONMENTS.join(', ')}`);
    }
    if (input.redirectUris.length === 0) throw new ClientInputError('at least one redirect URI is required');
    for (const uri of options.ownRedirectUris ? [] : input.redirectUris) {
      try {
        checkRegistrableRedirectUri(uri, input.environment);
      } catch (error) {
        if (error instanceof RedirectUriRefused) throw new ClientInputError(error.message, { cause: error });
        throw error;
      }
    }
    checkWebsite(input.website, 'website');
    const isPublic = input.isPublic ?? false;
    const clientSecret = isPublic ? null : (input.secret ?? randomToken());
    const id = input.id ?? newClientId(this.#host);
    const client = await store.insertClient({
      id,
      secretHash: clientSecret === null ? null : sha256(clientSecret),
      name,
      environment: input.environment,
      redirectUris: [...new Set(input.redirectUris)],
      website: input.website ?? null,
      description: input.description ?? null,
      contactName: input.contactName ?? null,
      contactEmail: input.contactEmail ?? null,
      isPublic,
      isInternal: input.isInternal ?? false,
      createdAt: now,
    });
    return { client, clientSecret };
  }

  list(): Promise<Client[]> {
    return this.#store.listClients();
  }

  async get(id: string): Promise<Client> {
    const client = await this.#store.findClient(id);
    if (!client) throw new ClientNotFound(id);
    return client;
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(id: string, now: number): Promise<string> {
    const client = await this.get(id);
    if (client.isPublic) throw new ClientInputError('a public client has no secret to rotate');
    const secret = randomToken();
    await this.#store.setClientSecret(id, sha256(secret), now);
    return secret;
  }

  /** Disables the client and revokes every grant and token it holds. */
  async disable(id: string, now: number): Promise<Client> {
    await this.get(id);
    await this.#store.disableClient(id, now);
    await this.#store.revokeClientGrants(id, now);
    return this.get(id);
  }
}
