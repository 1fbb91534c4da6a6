import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { hexId, type SecretBox } from '../lib/crypto.ts';
import { DomainError } from '../lib/domain-error.ts';
import type { Database, Db } from '../storage/schema.ts';
import { EVENT_FAMILIES, type EventFamily } from './payloads.ts';
import { newSigningSecret } from './signing.ts';
import { checkWebhookUrl, WebhookTargetRefused } from './target-check.ts';

export class WebhookInputError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_webhook_endpoint', 'invalid_input', message, options);
  }
}
export class WebhookEndpointNotFound extends DomainError {
  constructor(id: string) {
    super('webhook_endpoint_not_found', 'not_found', `no webhook endpoint with id ${id}`);
  }
}

export interface WebhookEndpoint {
  id: string;
  clientId: string;
  url: string;
  families: EventFamily[];
  createdAt: number;
  disabledAt: number | null;
  disabledReason: string | null;
  failingSince: number | null;
  lastSuccessAt: number | null;
}

function toEndpoint(row: Selectable<Database['webhook_endpoints']>): WebhookEndpoint {
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    families: row.event_families.split(',') as EventFamily[],
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    lastSuccessAt: row.last_success_at,
  };
}

/**
 * Staff's webhook registrations, one or more per application environment (client). The API key and
 * the signing secret are shown once; both must be sent or used on every delivery, so they are kept
 * encrypted (not hashed) with the server's key.
 */
export class WebhookEndpoints {
  readonly #db: Db;
  readonly #box: SecretBox;
  readonly #serverEnv: 'development' | 'production';
  constructor(db: Db, box: SecretBox, serverEnv: 'development' | 'production') {
    this.#db = db;
    this.#box = box;
    this.#serverEnv = serverEnv;
  }

  async create(
    input: { clientId: string; url: string; families?: string[] },
    now: number,
  ): Promise<{ endpoint: WebhookEndpoint; apiKey: string; signingSecret: string }> {
    const client = await this.#db
      .selectFrom('clients')
      .select(['id', 'environment', 'disabled_at'])
      .where('id', '=', input.clientId)
      .executeTakeFirst();
    if (!client) throw new WebhookInputError(`no client with id ${input.clientId}`);
    if (client.disabled_at !== null) throw new WebhookInputError(`client ${input.clientId} is disabled`);
    try {
      checkWebhookUrl(input.url, { clientEnvironment: client.environment, serverEnv: this.#serverEnv });
    } catch (error) {
      if (error instanceof WebhookTargetRefused) throw new WebhookInputError(error.message, { cause: error });
      throw error;
    }
    const families = input.families ?? [...EVENT_FAMILIES];
    for (const family of families) {
      if (!(EVENT_FAMILIES as readonly string[]).includes(family)) {
        throw new WebhookInputError(`unknown event family "${family}"; known: ${EVENT_FAMILIES.join(', ')}`);
      }
    }
    if (families.length === 0) throw new WebhookInputError('subscribe to at least one event family');
    const apiKey = `pqx_${randomBytes(24).toString('base64url')}`;
    const signingSecret = newSigningSecret();
    const id = hexId();
    await this.#db
      .insertInto('webhook_endpoints')
      .values({
        id,
        client_id: client.id,
        url: input.url,
        event_families: [...new Set(families)].join(','),
        api_key_sealed: this.#box.seal(apiKey),
        signing_secret_sealed: this.#box.seal(signingSecret),
        created_at: now,
        disabled_at: null,
        disabled_reason: null,
        failing_since: null,
        last_success_at: null,
      })
      .execute();
    return { endpoint: await this.get(id), apiKey, signingSecret };
  }

  async list(clientId?: string): Promise<WebhookEndpoint[]> {
    let query = this.#db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id');
    if (clientId !== undefined) query = query.where('client_id', '=', clientId);
    return (await query.execute()).map(toEndpoint);
  }

  async get(id: string): Promise<WebhookEndpoint> {
    const row = await this.#db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new WebhookEndpointNotFound(id);
    return toEndpoint(row);
  }

  /** Stops deliveries; pending ones wait (they resume on enable) until they expire. */
  async disable(id: string, reason: string, now: number): Promise<WebhookEndpoint> {
    await this.get(id);
    await this.#db
      .updateTable('webhook_endpoints')
      .set({ disabled_at: now, disabled_reason: reason })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
    return this.get(id);
  }

  async enable(id: string): Promise<WebhookEndpoint> {
    await this.get(id);
    await this.#db
      .updateTable('webhook_endpoints')
      .set({ disabled_at: null, disabled_reason: null, failing_since: null })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }

  /**
   * Deletes the endpoint for good, with its deliveries and their attempts (the foreign keys
   * cascade): nothing more is sent to it, and `resend` cannot reach what it had. It is disabled
   * first, in its own statement, so events fanned out from now on skip it while it goes. Returns
   * the endpoint as it was and how many deliveries went with it.
   */
  async delete(id: string, now: number): Promise<{ endpoint: WebhookEndpoint; deliveries: number }> {
    const endpoint = await this.get(id);
    await this.#db
      .updateTable('webhook_endpoints')
      .set({ disabled_at: now, disabled_reason: 'deleted' })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
    const deliveries = await this.#db.transaction().execute(async (trx) => {
      const { count } = await trx
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
        .where('endpoint_id', '=', id)
        .executeTakeFirstOrThrow();
      const deleted = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new WebhookEndpointNotFound(id);
      return Number(count);
    });
    return { endpoint, deliveries };
  }

  /** A new signing secret, shown once; deliveries are signed with it from now on. */
  async rotateSecret(id: string): Promise<string> {
    await this.get(id);
    const secret = newSigningSecret();
    await this.#db
      .updateTable('webhook_endpoints')
      .set({ signing_secret_sealed: this.#box.seal(secret) })
      .where('id', '=', id)
      .execute();
    return secret;
  }
}
