import { type DomainError, isDomainError, statusOfKind } from '../../lib/domain-error.ts';
import type { Actor } from '../../marketplace/records.ts';
import type { SignedIn } from '../signed-in.ts';

export function actorOf(web: SignedIn): Actor {
  return { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
}

/** The person's words for a Marketplace refusal, by its stable code; else its own message. */
const WORDS: Record<string, string> = {
  invalid_window: 'The end must be after the start.',
  invalid_time: 'Give a date and a time for the start and the end.',
  nonexistent_local_time:
    'That time does not exist there: the clocks skip it for daylight saving time. Choose another time.',
  window_in_past: 'That stay starts in the past. Choose a later start.',
  outside_opening_hours: 'This parking is not open for the whole stay. Check its opening hours.',
  unavailable: 'This parking is taken for those times. Choose other times or another place.',
  price_changed: 'The price changed since you saw it. Here is the new price: check it, then pay again.',
  quote_expired: 'The price we held for you expired. Here is the price now: check it, then pay again.',
  quote_not_found: 'The price we held for you is no longer there. Here is the price now.',
  quote_already_used: 'This price was already used for a booking: see My bookings.',
  payment_declined: 'Your card was declined. Nothing was charged and nothing was booked. Try another card.',
  payment_failed:
    'The payment could not be completed: the payment processor did not answer. Nothing was booked. Please try again.',
  invalid_payment_method: 'Choose a payment method.',
  no_rate_for_window: 'This parking is only rented by the month.',
  no_monthly_rate: 'This parking is not rented by the month.',
  already_cancelled: 'This booking was already cancelled.',
  booking_completed: 'This booking is over: there is nothing left to cancel.',
  booking_not_cancellable: 'This booking can no longer be cancelled.',
  door_not_found: 'Choose gates among your account’s doors.',
};

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A refusal a page shows in place (a form's own error); anything else is rethrown. */
export interface PageRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * A domain refusal a person can act on (input, conflict, payment, gone, unprocessable) as words
 * and a status; `undefined` for anything else (a 404 or 403 keeps its own page, a failure its 500).
 */
export function refusalOf(error: unknown): PageRefusal | undefined {
  if (!isDomainError(error)) return undefined;
  const e = error as DomainError;
  const actionable = [
    'invalid_input',
    'conflict',
    'payment_required',
    'gone',
    'unprocessable',
    'upstream_failed',
  ];
  // A held price that is gone (pruned, or never this person's) is priced again, not a dead end.
  if (!actionable.includes(e.kind) && e.code !== 'quote_not_found') return undefined;
  const words = WORDS[e.code] ?? sentence(e.message);
  return { status: statusOfKind(e.kind), code: e.code, message: words };
}
