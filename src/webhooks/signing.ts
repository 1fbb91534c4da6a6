/**
 * Standard Webhooks signing, symmetric scheme (spec v1.0.0, standardwebhooks.com, "Signature scheme"):
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")>`, where
 * the key is the base64 part of a `whsec_…` secret. ParqEx API spec §6 adopts it beside the API-key header.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../lib/domain-error.ts';

const SECRET_PREFIX = 'whsec_';
// Standard Webhooks, "Signature scheme" table: a symmetric secret is random, at least 24 bytes (192 bits)
// and at most 64 bytes (512 bits).
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A signing secret that cannot be used: a configuration or storage fault, never a receiver's doing. */
export class InvalidSigningSecret extends DomainError {
  constructor(message: string) {
    super('invalid_signing_secret', 'invalid_input', message);
  }
}

/** A fresh endpoint secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks: 24 to 64 bytes). */
export function newSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * The `webhook-signature` value for one attempt. `timestampS` is the attempt's time in epoch seconds
 * (Standard Webhooks, "Webhook metadata": it changes on every retry, `id` does not). Throws
 * `InvalidSigningSecret` for a malformed secret.
 */
export function signWebhook(secret: string, id: string, timestampS: number, body: string): string {
  const key = decodeSecret(secret);
  // Standard Webhooks, "Signature scheme": the id and timestamp must not contain `.`, or one signed
  // content could be read as another split.
  if (id === '' || id.includes('.')) {
    throw new Error(`webhook id ${JSON.stringify(id)} must be non-empty, without "."`);
  }
  // Standard Webhooks, "Webhook headers": webhook-timestamp is an integer Unix timestamp in seconds.
  if (!Number.isSafeInteger(timestampS) || timestampS < 0) {
    throw new Error(`webhook timestamp ${timestampS} must be a whole, non-negative number of epoch seconds`);
  }
  return `v1,${hmac(key, id, String(timestampS), body)}`;
}

/**
 * Verifies a delivery the way a receiver should (Standard Webhooks, "Verifying signatures"): the
 * timestamp lies within `toleranceS` of `nowS` either way, and at least one of the space-separated
 * `v1,` signatures matches in constant time. Other schemes (`v1a,` …) in the header are ignored.
 * Returns false for anything a sender could have got wrong; throws `InvalidSigningSecret` only for the
 * receiver's own malformed secret.
 */
export function verifyWebhook(
  secret: string,
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string },
  body: string,
  nowS: number,
  toleranceS = 300,
): boolean {
  const key = decodeSecret(secret);
  if (!Number.isFinite(nowS) || !(toleranceS >= 0)) {
    throw new Error('nowS and toleranceS must be numbers of seconds');
  }
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (id === '' || !/^[0-9]{1,15}$/.test(timestamp)) return false;
  // Standard Webhooks, "Verifying signatures": refuse timestamps outside the tolerance (replay protection),
  // in the future as well as the past.
  if (Math.abs(nowS - Number(timestamp)) > toleranceS) return false;

  const expected = Buffer.from(hmac(key, id, timestamp, body), 'utf8');
  let matched = false;
  // Standard Webhooks, "Webhook headers": a space-delimited list, so a secret can be rotated without
  // downtime. Every entry is compared, so the time taken does not depend on which one matched.
  for (const entry of signatures.split(' ')) {
    if (!entry.startsWith('v1,')) continue;
    const candidate = Buffer.from(entry.slice(3), 'utf8');
    // Standard Webhooks, "Verifying signatures": constant-time comparison. The length of a v1 signature
    // is public (44 base64 characters), so checking it first leaks nothing.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

function hmac(key: Buffer, id: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
}

function decodeSecret(secret: string): Buffer {
  if (typeof secret !== 'string' || !secret.startsWith(SECRET_PREFIX)) {
    throw new InvalidSigningSecret(`a webhook signing secret must start with "${SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  // Buffer.from(…, 'base64') skips characters it does not know; insist on canonical base64 instead, so a
  // truncated or mangled secret fails loudly rather than signing with a different key.
  if (encoded === '' || !CANONICAL_BASE64.test(encoded)) {
    throw new InvalidSigningSecret(`a webhook signing secret must be "${SECRET_PREFIX}" followed by base64`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidSigningSecret(
      `a webhook signing secret must hold ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, not ${key.length}`,
    );
  }
  return key;
}
