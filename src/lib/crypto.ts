import {
  createCipheriv,
  createDecipheriv,
  hash,
  hkdfSync,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';

/** A random opaque token: 256 bits, base64url. Codes and tokens are handed out in this form. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256, hex: how high-entropy values (codes, tokens, client secrets, session ids) are stored. */
export function sha256(value: string): string {
  // The one-shot form: about twice as fast as createHash().update().digest() for short inputs.
  return hash('sha256', value, 'hex');
}

/** Constant-time string equality (length is not secret for the values compared here). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** 32 lower-case hex characters: ids of devices, doors, events. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}

/** A dashed UUID v4: ids of users and accounts. */
export function uuid(): string {
  return randomUUID();
}

/**
 * Authenticated encryption for the few secrets kept at rest in recoverable form
 * (AES-256-GCM, key derived from PARQEX_SECRET_KEY with HKDF per purpose).
 */
export class SecretBox {
  readonly #key: Buffer;
  constructor(secretKey: string, purpose: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secretKey, 'parqex', `secret-box:${purpose}`, 32));
  }
  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }
  open(sealed: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
