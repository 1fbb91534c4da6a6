import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { consumeOrRefusal, type RedisLimits } from '../limits/redis-limits.ts';
import { type CooldownClaim, type DoorCooldowns, retryAfterS } from './door-cooldowns.ts';

/**
 * The per-door cooldown in Redis (rate-limiter-flexible: one point per door per cooldown), shared by
 * every process and host using that Redis; the database cooldown answers while Redis cannot.
 */
export class RedisDoorCooldowns implements DoorCooldowns {
  readonly #redis: RedisLimits;
  readonly #fallback: DoorCooldowns;
  readonly #limiter: RateLimiterRedis;
  readonly #cooldownS: number;
  /** Claims made through the fallback, so that their release goes there too. */
  readonly #claimedInDatabase = new Set<string>();

  constructor(redis: RedisLimits, cooldownS: number, fallback: DoorCooldowns) {
    this.#redis = redis;
    this.#fallback = fallback;
    this.#cooldownS = cooldownS;
    this.#limiter = redis.limiter('door-cooldown', 1, cooldownS);
  }

  claim(doorId: string, now: number): Promise<CooldownClaim> {
    return this.#redis.attempt(
      async () => {
        const answer = await consumeOrRefusal(this.#limiter, doorId);
        if (answer.allowed) return { claimed: true, until: now + this.#cooldownS * 1000 };
        return { claimed: false, retryAfterS: retryAfterS(answer.msBeforeNext, this.#cooldownS) };
      },
      async () => {
        const claim = await this.#fallback.claim(doorId, now);
        if (claim.claimed) this.#claimedInDatabase.add(`${doorId}:${claim.until}`);
        return claim;
      },
    );
  }

  release(doorId: string, until: number): Promise<void> {
    if (this.#claimedInDatabase.delete(`${doorId}:${until}`)) return this.#fallback.release(doorId, until);
    return this.#redis.attempt(
      async () => {
        await this.#limiter.delete(doorId);
      },
      async () => {},
    );
  }
}
