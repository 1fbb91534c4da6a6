/**
 * Random ids and tokens in bulk, in exactly the forms of src/lib/crypto.ts (`hexId`: 16 bytes as
 * hex; `randomToken`: 32 bytes as base64url), cut from large random buffers: one `randomBytes`
 * call per 64 KiB instead of one per value (a fifth of the seeding time otherwise).
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 64 * 1024;

export class RandomPool {
  #pool = randomBytes(POOL_BYTES);
  #used = 0;

  #take(bytes: number): Buffer {
    if (this.#used + bytes > this.#pool.length) {
      this.#pool = randomBytes(POOL_BYTES);
      this.#used = 0;
    }
    const slice = this.#pool.subarray(this.#used, this.#used + bytes);
    this.#used += bytes;
    return slice;
  }

  /** Like `hexId()`: 32 lower-case hex characters. */
  hexId(): string {
    return this.#take(16).toString('hex');
  }

  /** Like `randomToken()`: 256 bits, base64url. */
  token(): string {
    return this.#take(32).toString('base64url');
  }
}
