import { createHash } from 'node:crypto';
import { checkChargeRequest, checkMinorUnits } from './check-charge-request.ts';
import {
  ChargeNotFound,
  InvalidPaymentMethod,
  PaymentDeclined,
  PaymentIdempotencyKeyReused,
  RefundExceedsCharge,
} from './payment-errors.ts';
import type { Charge, ChargeRequest, PaymentProcessor, Refund, RefundRequest } from './payment-processor.ts';

/**
 * Stripe's test payment methods and what they do (Stripe docs, Testing: "Declined payments").
 * Anything else is refused as an unknown payment method, as Stripe refuses an unknown `pm_…`.
 */
const TEST_METHODS: Readonly<
  Record<string, { code: string; declineCode: string | undefined; message: string } | 'succeeds'>
> = {
  pm_card_visa: 'succeeds',
  pm_card_mastercard: 'succeeds',
  pm_card_chargeDeclined: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  // Stripe answers this one `requires_action` (3-D Secure), which a server-side payment cannot do.
  pm_card_authenticationRequired: {
    code: 'authentication_required',
    declineCode: undefined,
    message: 'This card requires authentication.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

/** `ch_sim_<20 hex of the key's hash>_<amount><currency>`: a charge id says what it charged. */
const CHARGE_ID = /^ch_sim_[0-9a-f]{20}_(\d+)([a-z]{3})$/;

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

/**
 * The default payment processor: Stripe's test mode without Stripe (products.md §1, Payments).
 * Nothing is ever charged; it exists for development, the demo and the tests.
 *
 * - `pm_card_visa`, `pm_card_mastercard` succeed; `pm_card_chargeDeclined` is declined
 *   (`card_declined`, decline code `generic_decline`), `pm_card_chargeDeclinedInsufficientFunds`
 *   too (`card_declined`, `insufficient_funds`), as Stripe answers them;
 *   `pm_card_authenticationRequired` is declined (`authentication_required`); any other method →
 *   `InvalidPaymentMethod`.
 * - Ids are derived, not stored: a charge's id is `ch_sim_<hash of its idempotency key>_<amount>
 *   <currency>` and a refund's `re_sim_<hash of its key>`, so the same key gives the same id in any
 *   process and after a restart, and a refund of any `ch_sim_…` id works anywhere (its limit is
 *   read from the id).
 * - Kept in memory, per process (test mode only, forgotten on restart): the requests seen per
 *   idempotency key (a replay returns the first outcome, a decline included; another request with
 *   the same key → `PaymentIdempotencyKeyReused`) and how much of each charge was refunded (the
 *   limit over several refunds holds within one process).
 */
export class SimulatedProcessor implements PaymentProcessor {
  readonly name = 'simulated';
  readonly #seen = new Map<string, { readonly fingerprint: string; readonly outcome: Outcome<unknown> }>();
  readonly #refunded = new Map<string, number>();

  async charge(request: ChargeRequest): Promise<Charge> {
    const { amount, currency, paymentMethod, description, metadata } = request;
    const fingerprint = ['charge', amount, currency, paymentMethod, description, sorted(metadata)];
    return this.#once(request.idempotencyKey, fingerprint, () => {
      checkChargeRequest(request);
      const method = TEST_METHODS[request.paymentMethod];
      if (method === undefined) throw new InvalidPaymentMethod(request.paymentMethod);
      if (method !== 'succeeds') throw new PaymentDeclined(method.code, method.declineCode, method.message);
      const id = `ch_sim_${hash(request.idempotencyKey)}_${request.amount}${request.currency.toLowerCase()}`;
      return { id, status: 'succeeded', amount: request.amount, currency: request.currency };
    });
  }

  async refund(request: RefundRequest): Promise<Refund> {
    const fingerprint = ['refund', request.chargeId, request.amount];
    return this.#once(request.idempotencyKey, fingerprint, () => {
      const match = CHARGE_ID.exec(request.chargeId);
      if (!match) throw new ChargeNotFound(request.chargeId);
      const charged = Number(match[1]);
      const currency = (match[2] as string).toUpperCase();
      const refunded = this.#refunded.get(request.chargeId) ?? 0;
      const left = charged - refunded;
      const amount = request.amount ?? left;
      if (request.amount !== undefined) checkMinorUnits(request.amount);
      if (left === 0) throw new RefundExceedsCharge(`Charge ${request.chargeId} has already been refunded`);
      if (amount > left) {
        throw new RefundExceedsCharge(
          `Refund amount (${amount}) is greater than what is left of the charge (${left} ${currency})`,
        );
      }
      this.#refunded.set(request.chargeId, refunded + amount);
      return { id: `re_sim_${hash(request.idempotencyKey)}`, status: 'succeeded', amount, currency };
    });
  }

  /** products.md §0, Idempotency: the first outcome of a key, replayed; another request with it refused. */
  #once<T>(key: string, request: readonly unknown[], run: () => T): T {
    const fingerprint = JSON.stringify(request);
    const seen = this.#seen.get(key);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) throw new PaymentIdempotencyKeyReused();
      if (!seen.outcome.ok) throw seen.outcome.error;
      return seen.outcome.value as T;
    }
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: run() };
    } catch (error) {
      outcome = { ok: false, error: error as Error };
    }
    this.#seen.set(key, { fingerprint, outcome });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 20);
}

/** Metadata in key order, so a retry that lists the same metadata otherwise is the same request. */
function sorted(metadata: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
