import { InvalidScope } from './errors.ts';

/**
 * The documented scopes (ParqEx docs, Step 1), then the products' (products.md §0): `BOOKINGS`
 * (search, quote, book, cancel, one's own bookings and orders), `LISTINGS` (the account's
 * properties, listings, their bookings and earnings — the Admin only), `GUESTS` (guest passes).
 */
export const SCOPES = ['OPENDOOR', 'CLOSEDOOR', 'BOOKINGS', 'LISTINGS', 'GUESTS'] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope lets an application do, in plain words for the consent page. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  OPENDOOR: 'Open your doors and gates',
  CLOSEDOOR: 'Close your doors and gates',
  BOOKINGS:
    'Find and book parking for you, pay with the card you choose, cancel your bookings, and see your bookings and receipts',
  LISTINGS: "Manage your account's parking properties and listings, and see their bookings and earnings",
  GUESTS:
    'Invite guests: create guest passes that let them through your doors for a time, change their times, see and revoke them',
};

function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * ParqEx docs, Step 1: `scope` is comma-separated and case-insensitive (`opendoor,closedoor`).
 * RFC 6749 §3.3 separates with spaces; both and any mix are accepted. Returns canonical, ordered scopes.
 */
export function parseScopes(raw: string | undefined): Scope[] {
  const found = new Set<Scope>();
  for (const part of (raw ?? '').split(/[\s,]+/)) {
    if (part === '') continue;
    const upper = part.toUpperCase();
    if (!isScope(upper))
      throw new InvalidScope(`unknown scope "${part}"; known scopes: ${SCOPES.join(', ')}`);
    found.add(upper);
  }
  return SCOPES.filter((s) => found.has(s));
}

/** The canonical form returned in token responses and stored: upper-case, space-separated. */
export function formatScopes(scopes: readonly string[]): string {
  return SCOPES.filter((s) => scopes.includes(s)).join(' ');
}

/** Stored scopes back to a list. */
export function storedScopes(stored: string): Scope[] {
  return stored.split(' ').filter(isScope);
}

/** Every scope in either list, once, in canonical order. */
export function unionScopes(a: readonly string[], b: readonly string[]): Scope[] {
  return SCOPES.filter((s) => a.includes(s) || b.includes(s));
}

export function includesAll(granted: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((s) => granted.includes(s));
}
