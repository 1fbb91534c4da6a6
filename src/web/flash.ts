import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from './web-deps.ts';
import type { WebSession } from './web-session.ts';

const FLASH_COOKIE = 'parqex_flash';
/** A flash not shown within this time (the redirect right after a form) is dropped. */
const FLASH_TTL_S = 60;

interface Envelope<T> {
  /** The first characters of the session's id hash: a flash is shown only to the session it was for. */
  s: string;
  /** When it was written (epoch ms). */
  t: number;
  v: T;
}

function sessionTag(web: WebSession): string {
  return web.session.idHash.slice(0, 16);
}

/**
 * A one-shot message for the next page of this session (post/redirect/get without the outcome in
 * the URL): a signed, HttpOnly, SameSite=Lax cookie scoped to `path`, read and cleared by
 * `takeFlash`, so a reload or a shared link never shows it again.
 */
export function writeFlash<T>(
  ctx: WebDeps,
  reply: FastifyReply,
  web: WebSession,
  path: string,
  value: T,
): void {
  const envelope: Envelope<T> = { s: sessionTag(web), t: ctx.clock.now(), v: value };
  reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(envelope)).toString('base64url'), {
    path,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.env === 'production',
    signed: true,
    maxAge: FLASH_TTL_S,
  });
}

/**
 * The flash written for this session at `path`, if any and still fresh; clears it either way. The
 * value is only as trustworthy as the signature: `isValue` must check its shape.
 */
export function takeFlash<T>(
  ctx: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  web: WebSession,
  path: string,
  isValue: (value: unknown) => value is T,
): T | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (raw === undefined) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  let envelope: Partial<Envelope<unknown>>;
  try {
    envelope = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (envelope?.s !== sessionTag(web) || typeof envelope.t !== 'number') return undefined;
  const age = ctx.clock.now() - envelope.t;
  if (age < 0 || age > FLASH_TTL_S * 1000) return undefined;
  return isValue(envelope.v) ? envelope.v : undefined;
}
