import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';

/** Redis for the tests of the Redis-backed limits: `PARQEX_TEST_REDIS_URL` (CI sets it). */
export const TEST_REDIS_URL = process.env.PARQEX_TEST_REDIS_URL || undefined;

/**
 * The Redis URL for test `t`, or undefined after `t.skip(…)` when none is configured off CI. On CI
 * (`CI=true`) a missing PARQEX_TEST_REDIS_URL fails the test: CI runs these.
 */
export function redisFor(t: TestContext): string | undefined {
  if (TEST_REDIS_URL) return TEST_REDIS_URL;
  if (process.env.CI === 'true') throw new Error('PARQEX_TEST_REDIS_URL is not set: CI runs the Redis tests');
  t.skip('PARQEX_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379); CI runs this test');
  return undefined;
}

/** A key prefix no other test (nor an earlier run) uses. */
export function freshPrefix(): string {
  return `parqex-test-${randomBytes(6).toString('hex')}:`;
}

/** The keys under `prefix`, to see what the server counted in Redis; the connection is closed after. */
export async function redisKeys(url: string, prefix: string): Promise<string[]> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return (await client.keys(`${prefix}*`)).sort();
  } finally {
    client.disconnect();
  }
}
