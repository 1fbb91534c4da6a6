/**
 * The one base of every domain error: a stable `code` (snake_case, sent to clients as is) and a
 * `kind` that says what went wrong in terms any edge understands. Domain errors know nothing about
 * HTTP: `statusOfKind` (the one table) turns a kind into a status at the edge, and the three
 * renderers (OAuth JSON, the documented `{"errors":[…]}` envelope, an HTML page) draw from it.
 *
 * Wrap a lower-level failure with `{ cause }` so logs keep the original stack.
 */
export type ErrorKind =
  /** The input is malformed or breaks a rule (400). */
  | 'invalid_input'
  /** No credentials, or they are wrong (401). */
  | 'unauthenticated'
  /** The payment did not go through, e.g. a declined card: nothing was charged (402). */
  | 'payment_required'
  /** Known caller, not allowed (403). */
  | 'forbidden'
  /** Missing — or another account's, which is the same thing to the caller (404). */
  | 'not_found'
  /** The request clashes with the current state: already done, taken, reused key (409). */
  | 'conflict'
  /** Existed once and is gone for good (410). */
  | 'gone'
  /** Well-formed, but the rules of the thing asked for refuse it, e.g. a booking outside opening hours (422). */
  | 'unprocessable'
  /** A precondition of the world is not met, e.g. no paired sensor (428). */
  | 'precondition_required'
  /** Too many, too soon (429). */
  | 'rate_limited'
  /** The server cannot do this kind of thing (501). */
  | 'not_implemented'
  /** A device or service we depend on answered badly (502). */
  | 'upstream_failed'
  /** A device or service we depend on cannot be reached now (503). */
  | 'unavailable';

const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  precondition_required: 428,
  rate_limited: 429,
  not_implemented: 501,
  upstream_failed: 502,
  unavailable: 503,
};

/** The one table from kind to HTTP status. */
export function statusOfKind(kind: ErrorKind): number {
  return STATUS_OF_KIND[kind];
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;

  constructor(code: string, kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.kind = kind;
    this.name = new.target.name;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
