import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TtlCache } from './ttl-cache.ts';

test('a value is kept for its TTL and then forgotten', async () => {
  const cache = new TtlCache<string, number>({ ttlMs: 30, maxEntries: 10 });
  cache.set('a', 1, cache.generation);
  assert.equal(cache.get('a'), 1);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.size, 0);
});

test('a read that started before a clear() does not store what it read', () => {
  const cache = new TtlCache<string, number>({ ttlMs: 10_000, maxEntries: 10 });
  const before = cache.generation;
  cache.clear(); // a write landed while the read was in flight
  cache.set('a', 1, before);
  assert.equal(cache.get('a'), undefined);
  cache.set('a', 2, cache.generation);
  assert.equal(cache.get('a'), 2);
});

test('bounded: the oldest entry makes room', () => {
  const cache = new TtlCache<number, number>({ ttlMs: 10_000, maxEntries: 3 });
  for (let i = 0; i < 5; i++) cache.set(i, i, cache.generation);
  assert.equal(cache.size, 3);
  assert.equal(cache.get(0), undefined);
  assert.equal(cache.get(4), 4);
});

test('a TTL of 0 turns it off', () => {
  const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
  cache.set('a', 1, cache.generation);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.enabled, false);
});
