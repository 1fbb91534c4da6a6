import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChargeNotFound,
  InvalidPaymentAmount,
  InvalidPaymentMethod,
  PaymentDeclined,
  PaymentIdempotencyKeyReused,
  RefundExceedsCharge,
} from './payment-errors.ts';
import { SimulatedProcessor } from './simulated-processor.ts';

const visa = { amount: 1250, currency: 'USD', paymentMethod: 'pm_card_visa' };

test('pm_card_visa and pm_card_mastercard succeed with a ch_sim_ id', async () => {
  const processor = new SimulatedProcessor();
  assert.equal(processor.name, 'simulated');
  for (const paymentMethod of ['pm_card_visa', 'pm_card_mastercard']) {
    const charge = await processor.charge({ ...visa, paymentMethod, idempotencyKey: paymentMethod });
    assert.match(charge.id, /^ch_sim_/);
    assert.deepEqual({ ...charge, id: '' }, { id: '', status: 'succeeded', amount: 1250, currency: 'USD' });
  }
});

test("each of Stripe's declining test methods is declined with Stripe's codes", async () => {
  const processor = new SimulatedProcessor();
  const declines = [
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
  ] as const;
  for (const [paymentMethod, processorCode, declineCode] of declines) {
    await assert.rejects(
      processor.charge({ ...visa, paymentMethod, idempotencyKey: paymentMethod }),
      (error) => {
        assert.ok(error instanceof PaymentDeclined);
        assert.deepEqual(
          [error.code, error.kind, error.processorCode, error.declineCode],
          ['payment_declined', 'payment_required', processorCode, declineCode],
        );
        return true;
      },
    );
  }
});

test('an unknown payment method and a fractional amount are refused as input', async () => {
  const processor = new SimulatedProcessor();
  await assert.rejects(
    processor.charge({ ...visa, paymentMethod: 'pm_card_unknown', idempotencyKey: 'a' }),
    (error) =>
      error instanceof InvalidPaymentMethod &&
      error.code === 'invalid_payment_method' &&
      error.kind === 'invalid_input',
  );
  await assert.rejects(
    processor.charge({ ...visa, amount: 12.5, idempotencyKey: 'b' }),
    InvalidPaymentAmount,
  );
  await assert.rejects(
    processor.charge({ ...visa, currency: 'usd', idempotencyKey: 'c' }),
    InvalidPaymentAmount,
  );
});

test('the same idempotency key returns the same charge, decline and refund; another request with it is refused', async () => {
  const processor = new SimulatedProcessor();
  const first = await processor.charge({ ...visa, idempotencyKey: 'order-1', metadata: { a: '1', b: '2' } });
  const again = await processor.charge({ ...visa, idempotencyKey: 'order-1', metadata: { b: '2', a: '1' } });
  assert.deepEqual(again, first);
  await assert.rejects(
    processor.charge({ ...visa, amount: 999, idempotencyKey: 'order-1' }),
    PaymentIdempotencyKeyReused,
  );

  const refund = await processor.refund({ chargeId: first.id, amount: 1000, idempotencyKey: 'refund-1' });
  assert.deepEqual(
    await processor.refund({ chargeId: first.id, amount: 1000, idempotencyKey: 'refund-1' }),
    refund,
  );
  // Replayed, not refunded twice: 250 is still left.
  const rest = await processor.refund({ chargeId: first.id, idempotencyKey: 'refund-2' });
  assert.equal(rest.amount, 250);

  const declined = { ...visa, paymentMethod: 'pm_card_chargeDeclined', idempotencyKey: 'order-2' };
  await assert.rejects(processor.charge(declined), PaymentDeclined);
  await assert.rejects(processor.charge(declined), PaymentDeclined);
});

test('refunds succeed up to the charged amount, never beyond', async () => {
  const processor = new SimulatedProcessor();
  const charge = await processor.charge({ ...visa, idempotencyKey: 'order-3' });
  const part = await processor.refund({ chargeId: charge.id, amount: 250, idempotencyKey: 'r1' });
  assert.match(part.id, /^re_sim_/);
  assert.deepEqual({ ...part, id: '' }, { id: '', status: 'succeeded', amount: 250, currency: 'USD' });
  await assert.rejects(
    processor.refund({ chargeId: charge.id, amount: 1001, idempotencyKey: 'r2' }),
    (error) => error instanceof RefundExceedsCharge && error.kind === 'conflict',
  );
  assert.equal((await processor.refund({ chargeId: charge.id, idempotencyKey: 'r3' })).amount, 1000);
  await assert.rejects(processor.refund({ chargeId: charge.id, idempotencyKey: 'r4' }), RefundExceedsCharge);
  await assert.rejects(processor.refund({ chargeId: 'ch_other', idempotencyKey: 'r5' }), ChargeNotFound);
});

test('a charge id carries what it charged: another process (or a restart) can refund it', async () => {
  const charge = await new SimulatedProcessor().charge({ ...visa, idempotencyKey: 'order-4' });
  const elsewhere = new SimulatedProcessor();
  await assert.rejects(
    elsewhere.refund({ chargeId: charge.id, amount: 1251, idempotencyKey: 'r1' }),
    RefundExceedsCharge,
  );
  assert.equal((await elsewhere.refund({ chargeId: charge.id, idempotencyKey: 'r2' })).amount, 1250);
});
