import type { Db } from '../storage/schema.ts';

/** Products.md §0: an answer is replayed for 24 hours, then the key is free again. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long a claim may stay unanswered before it is taken for abandoned (its process died between
 * claiming and answering): far beyond any request's life (the database's statement timeout is 30 s),
 * so a slow first request is never run twice.
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 60 * 1000;

/** The answer stored for a key, replayed as it was first sent. */
export interface StoredAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What a claim found: the key is ours now, or someone holds it (running or answered). */
export type Claim =
  | { outcome: 'claimed' }
  | { outcome: 'running'; fingerprint: string }
  | { outcome: 'answered'; fingerprint: string; answer: StoredAnswer };

/**
 * The idempotency keys, in their own table. The primary key (caller, key) settles races: of two
 * requests claiming one key at once, exactly one INSERT succeeds.
 */
export class IdempotencyStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Claims `key` for `caller`, or reports who holds it. An expired entry is dropped first, so a key
   * is free again after 24 h even before the pruner has run; so is a claim left unanswered for
   * `IDEMPOTENCY_LEASE_MS` (its process died), so a crash never holds a key for a day.
   */
  async claim(caller: string, key: string, fingerprint: string, now: number): Promise<Claim> {
    // Two rounds at most: a holder may release the key between our INSERT and our read.
    for (let round = 0; round < 2; round++) {
      await this.#db
        .deleteFrom('idempotency_keys')
        .where('caller', '=', caller)
        .where('key', '=', key)
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', now),
            eb.and([eb('status_code', 'is', null), eb('created_at', '<=', now - IDEMPOTENCY_LEASE_MS)]),
          ]),
        )
        .execute();
      const inserted = await this.#db
        .insertInto('idempotency_keys')
        .values({ caller, key, fingerprint, created_at: now, expires_at: now + IDEMPOTENCY_TTL_MS })
        .onConflict((oc) => oc.columns(['caller', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { outcome: 'claimed' };
      const row = await this.#db
        .selectFrom('idempotency_keys')
        .select(['fingerprint', 'status_code', 'headers', 'body'])
        .where('caller', '=', caller)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) continue;
      if (row.status_code === null) return { outcome: 'running', fingerprint: row.fingerprint };
      return {
        outcome: 'answered',
        fingerprint: row.fingerprint,
        answer: {
          statusCode: Number(row.status_code),
          headers: JSON.parse(row.headers ?? '{}') as Record<string, string>,
          body: row.body ?? '',
        },
      };
    }
    return { outcome: 'running', fingerprint };
  }

  /** Stores the answer of the claimed request; from now on it is replayed. */
  async complete(caller: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ status_code: answer.statusCode, headers: JSON.stringify(answer.headers), body: answer.body })
      .where('caller', '=', caller)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }

  /** Gives up a claim that got no answer worth replaying (a 5xx, or none): a retry runs again. */
  async release(caller: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('caller', '=', caller)
      .where('key', '=', key)
      .where('status_code', 'is', null)
      .execute();
  }
}
