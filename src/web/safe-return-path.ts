/** Characters a path and query may carry as they are (RFC 3986 §3.3–3.5: pchar, `/`, `?`, `#`, `%`). */
const URL_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]/;

/**
 * Where to send a person after signing in: a path of this site, written so that it can stand in a
 * `Location` header. Anything else — not one string (`?return_to=a&return_to=b`), not starting with
 * one `/` (`//host`, `https://…`), a backslash before the query (`/\host`, which browsers read as
 * `//host`), a control character (CR/LF would split the header; browsers drop tabs and newlines,
 * turning `/\t/host` into `//host`), a lone surrogate — gives `fallback`. What may not stand in a
 * URL as it is (non-ASCII, spaces, `"<>\^`{|}`, a `%` not starting an escape) is percent-encoded as
 * UTF-8 (RFC 3986 §2.1), so the answer is printable ASCII only.
 */
export function safeReturnPath(value: unknown, fallback = '/account'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return fallback;
  // C0 controls, DEL and C1 controls, and the line and paragraph separators.
  if (/[\p{Cc}\u2028\u2029]/u.test(value)) return fallback;
  if (!value.isWellFormed()) return fallback;
  const queryAt = value.search(/[?#]/);
  if ((queryAt < 0 ? value : value.slice(0, queryAt)).includes('\\')) return fallback;
  let safe = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '%' && !/^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) safe += '%25';
    else if (URL_SAFE.test(char)) safe += char;
    else {
      // A character outside the BMP is two UTF-16 units: encode them together.
      const point = value.codePointAt(i)!;
      const whole = String.fromCodePoint(point);
      safe += encodeURIComponent(whole);
      i += whole.length - 1;
    }
  }
  return safe;
}
