import { uuid } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';

export interface ThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowS: number;
}

export type AttemptTicket = { allowed: true; ids: string[] } | { allowed: false; retryAfterS: number };

/**
 * Login throttling per account (email) and per client address. `begin` records an attempt before the
 * password is checked (so concurrent guesses cannot all slip under the limit) and refuses it when
 * either limit is reached; `succeeded` forgives the attempt and clears the account's failures.
 */
export interface LoginThrottle {
  begin(email: string, ip: string, now: number): Promise<AttemptTicket>;
  succeeded(ticket: { ids: string[] }, email: string, ip: string): Promise<void>;
}

/**
 * Login throttling per account (email) and per client address, kept in the database so it holds
 * across every process sharing it. An attempt is recorded *before* the password is checked and the
 * window is counted including it, so concurrent guesses cannot all slip under the limit; a success
 * removes the attempt (and clears the account's failures), a failure leaves it counted.
 */
export class SqlLoginThrottle implements LoginThrottle {
  readonly #db: DbOrTrx;
  readonly #settings: ThrottleSettings;
  constructor(db: DbOrTrx, settings: ThrottleSettings) {
    this.#db = db;
    this.#settings = settings;
  }

  async begin(email: string, ip: string, now: number): Promise<AttemptTicket> {
    const keys: [string, number][] = [
      [`account:${email}`, this.#settings.maxFailuresPerAccount],
      [`ip:${ip}`, this.#settings.maxFailuresPerIp],
    ];
    const windowStart = now - this.#settings.windowS * 1000;
    const ids: string[] = [];
    for (const [key] of keys) {
      const id = uuid();
      ids.push(id);
      await this.#db
        .insertInto('login_attempts')
        .values({ id, throttle_key: key, attempted_at: now })
        .execute();
    }
    let retryAt = 0;
    for (const [key, limit] of keys) {
      const recent = await this.#db
        .selectFrom('login_attempts')
        .select('attempted_at')
        .where('throttle_key', '=', key)
        .where('attempted_at', '>', windowStart)
        .orderBy('attempted_at', 'desc')
        .limit(limit + 1)
        .execute();
      if (recent.length > limit) {
        // Unlocked once the limit-th most recent earlier failure leaves the window.
        const blocking = recent[limit]!.attempted_at;
        retryAt = Math.max(retryAt, blocking + this.#settings.windowS * 1000);
      }
    }
    if (retryAt > 0) {
      await this.#remove(ids);
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil((retryAt - now) / 1000)) };
    }
    return { allowed: true, ids };
  }

  /** The password was right: the attempt does not count, and the account starts afresh. */
  async succeeded(ticket: { ids: string[] }, email: string, _ip?: string): Promise<void> {
    await this.#remove(ticket.ids);
    await this.#db.deleteFrom('login_attempts').where('throttle_key', '=', `account:${email}`).execute();
  }

  async #remove(ids: string[]): Promise<void> {
    await this.#db.deleteFrom('login_attempts').where('id', 'in', ids).execute();
  }
}
