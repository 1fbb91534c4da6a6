import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.ts';
import { sha256 } from '../lib/crypto.ts';
import type { Db } from '../storage/schema.ts';
import { IdempotencyKeyInUse, IdempotencyKeyInvalid, IdempotencyKeyReused } from './idempotency-errors.ts';
import { IdempotencyStore } from './idempotency-store.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Honour `Idempotency-Key` on this route; the value names the operation (the same for every
     * spelling of its path), so one key cannot replay another operation's answer.
     */
    idempotent?: string;
    /**
     * What of the answer's body is kept for replay, when not all of it may be: e.g. a secret shown
     * once is left out, so the store never holds it. Defaults to the body as sent.
     */
    idempotentStored?: (body: string) => string;
  }
}

/** Products.md §0 (Stripe's rule): 1–255 printable ASCII characters. */
const KEY = /^[\x20-\x7e]{1,255}$/;

/** The headers of an answer that matter to a client, replayed with its status and body. */
const REPLAYED_HEADERS = [
  'content-type',
  'cache-control',
  'pragma',
  'retry-after',
  'www-authenticate',
  'location',
];

export interface IdempotencyDeps {
  db: Db;
  clock: Clock;
  /** Who is calling (for bearer calls: client id and user id), or undefined when nobody valid is. */
  callerOf(request: FastifyRequest): Promise<string | undefined>;
}

interface Held {
  caller: string;
  key: string;
  state: 'running' | 'settled';
}

/** The claim each request holds, if any. */
const held = new WeakMap<FastifyRequest, Held>();

/** JSON with object keys sorted at every level: the same body however its keys were ordered. */
export function canonicalJson(value: unknown): string {
  if (value instanceof URLSearchParams) return JSON.stringify([...value].sort());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? '';
}

function fingerprintOf(request: FastifyRequest, operation: string): string {
  return sha256(`${request.method}\n${operation}\n${canonicalJson(request.body)}`);
}

/**
 * `Idempotency-Key` for the routes of `app` whose config names an operation (`config: { idempotent:
 * 'toggle' }`): the same key and body within 24 h replay the first answer (status, body, the headers
 * that matter, plus `Idempotent-Replayed: true`) and run nothing; another body → 409
 * `idempotency_key_reused`; the first still running → 409 `idempotency_key_in_use`. A 5xx answer
 * releases the key so a retry runs again. Register on the root before any plugin that compresses:
 * parents' onSend hooks run first, so the stored body is the JSON.
 */
export function registerIdempotency(app: FastifyInstance, deps: IdempotencyDeps): void {
  const store = new IdempotencyStore(deps.db);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const operation = request.routeOptions.config.idempotent;
    if (operation === undefined) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !KEY.test(header)) throw new IdempotencyKeyInvalid();
    const caller = await deps.callerOf(request);
    // An unauthenticated call is refused by the route itself, and remembered for nobody.
    if (caller === undefined) return;
    const fingerprint = fingerprintOf(request, operation);
    const claim = await store.claim(caller, header, fingerprint, deps.clock.now());
    if (claim.outcome === 'claimed') {
      held.set(request, { caller, key: header, state: 'running' });
      return;
    }
    if (claim.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
    if (claim.outcome === 'running') throw new IdempotencyKeyInUse();
    const { statusCode, headers, body } = claim.answer;
    reply.code(statusCode).headers(headers).header('idempotent-replayed', 'true');
    return reply.send(body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = held.get(request);
    if (claim?.state !== 'running') return payload;
    claim.state = 'settled';
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : null;
    if (reply.statusCode >= 500 || body === null) {
      await store.release(claim.caller, claim.key);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const stored = request.routeOptions.config.idempotentStored?.(body) ?? body;
    await store.complete(claim.caller, claim.key, { statusCode: reply.statusCode, headers, body: stored });
    return payload;
  });

  // A request that ended without an answer passing onSend (the client went away, a crash in a hook)
  // must not hold its key for a day.
  app.addHook('onResponse', async (request) => {
    const claim = held.get(request);
    if (claim?.state !== 'running') return;
    claim.state = 'settled';
    await store.release(claim.caller, claim.key);
  });
}
