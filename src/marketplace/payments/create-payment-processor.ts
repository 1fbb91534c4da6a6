import type { Config } from '../../config.ts';
import type { PaymentProcessor } from './payment-processor.ts';
import { SimulatedProcessor } from './simulated-processor.ts';
import { StripeProcessor, type StripeProcessorOptions } from './stripe-processor.ts';

/**
 * The payment processor the configuration asks for (products.md §1, Payments): Stripe when
 * `PARQEX_STRIPE_SECRET_KEY` is set, else the simulated processor (Stripe's test mode, nothing
 * charged). `stripe` passes options to the Stripe adapter (the tests' `apiBase`).
 */
export function createPaymentProcessor(
  config: Pick<Config, 'stripeSecretKey'>,
  stripe: Omit<StripeProcessorOptions, 'secretKey'> = {},
): PaymentProcessor {
  if (config.stripeSecretKey === undefined) return new SimulatedProcessor();
  return new StripeProcessor({ ...stripe, secretKey: config.stripeSecretKey });
}
