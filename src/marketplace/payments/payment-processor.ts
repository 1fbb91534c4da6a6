import type { Money } from '../../lib/money.ts';
/**
 * The payment port (products.md §1, Payments): what bookings and cancellations need from a payment
 * processor, and nothing more. Card data never touches ParqEx: a charge names a payment method
 * the processor already holds (Stripe: a PaymentMethod id such as `pm_card_visa`).
 *
 * Money is integers in minor units + an ISO 4217 currency in upper case (products.md §0, Money):
 * `amount: 1250, currency: 'USD'` is $12.50. Never floating point.
 *
 * Errors (payment-errors.ts), the same from every implementation:
 * - `PaymentDeclined` (`payment_declined`, kind `payment_required` → 402) carrying the processor's
 *   decline code and message: nothing was charged or held.
 * - `PaymentFailed` (`payment_failed`, kind `upstream_failed` → 502) wrapping the cause: the
 *   processor failed; retrying with the same idempotency key is safe.
 * - `InvalidPaymentMethod` (`invalid_payment_method`), `InvalidPaymentAmount` (`invalid_amount`),
 *   `RefundExceedsCharge` (`refund_exceeds_charge`), `ChargeNotFound` (`charge_not_found`),
 *   `PaymentIdempotencyKeyReused` (`idempotency_key_reused`).
 */
export interface PaymentProcessor {
  /** Which processor this is, for pages and the README: `simulated` (test mode) or `stripe`. */
  readonly name: 'simulated' | 'stripe';

  /**
   * Charges `amount` of `currency` to `paymentMethod` at once (authorised and captured).
   *
   * Resolves to the charge when the money was taken; throws `PaymentDeclined` when the processor
   * refused it (nothing charged) and `PaymentFailed` when the processor could not be asked or
   * answered badly. The same `idempotencyKey` with the same request returns the same charge (or
   * the same decline) and never charges twice (products.md §0, Idempotency); with a different
   * request it throws `PaymentIdempotencyKeyReused`.
   */
  charge(request: ChargeRequest): Promise<Charge>;

  /**
   * Refunds `amount` (default: all that is left) of the charge `chargeId`, in the charge's
   * currency. Throws `RefundExceedsCharge` when more is asked than is left, `ChargeNotFound` for
   * an unknown charge, `PaymentFailed` when the processor failed. The same `idempotencyKey`
   * returns the same refund and never refunds twice.
   */
  refund(request: RefundRequest): Promise<Refund>;
}

/** The amount is a Money (`lib/money.ts`): minor units (here a positive whole number) + ISO 4217. */
export interface ChargeRequest extends Money {
  /** The processor's payment method id (`pm_…`). */
  readonly paymentMethod: string;
  /** One per payment attempt (e.g. the order id): a retry with it is never a second charge. */
  readonly idempotencyKey: string;
  /** Shown on the renter's statement and the processor's dashboard. */
  readonly description?: string;
  /** Kept with the charge at the processor (e.g. `{order_id, booking_id}`); strings only. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface Charge {
  /** The processor's reference, what `refund` takes: Stripe's PaymentIntent id `pi_…`, the simulator's `ch_sim_…`. */
  readonly id: string;
  readonly status: 'succeeded';
  /** What was charged. */
  readonly amount: Money['amount'];
  readonly currency: Money['currency'];
}

export interface RefundRequest {
  /** A `Charge.id`. */
  readonly chargeId: string;
  /** Minor units in the charge's currency; omitted = everything not yet refunded. */
  readonly amount?: number;
  /** One per refund (e.g. `refund:<booking id>`): a retry with it is never a second refund. */
  readonly idempotencyKey: string;
}

export interface Refund {
  /** The processor's reference: Stripe's `re_…`, the simulator's `re_sim_…`. */
  readonly id: string;
  /**
   * `succeeded`: the money is back. Stripe may also answer `pending` (accepted, on its way, as
   * some card networks settle later); both mean the refund is recorded and will not fail for a
   * reason ParqEx could act on.
   */
  readonly status: 'succeeded' | 'pending';
  /** What was refunded. */
  readonly amount: Money['amount'];
  readonly currency: Money['currency'];
}
