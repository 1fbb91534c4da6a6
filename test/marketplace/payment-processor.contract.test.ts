import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  InvalidPaymentMethod,
  PaymentDeclined,
  RefundExceedsCharge,
} from '../../src/marketplace/payments/payment-errors.ts';
import type { PaymentProcessor } from '../../src/marketplace/payments/payment-processor.ts';
import { SimulatedProcessor } from '../../src/marketplace/payments/simulated-processor.ts';
import { StripeProcessor } from '../../src/marketplace/payments/stripe-processor.ts';
import { type FakeStripeServer, startFakeStripeServer } from '../helpers/fake-stripe-server.ts';

/** What every PaymentProcessor promises for Stripe's test payment methods (products.md §1, Payments). */
const CHARGES = [
  { paymentMethod: 'pm_card_visa', outcome: 'succeeded' },
  { paymentMethod: 'pm_card_mastercard', outcome: 'succeeded' },
  {
    paymentMethod: 'pm_card_chargeDeclined',
    outcome: 'declined',
    processorCode: 'card_declined',
    declineCode: 'generic_decline',
  },
  {
    paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
    outcome: 'declined',
    processorCode: 'card_declined',
    declineCode: 'insufficient_funds',
  },
  {
    paymentMethod: 'pm_card_authenticationRequired',
    outcome: 'declined',
    processorCode: 'authentication_required',
    declineCode: undefined,
  },
  { paymentMethod: 'pm_card_nonsense', outcome: 'invalid' },
] as const;

let fake: FakeStripeServer;
before(async () => {
  fake = await startFakeStripeServer();
});
after(() => fake.close());

const implementations: [string, () => PaymentProcessor][] = [
  ['simulated', () => new SimulatedProcessor()],
  [
    'stripe (against a local fake Stripe)',
    () => new StripeProcessor({ secretKey: 'sk_test_contract', apiBase: fake.url, maxNetworkRetries: 0 }),
  ],
];

for (const [label, make] of implementations) {
  describe(`PaymentProcessor contract: ${label}`, () => {
    for (const row of CHARGES) {
      test(`${row.paymentMethod} → ${row.outcome}`, async () => {
        const processor = make();
        const request = {
          amount: 1250,
          currency: 'USD',
          paymentMethod: row.paymentMethod,
          idempotencyKey: `${label}-${row.paymentMethod}`,
        };
        if (row.outcome === 'succeeded') {
          const charge = await processor.charge(request);
          assert.equal(charge.status, 'succeeded');
          assert.deepEqual([charge.amount, charge.currency], [1250, 'USD']);
        } else if (row.outcome === 'declined') {
          await assert.rejects(processor.charge(request), (error) => {
            assert.ok(error instanceof PaymentDeclined);
            assert.deepEqual(
              [error.code, error.processorCode, error.declineCode],
              ['payment_declined', row.processorCode, row.declineCode],
            );
            return true;
          });
        } else {
          await assert.rejects(processor.charge(request), InvalidPaymentMethod);
        }
      });
    }

    test('a retry with the same idempotency key is the same charge, and so is a refund', async () => {
      const processor = make();
      const request = {
        amount: 800,
        currency: 'EUR',
        paymentMethod: 'pm_card_visa',
        idempotencyKey: `${label}-retry`,
      };
      const first = await processor.charge(request);
      assert.deepEqual(await processor.charge(request), first);
      const refund = await processor.refund({
        chargeId: first.id,
        amount: 300,
        idempotencyKey: `${label}-refund`,
      });
      assert.deepEqual(
        await processor.refund({ chargeId: first.id, amount: 300, idempotencyKey: `${label}-refund` }),
        refund,
      );
      assert.deepEqual([refund.status, refund.amount, refund.currency], ['succeeded', 300, 'EUR']);
      // Refunded once: 500 is left, and no more.
      await assert.rejects(
        processor.refund({ chargeId: first.id, amount: 501, idempotencyKey: `${label}-over` }),
        RefundExceedsCharge,
      );
      assert.equal(
        (await processor.refund({ chargeId: first.id, idempotencyKey: `${label}-rest` })).amount,
        500,
      );
    });
  });
}
