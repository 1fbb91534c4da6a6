import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addMoney,
  basisPointsOf,
  CurrencyMismatch,
  InvalidMoney,
  type Money,
  money,
  moneyEquals,
  percentOf,
  sumMoney,
} from './money.ts';

const invalidMoney = (error: unknown) => error instanceof InvalidMoney && error.code === 'invalid_money';
const mismatch = (error: unknown) => error instanceof CurrencyMismatch && error.code === 'currency_mismatch';

describe('money', () => {
  test('an integer of minor units and an upper-case ISO 4217 code', () => {
    assert.deepEqual(money(1250, 'USD'), { amount: 1250, currency: 'USD' });
    assert.deepEqual(money(-300, 'JPY'), { amount: -300, currency: 'JPY' });
    assert.ok(Object.isFrozen(money(1, 'EUR')));
  });

  test('refuses fractions, unsafe integers and non-numbers with invalid_money', () => {
    for (const amount of [12.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 53)]) {
      assert.throws(() => money(amount, 'USD'), invalidMoney, String(amount));
    }
    assert.throws(() => money('12' as unknown as number, 'USD'), invalidMoney);
  });

  test('refuses currency codes that are not upper-case ISO 4217', () => {
    for (const currency of ['usd', 'US', 'USDX', 'ZZZ', '', ' USD', 'U$D']) {
      assert.throws(() => money(100, currency), invalidMoney, currency);
    }
    assert.throws(() => money(100, undefined as unknown as string), invalidMoney);
  });

  test('-0 is 0', () => {
    assert.ok(Object.is(money(-0, 'USD').amount, 0));
    assert.ok(Object.is(percentOf(money(-1, 'USD'), 10).amount, 0));
  });
});

describe('addMoney, sumMoney, moneyEquals', () => {
  test('adds within one currency and refuses to mix currencies', () => {
    assert.deepEqual(addMoney(money(1250, 'USD'), money(125, 'USD')), money(1375, 'USD'));
    assert.throws(() => addMoney(money(1, 'USD'), money(1, 'EUR')), mismatch);
    assert.deepEqual(sumMoney([], 'GBP'), money(0, 'GBP'));
    assert.deepEqual(sumMoney([money(1, 'GBP'), money(2, 'GBP')], 'GBP'), money(3, 'GBP'));
    assert.throws(() => sumMoney([money(1, 'GBP'), money(2, 'EUR')], 'GBP'), mismatch);
    assert.throws(() => sumMoney([money(1, 'EUR')], 'GBP'), mismatch);
  });

  test('a sum past the safe integers is refused, never rounded', () => {
    const big = money(Number.MAX_SAFE_INTEGER, 'USD');
    assert.throws(() => addMoney(big, money(1, 'USD')), invalidMoney);
    assert.throws(() => sumMoney([big, money(1, 'USD')], 'USD'), invalidMoney);
  });

  test('equality is amount and currency', () => {
    assert.ok(moneyEquals(money(5, 'USD'), money(5, 'USD')));
    assert.ok(!moneyEquals(money(5, 'USD'), money(5, 'CAD')));
    assert.ok(!moneyEquals(money(5, 'USD'), money(6, 'USD')));
  });

  test('property: sums are exact (equal to the BigInt sum) or refused', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), { maxLength: 20 }), (amounts) => {
        const list = amounts.map((a) => money(a, 'EUR'));
        const exact = amounts.reduce((s, a) => s + BigInt(a), 0n);
        let partialOk = true;
        let partial = 0n;
        for (const a of amounts) {
          partial += BigInt(a);
          if (partial > BigInt(Number.MAX_SAFE_INTEGER) || partial < -BigInt(Number.MAX_SAFE_INTEGER)) {
            partialOk = false;
          }
        }
        if (partialOk) assert.equal(BigInt(sumMoney(list, 'EUR').amount), exact);
        else assert.throws(() => sumMoney(list, 'EUR'), invalidMoney);
      }),
    );
  });
});

describe('percentOf', () => {
  test('rounds half up to the minor unit', () => {
    const usd = (n: number) => money(n, 'USD');
    assert.deepEqual(percentOf(usd(1250), 10), usd(125));
    assert.deepEqual(percentOf(usd(5), 10), usd(1)); // 0.5 → 1
    assert.deepEqual(percentOf(usd(4), 10), usd(0)); // 0.4 → 0
    assert.deepEqual(percentOf(usd(15), 10), usd(2)); // 1.5 → 2
    assert.deepEqual(percentOf(usd(25), 10), usd(3)); // 2.5 → 3 (not banker's 2)
    assert.deepEqual(percentOf(usd(1000), 12.5), usd(125));
    assert.deepEqual(percentOf(usd(4), 12.5), usd(1)); // 0.5 → 1
    assert.deepEqual(percentOf(usd(3), 12.5), usd(0)); // 0.375 → 0
    assert.deepEqual(percentOf(usd(-5), 10), usd(-1)); // ties away from zero
    assert.deepEqual(percentOf(usd(999), 0), usd(0));
    assert.deepEqual(percentOf(usd(999), 100), usd(999));
    assert.deepEqual(percentOf(usd(1), 0.07), usd(0));
    assert.deepEqual(percentOf(usd(10_000), 0.07), usd(7));
  });

  test('a percentage is read exactly as basis points, at most two decimals', () => {
    assert.equal(basisPointsOf(12.5), 1250);
    assert.equal(basisPointsOf(0.07), 7);
    assert.equal(basisPointsOf(10), 1000);
    assert.equal(basisPointsOf(0), 0);
    assert.equal(basisPointsOf(33.33), 3333);
    for (const bad of [-1, 12.345, Number.NaN, Number.POSITIVE_INFINITY, 1e21, -0.5]) {
      assert.throws(() => basisPointsOf(bad), invalidMoney, String(bad));
    }
  });

  test('property: equals an independent BigInt computation (quotient, remainder, compare halves)', () => {
    const reference = (amount: number, bp: number): bigint => {
      const x = BigInt(amount) * BigInt(bp);
      const sign = x < 0n ? -1n : 1n;
      const abs = x * sign;
      const q = abs / 10_000n;
      const r = abs % 10_000n;
      return sign * (2n * r >= 10_000n ? q + 1n : q);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 100_000 }),
        (amount, bp) => {
          const percent = bp / 100;
          const expected = reference(amount, bp);
          if (expected > BigInt(Number.MAX_SAFE_INTEGER) || expected < -BigInt(Number.MAX_SAFE_INTEGER)) {
            assert.throws(() => percentOf(money(amount, 'USD'), percent), invalidMoney);
            return;
          }
          const got: Money = percentOf(money(amount, 'USD'), percent);
          assert.equal(BigInt(got.amount), expected);
          assert.equal(got.currency, 'USD');
        },
      ),
    );
  });
});
