import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A quote's id is the quote itself, signed (products.md §1: quotes valid 10 minutes). Search gives
 * up to 50 quotes per request; writing each as a row would make every search a write of 50 rows.
 * Instead the id carries what was quoted — listing, person, plan, window, currency, the lines'
 * amounts and the expiry — under an HMAC-SHA256 of the server's key, checked in constant time when
 * it is booked. A forged, altered or truncated id, or another person's, is no quote
 * (`quote_not_found`); a booking stores the id's digest, unique, so a quote books at most once.
 *
 * Form: `q1.<base64url JSON payload>.<base64url MAC>`; the MAC covers `q1.<payload>`. The payload
 * ends with a random nonce: two quotes of the same window at the same instant are two quotes (a
 * renter may book two spaces of a pool), each booking once.
 */

export interface QuoteClaims {
  listingId: string;
  userId: string;
  plan: 'hourly' | 'monthly';
  startsAt: number;
  endsAt: number;
  currency: string;
  /** The amounts of the lines, in order: the parking line, then the service fee when there is one. */
  amounts: number[];
  expiresAt: number;
}

const VERSION = 'q1';
/** Longer ids are refused before any work: a real one is about 250 characters. */
export const MAX_QUOTE_ID_LENGTH = 1024;

/**
 * A key of its own for quotes, derived from the server's secret key. A `KeyObject`, made once: an
 * HMAC keyed with a raw Buffer imports the key again on every call (a fifth of the time of a 50-result
 * search went there; with the KeyObject an HMAC costs a fifth as much).
 */
export function quoteKey(secretKey: string): KeyObject {
  return createSecretKey(createHmac('sha256', secretKey).update('parqex quote tokens v1').digest());
}

function mac(key: KeyObject, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

const NONCE_BYTES = 9;
let nonces = Buffer.alloc(0);
let noncesUsed = 0;

/** 72 random bits, cut from a pool refilled 4 KiB at a time (one `randomBytes` per 455 quotes). */
function nonce(): string {
  if (noncesUsed + NONCE_BYTES > nonces.length) {
    nonces = randomBytes(4095);
    noncesUsed = 0;
  }
  const slice = nonces.subarray(noncesUsed, noncesUsed + NONCE_BYTES);
  noncesUsed += NONCE_BYTES;
  return slice.toString('base64url');
}

export function signQuote(key: KeyObject, claims: QuoteClaims): string {
  const payload = Buffer.from(
    JSON.stringify([
      claims.listingId,
      claims.userId,
      claims.plan === 'monthly' ? 'm' : 'h',
      claims.startsAt,
      claims.endsAt,
      claims.currency,
      claims.amounts,
      claims.expiresAt,
      nonce(),
    ]),
  ).toString('base64url');
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The claims of a genuine quote id, or undefined for anything else (expiry is the caller's check). */
export function verifyQuote(key: KeyObject, id: string): QuoteClaims | undefined {
  if (typeof id !== 'string' || id.length > MAX_QUOTE_ID_LENGTH) return undefined;
  const parts = id.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return undefined;
  // Compared as text: base64url's spare bits would let two spellings decode to the same MAC.
  const given = Buffer.from(parts[2]!);
  const expected = Buffer.from(mac(key, `${parts[0]}.${parts[1]}`).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 9) return undefined;
  const [listingId, userId, plan, startsAt, endsAt, currency, amounts, expiresAt] = fields;
  if (
    typeof listingId !== 'string' ||
    typeof userId !== 'string' ||
    (plan !== 'h' && plan !== 'm') ||
    !isInt(startsAt) ||
    !isInt(endsAt) ||
    typeof currency !== 'string' ||
    !Array.isArray(amounts) ||
    !amounts.every(isInt) ||
    !isInt(expiresAt)
  )
    return undefined;
  return {
    listingId,
    userId,
    plan: plan === 'm' ? 'monthly' : 'hourly',
    startsAt,
    endsAt,
    currency,
    amounts: amounts as number[],
    expiresAt,
  };
}
