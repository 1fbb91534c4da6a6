import { NotListingsAdmin } from '../../../marketplace/errors.ts';
import type { AuthContext } from '../../../oauth/bearer.ts';
import type { ApiDeps } from '../api-deps.ts';
import { API_SECURITY, type ApiRoute, type ResponseDoc, type Security } from '../define-route.ts';
import { apiFailures, BEARER_CHALLENGE, json, refused } from '../response-docs.ts';
import { apiError } from '../wire-examples.ts';
import { ApiErrors } from '../wire-schemas.ts';

/**
 * What the owners' endpoints share (products.md §0, §1): the `LISTINGS` scope, the account's Admin
 * only — a User is refused before the input is even read — and their documented failures.
 */

const NOT_ADMIN = new NotListingsAdmin();

/** products.md §0: `LISTINGS` is the Admin's; anyone else → 403 `forbidden`. */
export async function admitListingsAdmin(_ctx: ApiDeps, auth: AuthContext): Promise<void> {
  if (auth.role !== 'admin') throw new NotListingsAdmin();
}

export const OWNER_ROLE =
  'Needs the `LISTINGS` scope and the account’s Admin; another account’s property or listing is reported as not found (404) and nothing is written.';

const LISTINGS_SECURITY: Security = [{ [API_SECURITY.oauth]: ['LISTINGS'] }, { [API_SECURITY.bearer]: [] }];

export const OWNER = {
  tags: ['Marketplace: owners'],
  security: LISTINGS_SECURITY,
  scopes: ['LISTINGS'] as const,
  admit: admitListingsAdmin,
} satisfies Partial<ApiRoute>;

/** 403: the token lacks `LISTINGS`, or its person is not the account's Admin. */
export const OWNER_FORBIDDEN: ResponseDoc = json(
  'The token lacks the `LISTINGS` scope (with `WWW-Authenticate: Bearer …, error="insufficient_scope"`), or its person is not the account’s Admin.',
  ApiErrors,
  {
    insufficientScope: {
      summary: 'No LISTINGS scope',
      value: apiError('insufficient_scope', 'this action needs the LISTINGS scope'),
    },
    notAdmin: { summary: 'Not the Admin', value: apiError(NOT_ADMIN.code, NOT_ADMIN.message) },
  },
  BEARER_CHALLENGE,
);

/** The failures every owners' endpoint can answer. */
export function ownerFailures() {
  return { ...apiFailures(), 403: OWNER_FORBIDDEN };
}

export const PROPERTY_NOT_FOUND = refused(
  'No such property in your account (another account’s is not found either).',
  'Unknown property',
  'property_not_found',
  'no property with the id 5a1d3c9e7b2f4e6a8c0d1f3b5e7a9c2d',
);

export const LISTING_NOT_FOUND = refused(
  'No such listing in your account (another account’s is not found either).',
  'Unknown listing',
  'listing_not_found',
  'no listing with the id 9e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f',
);
