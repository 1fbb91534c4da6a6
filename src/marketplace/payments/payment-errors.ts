import { DomainError } from '../../lib/domain-error.ts';

/**
 * The errors a `PaymentProcessor` throws, the same from every implementation (products.md §1,
 * Payments). Messages may be shown to the renter; causes stay in the logs.
 */

/**
 * The processor refused the payment (products.md §1, Book: `402 payment_declined`, nothing held).
 * Carries the processor's own words, as Stripe gives them on a `card_error`.
 */
export class PaymentDeclined extends DomainError {
  /** Stripe's error `code`: `card_declined`, `expired_card`, `incorrect_cvc`, `authentication_required`… */
  readonly processorCode: string;
  /** Stripe's `decline_code` when the issuer gave one: `generic_decline`, `insufficient_funds`… */
  readonly declineCode: string | undefined;

  constructor(
    processorCode: string,
    declineCode: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('payment_declined', 'payment_required', message, options);
    this.processorCode = processorCode;
    this.declineCode = declineCode;
  }
}

/** The processor failed or answered badly (an outage, a 5xx, a refused key): nothing is known to be charged. */
export class PaymentFailed extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('payment_failed', 'upstream_failed', message, options);
  }
}

/** The payment method is not one the processor knows (the simulator: not a Stripe test method). */
export class InvalidPaymentMethod extends DomainError {
  readonly paymentMethod: string;

  constructor(paymentMethod: string, options?: { cause?: unknown }) {
    super('invalid_payment_method', 'invalid_input', `No such payment method: ${paymentMethod}`, options);
    this.paymentMethod = paymentMethod;
  }
}

/** An amount that is not a positive whole number of minor units, or a currency that is no ISO 4217 code. */
export class InvalidPaymentAmount extends DomainError {
  constructor(message: string) {
    super('invalid_amount', 'invalid_input', message);
  }
}

/** A refund asked for more than the charge has left to refund. */
export class RefundExceedsCharge extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('refund_exceeds_charge', 'conflict', message, options);
  }
}

/** A refund of a charge the processor does not know. */
export class ChargeNotFound extends DomainError {
  constructor(chargeId: string, options?: { cause?: unknown }) {
    super('charge_not_found', 'not_found', `No such charge: ${chargeId}`, options);
  }
}

/** An idempotency key sent again with a different request (products.md §0, Idempotency). */
export class PaymentIdempotencyKeyReused extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(
      'idempotency_key_reused',
      'conflict',
      'This idempotency key was used with a different payment request',
      options,
    );
  }
}
