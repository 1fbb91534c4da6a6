import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_QUOTE_ID_LENGTH, type QuoteClaims, quoteKey, signQuote, verifyQuote } from './quote-tokens.ts';

const KEY = quoteKey('the server secret key of this test');
const claims: QuoteClaims = {
  listingId: '0123456789abcdef0123456789abcdef',
  userId: '01234567-89ab-cdef-0123-456789abcdef',
  plan: 'hourly',
  startsAt: Date.UTC(2026, 11, 6, 9),
  endsAt: Date.UTC(2026, 11, 6, 12),
  currency: 'USD',
  amounts: [1500, 150],
  expiresAt: Date.UTC(2026, 11, 5, 10, 10),
};

const arbitraryClaims = fc.record({
  listingId: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
  userId: fc.uuid(),
  plan: fc.constantFrom('hourly' as const, 'monthly' as const),
  startsAt: fc.integer({ min: 0, max: 2 ** 45 }),
  endsAt: fc.integer({ min: 0, max: 2 ** 45 }),
  currency: fc.constantFrom('USD', 'EUR', 'JPY'),
  amounts: fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 2 }),
  expiresAt: fc.integer({ min: 0, max: 2 ** 45 }),
});

describe('quote ids: the quote, signed', () => {
  test('a signed quote reads back as it was quoted', () => {
    fc.assert(
      fc.property(arbitraryClaims, (c) => assert.deepEqual(verifyQuote(KEY, signQuote(KEY, c)), { ...c })),
    );
  });

  test('changing any one character of the id makes it no quote', () => {
    const id = signQuote(KEY, claims);
    fc.assert(
      fc.property(
        fc.nat({ max: id.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (at, replacement) => {
          fc.pre(id[at] !== replacement);
          assert.equal(verifyQuote(KEY, id.slice(0, at) + replacement + id.slice(at + 1)), undefined);
        },
      ),
    );
  });

  test('two quotes of the same window at the same instant are two ids', () => {
    assert.notEqual(signQuote(KEY, claims), signQuote(KEY, claims));
  });

  test('a cheaper total under the same MAC, another key, a truncation or junk is no quote', () => {
    const id = signQuote(KEY, claims);
    const [version, , signature] = id.split('.');
    const cheaper = Buffer.from(JSON.stringify(['x', 'y', 'h', 1, 2, 'USD', [1], 3, 'n'])).toString(
      'base64url',
    );
    assert.equal(verifyQuote(KEY, `${version}.${cheaper}.${signature}`), undefined);
    assert.equal(verifyQuote(quoteKey('another server'), id), undefined);
    assert.equal(verifyQuote(KEY, id.slice(0, -5)), undefined);
    for (const junk of [
      '',
      'q1',
      'q1..',
      '0123456789abcdef0123456789abcdef',
      'x'.repeat(MAX_QUOTE_ID_LENGTH + 1),
    ])
      assert.equal(verifyQuote(KEY, junk), undefined, junk);
  });
});
