import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { editDistance } from './edit-distance.ts';

test('insertions, deletions, substitutions and neighbour swaps cost one each', () => {
  assert.equal(editDistance('', ''), 0);
  assert.equal(editDistance('abc', ''), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('PARQEX_TOGGLE_COOLDOWN', 'PARQEX_TOGGLE_COOLDOWN_S'), 2);
  assert.equal(editDistance('PARQEX_EVN', 'PARQEX_ENV'), 1);
  assert.equal(editDistance('PARQEX_LOG_LEVL', 'PARQEX_LOG_LEVEL'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('ca', 'abc'), 3);
});

test('property: a distance — zero only for equal strings, symmetric, within the longer length', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      const d = editDistance(a, b);
      assert.equal(d === 0, a === b);
      assert.equal(d, editDistance(b, a));
      assert.ok(d <= Math.max(a.length, b.length));
      assert.ok(d >= Math.abs(a.length - b.length));
    }),
  );
});
