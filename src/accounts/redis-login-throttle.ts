import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { consumeOrRefusal, type RedisLimits } from '../limits/redis-limits.ts';
import type { AttemptTicket, LoginThrottle, ThrottleSettings } from './login-throttle.ts';

/**
 * The login throttle counted in Redis (rate-limiter-flexible, a fixed window of `windowS` from an
 * account's or address's first counted attempt), shared by every process and host using that Redis.
 * While Redis cannot answer, the database throttle answers instead.
 *
 * Same rules as the database throttle: an attempt counts before the password is checked; a refused
 * attempt is given back (it did not get to guess); a success is given back and clears the account.
 */
export class RedisLoginThrottle implements LoginThrottle {
  readonly #redis: RedisLimits;
  readonly #fallback: LoginThrottle;
  readonly #perAccount: RateLimiterRedis;
  readonly #perIp: RateLimiterRedis;

  constructor(redis: RedisLimits, settings: ThrottleSettings, fallback: LoginThrottle) {
    this.#redis = redis;
    this.#fallback = fallback;
    this.#perAccount = redis.limiter('login:account', settings.maxFailuresPerAccount, settings.windowS);
    this.#perIp = redis.limiter('login:ip', settings.maxFailuresPerIp, settings.windowS);
  }

  begin(email: string, ip: string, now: number): Promise<AttemptTicket> {
    return this.#redis.attempt(
      async () => {
        const [account, address] = await Promise.all([
          consumeOrRefusal(this.#perAccount, email),
          consumeOrRefusal(this.#perIp, ip),
        ]);
        if (account.allowed && address.allowed) return { allowed: true, ids: [] };
        await Promise.all([this.#perAccount.reward(email, 1), this.#perIp.reward(ip, 1)]);
        const waitMs = Math.max(
          account.allowed ? 0 : account.msBeforeNext,
          address.allowed ? 0 : address.msBeforeNext,
        );
        return { allowed: false, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) };
      },
      () => this.#fallback.begin(email, ip, now),
    );
  }

  succeeded(ticket: { ids: string[] }, email: string, ip: string): Promise<void> {
    // A ticket with database ids was issued by the fallback: settle it there.
    if (ticket.ids.length > 0) return this.#fallback.succeeded(ticket, email, ip);
    return this.#redis.attempt(
      async () => {
        await Promise.all([this.#perIp.reward(ip, 1), this.#perAccount.delete(email)]);
      },
      () => this.#fallback.succeeded(ticket, email, ip),
    );
  }
}
