import { InvalidRequest } from './errors.ts';

/**
 * The ParqEx-docs quirks of the token endpoint, turned into one canonical request. No other file
 * knows them:
 * - ParqEx docs, Step 3: the request is a GET with every parameter in the query string (and a
 *   form Content-Type header with no body).
 * - ParqEx docs, Step 5: `grant_type` appears twice, the first time as `grant_type= authorization_code`;
 *   values are trimmed and the last non-empty one wins.
 * - RFC 6749 §3.2: POST with a form body; parameters may also sit in the query of a POST (Step 5
 *   states no method), and a parameter in both places counts as repeated.
 */
export interface CanonicalTokenRequest {
  grantType: string | undefined;
  /** Every other parameter, single-valued. */
  params: ReadonlyMap<string, string>;
}

export function canonicalTokenRequest(sources: readonly URLSearchParams[]): CanonicalTokenRequest {
  const grantTypes: string[] = [];
  const params = new Map<string, string>();
  for (const source of sources) {
    for (const [name, value] of source) {
      if (name === 'grant_type') {
        grantTypes.push(value.trim());
        continue;
      }
      // RFC 6749 §3.2: parameters must not be included more than once.
      if (params.has(name)) throw new InvalidRequest(`parameter ${name} is repeated`);
      // RFC 6749 §3.2: parameters sent without a value are treated as omitted.
      if (value !== '') params.set(name, value);
    }
  }
  const grantType = grantTypes.filter((v) => v !== '').at(-1);
  return { grantType, params };
}
