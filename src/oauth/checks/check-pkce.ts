import { createHash } from 'node:crypto';
import { safeEqual } from '../../lib/crypto.ts';
import { InvalidGrant, InvalidRequest } from '../errors.ts';

// RFC 7636 §4.1 / §4.2: 43–128 characters of the unreserved set.
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Authorization request: returns the S256 challenge to store, or undefined when PKCE is not used. */
export function checkPkceChallenge(
  challenge: string | undefined,
  method: string | undefined,
  isPublicClient: boolean,
): string | undefined {
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    // RFC 9700 §2.1.1: public clients must use PKCE.
    if (isPublicClient) throw new InvalidRequest('this client must use PKCE: send code_challenge with S256');
    return undefined;
  }
  // Decision: S256 only (RFC 9700 §2.1.1 discourages plain); an absent method means plain (RFC 7636 §4.3).
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!PKCE_VALUE.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
  return challenge;
}

/** Token request: the verifier must match the stored challenge; a code issued without one accepts none. */
export function checkPkceVerifier(storedChallenge: string | null, verifier: string | undefined): void {
  if (storedChallenge === null) {
    // RFC 9700 §4.8.2: a verifier for a code issued without a challenge is a downgrade attempt.
    if (verifier !== undefined) throw new InvalidGrant('code_verifier sent for a code issued without PKCE');
    return;
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required for this code');
  if (!PKCE_VALUE.test(verifier)) throw new InvalidGrant('code_verifier is malformed');
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  if (!safeEqual(computed, storedChallenge))
    throw new InvalidGrant('code_verifier does not match the code_challenge');
}
