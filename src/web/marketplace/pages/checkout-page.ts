import type { User, Vehicle } from '../../../accounts/users.ts';
import { html } from '../../../html/html.ts';
import { layout } from '../../../html/layout.ts';
import type { Listing, Property, QuoteView } from '../../../marketplace/records.ts';
import { formatLocalTime, formatMoney, formatWindow } from '../format.ts';
import { addressLine, cancellationLine, csrfField, notices, priceTable } from './parts.ts';

/** The simulated processor's test payment methods (Stripe's names), as the checkout offers them. */
export const TEST_PAYMENT_METHODS = [
  { id: 'pm_card_visa', label: 'Visa 4242 · succeeds' },
  { id: 'pm_card_chargeDeclined', label: 'Visa 0002 · declined' },
] as const;

/** What the renter typed, kept when the booking was refused. */
export interface CheckoutDraft {
  vehicleId: string;
  plate: string;
  paymentMethod: string;
}

/** Checkout: the price, a vehicle (one of theirs or a plate), a payment method, and Pay. */
export function checkoutPage(input: {
  csrfToken: string;
  user: User;
  listing: Listing;
  property: Property;
  quote: QuoteView;
  /** What the window was asked as (naive local times), to price it again after a refusal. */
  starts: string;
  ends: string;
  vehicles: Vehicle[];
  processor: 'simulated' | 'stripe';
  now: number;
  draft?: Partial<CheckoutDraft>;
  error?: string;
  notice?: string;
}): string {
  const { listing, property, quote } = input;
  const draft = input.draft ?? {};
  const vehicleId = draft.vehicleId ?? input.vehicles[0]?.id ?? '';
  const method = draft.paymentMethod ?? 'pm_card_visa';
  const isMonthly = quote.plan === 'monthly';
  return layout(
    'Checkout',
    html`<h1>Checkout</h1>
${notices({ notice: input.notice, error: input.error })}
<section class="card">
<h2>${listing.title}</h2>
<p class="muted">${property.name} · ${addressLine(property.address)}</p>
<p>${isMonthly ? html`Monthly, first month ${formatWindow(quote.startsAt, quote.endsAt, property.timeZone)}; renews each month until you cancel.` : formatWindow(quote.startsAt, quote.endsAt, property.timeZone)}</p>
${priceTable(quote.lines, quote.total)}
<p class="muted">${cancellationLine(listing, { startsAt: quote.startsAt, now: input.now })}</p>
</section>
<section class="card">
<form method="post" action="/parking/checkout">${csrfField(input.csrfToken)}
<input type="hidden" name="listing_id" value="${listing.id}">
<input type="hidden" name="quote_id" value="${quote.id}">
<input type="hidden" name="plan" value="${quote.plan}">
<input type="hidden" name="starts" value="${input.starts}">
<input type="hidden" name="ends" value="${input.ends}">
<input type="hidden" name="final_amount" value="${quote.total.amount}">
<input type="hidden" name="final_currency" value="${quote.total.currency}">
<h2>Vehicle</h2>
${
  input.vehicles.length > 0
    ? html`<label for="vehicle_id">Your vehicle</label>
<select id="vehicle_id" name="vehicle_id">
${input.vehicles.map((v) => html`<option value="${v.id}"${v.id === vehicleId ? html` selected` : ''}>${v.plate}${v.make || v.model ? ` · ${[v.color, v.make, v.model].filter(Boolean).join(' ')}` : ''}</option>`)}
<option value=""${vehicleId === '' ? html` selected` : ''}>Another vehicle (type its plate)</option>
</select>
<label for="plate">Or another plate</label>`
    : html`<label for="plate">Licence plate</label>`
}
<input id="plate" name="plate" type="text" autocomplete="off" maxlength="16" value="${draft.plate ?? ''}">
<p class="muted">The gate's camera and the attendant read this plate.${input.vehicles.length > 0 ? ' A plate typed here is used instead of the vehicle chosen above.' : ''}</p>
<h2>Payment</h2>
${
  input.processor === 'simulated'
    ? html`<p class="badge warn test-mode">Test mode — simulated processor: pm_card_visa / pm_card_chargeDeclined</p>
<label for="payment_method">Card</label>
<select id="payment_method" name="payment_method">${TEST_PAYMENT_METHODS.map((m) => html`<option value="${m.id}"${m.id === method ? html` selected` : ''}>${m.label}</option>`)}</select>`
    : html`<label for="payment_method">Payment method</label>
<input id="payment_method" name="payment_method" type="text" autocomplete="off" required value="${draft.paymentMethod ?? ''}" placeholder="pm_…">
<p class="muted">A Stripe payment method id. Card numbers never reach ParqEx.</p>`
}
<div class="actions"><button type="submit">Pay ${formatMoney(quote.total)}${isMonthly ? ' and book monthly' : ' and book'}</button></div>
<p class="muted">This price is held until ${formatLocalTime(quote.expiresAt, input.user.timeZone)} (${input.user.timeZone}).</p>
</form>
</section>`,
    { nav: { role: input.user.role, current: 'parking' } },
  );
}
