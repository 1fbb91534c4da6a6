import Stripe from 'stripe';
import { checkChargeRequest, checkMinorUnits } from './check-charge-request.ts';
import {
  ChargeNotFound,
  InvalidPaymentMethod,
  PaymentDeclined,
  PaymentFailed,
  PaymentIdempotencyKeyReused,
  RefundExceedsCharge,
} from './payment-errors.ts';
import type { Charge, ChargeRequest, PaymentProcessor, Refund, RefundRequest } from './payment-processor.ts';

export interface StripeProcessorOptions {
  /** The secret key (`sk_live_…`, `sk_test_…` or a restricted `rk_…`): `PARQEX_STRIPE_SECRET_KEY`. */
  readonly secretKey: string;
  /**
   * Where the API is, default `https://api.stripe.com`: the tests point it at a local fake
   * (`http://127.0.0.1:<port>`). Given to the SDK as its `protocol`, `host` and `port`.
   */
  readonly apiBase?: string;
  /**
   * How often the SDK retries a request that failed on the network, a 409 lock or a 5xx, default 1.
   * Safe: every request carries an idempotency key, so a retry never charges twice. Tests pass 0.
   */
  readonly maxNetworkRetries?: number;
  /** Milliseconds before the SDK gives up on a request, default 30 000. */
  readonly timeoutMs?: number;
}

/**
 * Stripe through its official SDK (products.md §1, Payments): a charge is a PaymentIntent created
 * and confirmed at once, a refund a Refund of that PaymentIntent. `Charge.id` is the PaymentIntent
 * id (`pi_…`). Stripe's `card_error` (HTTP 402) becomes `PaymentDeclined` with the decline code;
 * any other failure `PaymentFailed`, except the few the port names (an unknown payment method, a
 * refund over what is left, an unknown charge, a reused idempotency key).
 */
export class StripeProcessor implements PaymentProcessor {
  readonly name = 'stripe';
  readonly #stripe: Stripe;

  constructor(options: StripeProcessorOptions) {
    const base = new URL(options.apiBase ?? 'https://api.stripe.com');
    this.#stripe = new Stripe(options.secretKey, {
      protocol: base.protocol === 'http:' ? 'http' : 'https',
      host: base.hostname,
      port: base.port || (base.protocol === 'http:' ? 80 : 443),
      maxNetworkRetries: options.maxNetworkRetries ?? 1,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      appInfo: { name: 'ParqEx' },
    });
  }

  async charge(request: ChargeRequest): Promise<Charge> {
    checkChargeRequest(request);
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.#stripe.paymentIntents.create(
        {
          amount: request.amount,
          // Stripe API reference, PaymentIntents: currency is a lower-case ISO code.
          currency: request.currency.toLowerCase(),
          payment_method: request.paymentMethod,
          confirm: true,
          // Card payments confirmed on the server: no method that would need a redirect (and a return_url).
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          ...(request.description === undefined ? {} : { description: request.description }),
          ...(request.metadata === undefined ? {} : { metadata: { ...request.metadata } }),
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      throw chargeError(error, request.paymentMethod);
    }
    if (intent.status === 'requires_action') {
      // The card wants 3-D Secure, which a server-confirmed payment cannot do: declined, nothing held.
      throw new PaymentDeclined('authentication_required', undefined, 'This card requires authentication.');
    }
    if (intent.status !== 'succeeded') {
      throw new PaymentFailed(`Stripe left the payment ${intent.id} ${intent.status}`);
    }
    return {
      id: intent.id,
      status: 'succeeded',
      amount: intent.amount,
      currency: intent.currency.toUpperCase(),
    };
  }

  async refund(request: RefundRequest): Promise<Refund> {
    if (request.amount !== undefined) checkMinorUnits(request.amount);
    let refund: Stripe.Refund;
    try {
      refund = await this.#stripe.refunds.create(
        {
          payment_intent: request.chargeId,
          ...(request.amount === undefined ? {} : { amount: request.amount }),
        },
        { idempotencyKey: request.idempotencyKey },
      );
    } catch (error) {
      throw refundError(error, request.chargeId);
    }
    if (refund.status !== 'succeeded' && refund.status !== 'pending') {
      throw new PaymentFailed(`Stripe answered the refund ${refund.id} ${refund.status}`);
    }
    return {
      id: refund.id,
      status: refund.status,
      amount: refund.amount,
      currency: refund.currency.toUpperCase(),
    };
  }
}

/** Stripe API reference, Errors: `card_error` is a decline (402); the rest is ours or Stripe's failure. */
function chargeError(error: unknown, paymentMethod: string): Error {
  if (!(error instanceof Stripe.errors.StripeError))
    return new PaymentFailed('Stripe could not be asked', { cause: error });
  if (error instanceof Stripe.errors.StripeCardError) {
    return new PaymentDeclined(error.code ?? 'card_declined', error.decline_code, stripeMessage(error), {
      cause: error,
    });
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.param === 'payment_method') {
    return new InvalidPaymentMethod(paymentMethod, { cause: error });
  }
  return common(error);
}

function refundError(error: unknown, chargeId: string): Error {
  if (!(error instanceof Stripe.errors.StripeError))
    return new PaymentFailed('Stripe could not be asked', { cause: error });
  if (error instanceof Stripe.errors.StripeInvalidRequestError) {
    // Stripe API reference, Error codes: a refund over what is left, or of a refunded charge.
    if (error.code === 'amount_too_large' || error.code === 'charge_already_refunded') {
      return new RefundExceedsCharge(stripeMessage(error), { cause: error });
    }
    if (error.code === 'resource_missing' && error.param === 'payment_intent') {
      return new ChargeNotFound(chargeId, { cause: error });
    }
  }
  return common(error);
}

function common(error: InstanceType<typeof Stripe.errors.StripeError>): Error {
  if (error instanceof Stripe.errors.StripeIdempotencyError)
    return new PaymentIdempotencyKeyReused({ cause: error });
  return new PaymentFailed(
    `Stripe failed: ${error.type}${error.statusCode ? ` (HTTP ${error.statusCode})` : ''}`,
    {
      cause: error,
    },
  );
}

/** Stripe's own message, for the renter (the SDK puts its request id in front; the cause keeps it). */
function stripeMessage(error: InstanceType<typeof Stripe.errors.StripeError>): string {
  const raw = error.raw as { message?: unknown } | undefined;
  return typeof raw?.message === 'string' ? raw.message : error.message;
}
