import { isCurrencyCode } from '../../lib/money.ts';
import { InvalidPaymentAmount } from './payment-errors.ts';
import type { ChargeRequest } from './payment-processor.ts';

/** products.md §0, Money: a positive whole number of minor units and an ISO 4217 code in upper case. */
export function checkChargeRequest(request: Pick<ChargeRequest, 'amount' | 'currency'>): void {
  checkMinorUnits(request.amount);
  if (!isCurrencyCode(request.currency)) {
    throw new InvalidPaymentAmount(
      `currency must be an ISO 4217 code in upper case, got ${JSON.stringify(request.currency)}`,
    );
  }
}

/** A positive safe integer of minor units, never a fraction. */
export function checkMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidPaymentAmount(`amount must be a positive whole number of minor units, got ${amount}`);
  }
}
