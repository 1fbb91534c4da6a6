import type { KeyObject } from 'node:crypto';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../storage/schema.ts';
import type { PaymentProcessor } from './payments/payment-processor.ts';

/**
 * What the Marketplace's services work with (products.md §1). The composition root's context
 * satisfies it; routes, pages and commands pass it on.
 */
export interface MarketplaceDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The simulated processor unless `PARQEX_STRIPE_SECRET_KEY` is set. */
  readonly payments: PaymentProcessor;
  /** `PARQEX_SERVICE_FEE_PERCENT` (0 = no fee line). */
  readonly serviceFeePercent: number;
  /** Signs quote ids (quote-tokens.ts): `quoteKey(<the server's secret key>)`. */
  readonly quoteKey: KeyObject;
  /** `PARQEX_BOOKING_GRACE_MINUTES` in milliseconds: a booking's grant runs this long before and after its window. */
  readonly bookingGraceMs: number;
}
