import { DomainError } from '../lib/domain-error.ts';

/** The `Idempotency-Key` header is not 1–255 printable ASCII characters. */
export class IdempotencyKeyInvalid extends DomainError {
  constructor() {
    super(
      'invalid_idempotency_key',
      'invalid_input',
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters.',
    );
  }
}

/** Products.md §0: the same key with another body (or on another endpoint) within 24 h. */
export class IdempotencyKeyReused extends DomainError {
  constructor() {
    super(
      'idempotency_key_reused',
      'conflict',
      'This Idempotency-Key was already used with another request. Use a new key for a new request.',
    );
  }
}

/** The first request with this key is still running: retry once it has answered. */
export class IdempotencyKeyInUse extends DomainError {
  constructor() {
    super(
      'idempotency_key_in_use',
      'conflict',
      'A request with this Idempotency-Key is still being processed. Retry once it has answered.',
    );
  }
}
