import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** A Redis answer slower than this counts as Redis being down: the database answers instead. */
const COMMAND_TIMEOUT_MS = 500;

/**
 * The Redis connection behind the shared limits (`PARQEX_REDIS_URL`), with the rule every limit
 * follows: ask Redis; when Redis cannot answer (down, slow, not yet connected), ask the database.
 * Losing Redis degrades the limits to the database, it never takes the API down.
 *
 * Emits `degraded` (with the error) the first time Redis fails after working, and `recovered` when it
 * answers again; the server logs both (never once per request).
 */
export class RedisLimits extends EventEmitter<{ degraded: [Error]; recovered: [] }> {
  readonly client: Redis;
  readonly #prefix: string;
  #healthy = true;

  constructor(url: string, prefix = 'parqex:') {
    super();
    this.#prefix = prefix;
    this.client = new Redis(url, {
      // Fail at once while disconnected rather than queue: the database takes over meanwhile.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: false,
    });
    // Connection errors are reported through `degraded`; without a listener ioredis would print them.
    this.client.on('error', () => {});
  }

  /** A limiter of `points` per `durationS` under `prefix`, answering through Redis. */
  limiter(prefix: string, points: number, durationS: number): RateLimiterRedis {
    return new RateLimiterRedis({
      storeClient: this.client,
      keyPrefix: `${this.#prefix}${prefix}`,
      points,
      duration: durationS,
      rejectIfRedisNotReady: true,
    });
  }

  /**
   * Runs `viaRedis`; if Redis failed, runs `viaDatabase` instead. (A limiter's refusal is an answer,
   * not a failure: `consumeOrRefusal` returns it.)
   */
  async attempt<T>(viaRedis: () => Promise<T>, viaDatabase: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await viaRedis();
    } catch (error) {
      this.#markDegraded(error);
      return viaDatabase();
    }
    if (!this.#healthy) {
      this.#healthy = true;
      this.emit('recovered');
    }
    return result;
  }

  #markDegraded(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    this.emit('degraded', error instanceof Error ? error : new Error(String(error)));
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/** The limiter's answer to `consume`: refused is an answer too, not an error. */
export async function consumeOrRefusal(
  limiter: RateLimiterRedis,
  key: string,
): Promise<{ allowed: true } | { allowed: false; msBeforeNext: number }> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return { allowed: false, msBeforeNext: refusal.msBeforeNext };
    throw refusal;
  }
}
