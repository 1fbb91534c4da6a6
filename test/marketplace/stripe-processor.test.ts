import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PaymentDeclined,
  PaymentFailed,
  RefundExceedsCharge,
} from '../../src/marketplace/payments/payment-errors.ts';
import { StripeProcessor } from '../../src/marketplace/payments/stripe-processor.ts';
import { type FakeStripeServer, startFakeStripeServer } from '../helpers/fake-stripe-server.ts';

let fake: FakeStripeServer;
let stripe: StripeProcessor;

before(async () => {
  fake = await startFakeStripeServer();
  // No retries: a 500 is answered once, and the test stays quick.
  stripe = new StripeProcessor({ secretKey: 'sk_test_parqex', apiBase: fake.url, maxNetworkRetries: 0 });
});
after(() => fake.close());

test('a charge is one PaymentIntent created and confirmed, form-encoded, with the key and the idempotency key', async () => {
  const charge = await stripe.charge({
    amount: 1250,
    currency: 'USD',
    paymentMethod: 'pm_card_visa',
    idempotencyKey: 'order-1',
    description: 'Parking at Elm St',
    metadata: { order_id: 'ord_1' },
  });
  assert.match(charge.id, /^pi_/);
  assert.deepEqual({ ...charge, id: 'x' }, { id: 'x', status: 'succeeded', amount: 1250, currency: 'USD' });

  const sent = fake.requests.at(-1);
  assert.ok(sent);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, '/v1/payment_intents');
  assert.equal(sent.headers.authorization, 'Bearer sk_test_parqex');
  assert.equal(sent.headers['idempotency-key'], 'order-1');
  assert.match(String(sent.headers['content-type']), /^application\/x-www-form-urlencoded/);
  assert.equal(sent.form.amount, '1250');
  assert.equal(sent.form.currency, 'usd');
  assert.equal(sent.form.payment_method, 'pm_card_visa');
  assert.equal(sent.form.confirm, 'true');
  assert.equal(sent.form['automatic_payment_methods[enabled]'], 'true');
  assert.equal(sent.form['automatic_payment_methods[allow_redirects]'], 'never');
  assert.equal(sent.form.description, 'Parking at Elm St');
  assert.equal(sent.form['metadata[order_id]'], 'ord_1');
});

test("Stripe's 402 card_error is PaymentDeclined with Stripe's code, decline code and message", async () => {
  await assert.rejects(
    stripe.charge({
      amount: 500,
      currency: 'EUR',
      paymentMethod: 'pm_card_chargeDeclined',
      idempotencyKey: 'order-2',
    }),
    (error: unknown) => {
      assert.ok(error instanceof PaymentDeclined);
      assert.equal(error.code, 'payment_declined');
      assert.equal(error.kind, 'payment_required');
      assert.equal(error.processorCode, 'card_declined');
      assert.equal(error.declineCode, 'generic_decline');
      assert.equal(error.message, 'Your card was declined.');
      return true;
    },
  );
});

test('a 500 from Stripe is PaymentFailed (502) wrapping the cause, asked once', async () => {
  const before = fake.requests.length;
  fake.failNext(500);
  await assert.rejects(
    stripe.charge({ amount: 500, currency: 'USD', paymentMethod: 'pm_card_visa', idempotencyKey: 'order-3' }),
    (error: unknown) => {
      assert.ok(error instanceof PaymentFailed);
      assert.equal(error.kind, 'upstream_failed');
      assert.ok(error.cause instanceof Error);
      return true;
    },
  );
  assert.equal(fake.requests.length, before + 1);
});

test('a refund is POST /v1/refunds of the PaymentIntent with its own idempotency key; more than is left is refused', async () => {
  const charge = await stripe.charge({
    amount: 2000,
    currency: 'USD',
    paymentMethod: 'pm_card_visa',
    idempotencyKey: 'order-4',
  });
  const refund = await stripe.refund({ chargeId: charge.id, amount: 1500, idempotencyKey: 'refund-4' });
  assert.match(refund.id, /^re_/);
  assert.deepEqual({ ...refund, id: 'x' }, { id: 'x', status: 'succeeded', amount: 1500, currency: 'USD' });
  const sent = fake.requests.at(-1);
  assert.ok(sent);
  assert.equal(sent.path, '/v1/refunds');
  assert.equal(sent.headers['idempotency-key'], 'refund-4');
  assert.deepEqual(sent.form, { payment_intent: charge.id, amount: '1500' });

  await assert.rejects(
    stripe.refund({ chargeId: charge.id, amount: 501, idempotencyKey: 'refund-4b' }),
    RefundExceedsCharge,
  );
  const rest = await stripe.refund({ chargeId: charge.id, idempotencyKey: 'refund-4c' });
  assert.equal(rest.amount, 500);
  assert.equal(fake.requests.at(-1)?.form.amount, undefined);
});

test('a wrong secret key is PaymentFailed, never a decline', async () => {
  const wrong = new StripeProcessor({ secretKey: 'not-a-key', apiBase: fake.url, maxNetworkRetries: 0 });
  await assert.rejects(
    wrong.charge({ amount: 100, currency: 'USD', paymentMethod: 'pm_card_visa', idempotencyKey: 'order-5' }),
    PaymentFailed,
  );
});
