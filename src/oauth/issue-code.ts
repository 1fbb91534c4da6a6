import { randomToken, sha256, uuid } from '../lib/crypto.ts';
import { buildRedirect } from './authorization-request.ts';
import type { OAuthStore } from './ports.ts';
import type { Scope } from './scopes.ts';

export interface ApprovedAuthorization {
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: Scope[];
  rawState: string | undefined;
  codeChallenge: string | undefined;
}

/**
 * The user approved (now or earlier): a new grant and its code, and where to send the browser.
 * Codes carry 256 random bits, are stored hashed and expire after `codeTtlS` (RFC 6749 §4.1.2).
 */
export async function issueCode(
  store: OAuthStore,
  approved: ApprovedAuthorization,
  now: number,
  settings: { codeTtlS: number; issuer: string },
): Promise<string> {
  const code = randomToken();
  const grantId = uuid();
  await store.transaction(async (trx) => {
    await trx.createGrant({
      id: grantId,
      userId: approved.userId,
      clientId: approved.clientId,
      scopes: approved.scopes,
      now,
    });
    await trx.saveCode({
      codeHash: sha256(code),
      grantId,
      clientId: approved.clientId,
      userId: approved.userId,
      redirectUri: approved.redirectUri,
      scopes: approved.scopes,
      codeChallenge: approved.codeChallenge ?? null,
      createdAt: now,
      expiresAt: now + settings.codeTtlS * 1000,
    });
  });
  return buildRedirect(approved.redirectUri, [
    ['code', code],
    ['state', approved.rawState],
    ['iss', encodeURIComponent(settings.issuer)],
  ]);
}
