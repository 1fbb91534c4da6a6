import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { createPaymentProcessor } from './create-payment-processor.ts';

test('the simulated processor by default, Stripe when PARQEX_STRIPE_SECRET_KEY is set', () => {
  assert.equal(createPaymentProcessor(loadConfig({})).name, 'simulated');
  assert.equal(
    createPaymentProcessor(loadConfig({ PARQEX_STRIPE_SECRET_KEY: 'sk_test_abc' })).name,
    'stripe',
  );
});
