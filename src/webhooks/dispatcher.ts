import http from 'node:http';
import https from 'node:https';
import type { FastifyBaseLogger } from 'fastify';
import { type Selectable, sql } from 'kysely';
import type { Clock } from '../lib/clock.ts';
import { hexId, type SecretBox } from '../lib/crypto.ts';
import type { Database, Db, Dialect } from '../storage/schema.ts';
import { signWebhook } from './signing.ts';
import { type Lookup, resolveDeliveryTarget, WebhookTargetRefused } from './target-check.ts';

/** Spec §6: retry delays after each failed attempt (then every 10 h) with ±20 % jitter … */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/** … for about three days after the event; after that the delivery has failed. */
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;
/** An endpoint whose every attempt failed for this long is disabled (and says why). */
export const DISABLE_AFTER_FAILING_MS = 3 * 86_400_000;
/** How long a dispatcher holds a claimed delivery before another may take it (it crashed). */
export const DEFAULT_LEASE_MS = 60_000;

/** What an attempt led to: delivered, retrying (failed, will be retried), failed (given up). */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** Where the dispatcher reports what it did (the process's metrics). */
export interface DeliveryMetrics {
  /** One recorded attempt; `eventAgeMs`: from the event to now (the lag, when delivered). */
  webhookAttempted(outcome: DeliveryOutcome, eventAgeMs: number): void;
  webhookEndpointDisabled(reason: 'gone' | 'failing'): void;
}

export interface DispatcherDeps {
  db: Db;
  dialect: Dialect;
  /** Opens the endpoints' sealed API keys and signing secrets. */
  box: SecretBox;
  clock: Clock;
  serverEnv: 'development' | 'production';
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Per-attempt timeout; the spec's 10 s by default. */
  timeoutMs?: number;
  /** DNS, replaceable in tests. */
  lookup?: Lookup;
  /** 0 ≤ x < 1, for the jitter; replaceable in tests. */
  random?: () => number;
  /** Extra CA certificates to trust (tests with a self-signed receiver). */
  ca?: string | Buffer;
  /** How long a claim lasts before another dispatcher may take the delivery; longer than the timeout. */
  leaseMs?: number;
  /** Counts attempts by outcome and the delivery lag. */
  metrics?: DeliveryMetrics;
}

type Claimed = Omit<Selectable<Database['webhook_deliveries']>, 'attempts'> & { attempts: number };

interface AttemptResult {
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/** The delay before the next attempt, given how many attempts were made. */
export function retryDelayMs(attemptsMade: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(attemptsMade - 1, RETRY_DELAYS_MS.length - 1)] ?? RETRY_DELAYS_MS[0]!;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Sends what the outbox holds. Deliveries are claimed with a lease by a conditional UPDATE (on
 * PostgreSQL `FOR UPDATE SKIP LOCKED`, so several dispatchers share the work and never send one
 * attempt twice at once), oldest event first, then sent one after another so an endpoint receives
 * them in event order while it is healthy. Each request: POST, the exact stored JSON body,
 * `X-ParqEx-Api-Key` and Standard Webhooks headers; 2xx = delivered; anything else (a redirect
 * included: they are not followed), a timeout or a connection error = retry with backoff.
 */
export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** Claims and sends up to `limit` due deliveries; returns how many were attempted. */
  async runOnce(limit = 25): Promise<number> {
    const now = this.#deps.clock.now();
    const claimed = await this.#claim(now, limit);
    for (const delivery of claimed) await this.#attempt(delivery);
    return claimed.length;
  }

  /**
   * Runs `runOnce` every `intervalMs` until `stop()`, never two at once in this process. The timer
   * keeps the process alive (a `parqex worker` has nothing else to): `stop()` releases it.
   */
  start(intervalMs = 500): void {
    if (this.#timer) return;
    let busy = false;
    this.#timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.#running = this.runOnce()
        .catch((error) => this.#deps.log.error({ err: error }, 'webhook dispatch failed'))
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
  }

  /** Stops claiming; waits for the attempts under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #claim(now: number, limit: number): Promise<Claimed[]> {
    const lockClause = this.#deps.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<Claimed>`
      update webhook_deliveries
         set locked_until = ${now + (this.#deps.leaseMs ?? DEFAULT_LEASE_MS)}, attempts = attempts + 1
       where id in (
         select id from webhook_deliveries
          where status = 'pending'
            and next_attempt_at <= ${now}
            and (locked_until is null or locked_until < ${now})
            and endpoint_id in (select id from webhook_endpoints where disabled_at is null)
          order by event_at, seq
          limit ${limit}
          ${lockClause})
      returning *`.execute(this.#deps.db);
    return result.rows
      .map((r) => ({ ...r, attempts: Number(r.attempts), event_at: Number(r.event_at), seq: Number(r.seq) }))
      .sort((a, b) => a.event_at - b.event_at || a.seq - b.seq);
  }

  async #attempt(delivery: Claimed): Promise<void> {
    const { db, box } = this.#deps;
    const endpoint = await db
      .selectFrom('webhook_endpoints as e')
      .innerJoin('clients as c', 'c.id', 'e.client_id')
      .select([
        'e.id',
        'e.url',
        'e.api_key_sealed',
        'e.signing_secret_sealed',
        'e.failing_since',
        'e.disabled_at',
        'c.environment',
      ])
      .where('e.id', '=', delivery.endpoint_id)
      .executeTakeFirst();
    // Deleted (`parqex webhooks delete`) after this batch was claimed: its deliveries went with it.
    if (!endpoint) return;
    if (endpoint.disabled_at !== null) {
      // Disabled after this batch was claimed (an earlier delivery of it got 410, say): send nothing
      // more, and hand the delivery back untouched to wait for the endpoint to be enabled again.
      await db
        .updateTable('webhook_deliveries')
        .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
        .where('id', '=', delivery.id)
        .execute();
      return;
    }
    const startedAt = this.#deps.clock.now();
    let result: AttemptResult;
    try {
      const url = new URL(endpoint.url);
      const target = await resolveDeliveryTarget(url, {
        serverEnv: this.#deps.serverEnv,
        clientEnvironment: endpoint.environment,
        lookup: this.#deps.lookup,
      });
      const timestamp = Math.floor(startedAt / 1000);
      const body = delivery.payload;
      result = await this.#post(url, target, body, {
        'content-type': 'application/json',
        'user-agent': 'ParqEx-Webhooks/1',
        'x-parqex-api-key': box.open(endpoint.api_key_sealed),
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(
          box.open(endpoint.signing_secret_sealed),
          delivery.id,
          timestamp,
          body,
        ),
      });
    } catch (error) {
      const refused = error instanceof WebhookTargetRefused;
      result = {
        status: null,
        error: refused ? `refused target: ${error.message}` : String(error),
        latencyMs: 0,
      };
    }
    await this.#record(delivery, endpoint, result);
  }

  #post(
    url: URL,
    target: { address: string; family: number },
    body: string,
    headers: Record<string, string>,
  ): Promise<AttemptResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = transport.request(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          // Connect to the address that was checked, not to whatever DNS says a moment later. Node's
          // connect asks for `all` addresses (autoSelectFamily, on by default): answer in that form.
          lookup: (_host, options, callback) => {
            if (options.all) callback(null, [{ address: target.address, family: target.family }]);
            else callback(null, target.address, target.family);
          },
          servername: url.hostname,
          ca: this.#deps.ca,
          timeout: this.#deps.timeoutMs ?? 10_000,
          agent: false,
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? null, error: null, latencyMs: latency() }),
          );
          response.on('error', (error) =>
            resolve({ status: null, error: String(error), latencyMs: latency() }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) => resolve({ status: null, error: error.message, latencyMs: latency() }));
      request.end(body);
    });
  }

  async #record(
    delivery: Claimed,
    endpoint: { id: string; failing_since: number | null },
    result: AttemptResult,
  ): Promise<void> {
    const now = this.#deps.clock.now();
    const delivered = result.status !== null && result.status >= 200 && result.status < 300;
    const gone = result.status === 410;
    let outcome: DeliveryOutcome | undefined;
    let disabled: 'gone' | 'failing' | undefined;
    await this.#deps.db.transaction().execute(async (trx) => {
      // The endpoint was deleted while this was sent: its deliveries, and so this attempt, are gone.
      const still = await trx
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('id', '=', delivery.id)
        .executeTakeFirst();
      if (!still) return;
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: hexId(),
          delivery_id: delivery.id,
          attempted_at: now,
          status_code: result.status,
          latency_ms: result.latencyMs,
          error: result.error,
        })
        .execute();
      // The result counts only under the lease it was sent with: a dispatcher whose lease ran out
      // (it stalled) and was taken over must not overwrite what the new holder recorded.
      if (delivered) {
        const done = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: 'delivered',
            delivered_at: now,
            last_status: result.status,
            last_error: null,
            locked_until: null,
          })
          .where('id', '=', delivery.id)
          .where('locked_until', '=', delivery.locked_until)
          .executeTakeFirst();
        if (done.numUpdatedRows === 0n) return;
        outcome = 'delivered';
        await trx
          .updateTable('webhook_endpoints')
          .set({ failing_since: null, last_success_at: now })
          .where('id', '=', endpoint.id)
          .execute();
        return;
      }
      const failingSince = endpoint.failing_since ?? now;
      // Retries go on for three days from the event — or from when the endpoint began failing, if
      // later — and the last one lands on that deadline. So a quiet endpoint that fails every
      // attempt has failed for three days by its last retry, and is disabled then.
      const deadline = Math.max(delivery.event_at, failingSince) + GIVE_UP_AFTER_MS;
      const givesUp = now >= deadline;
      const delay = retryDelayMs(delivery.attempts, this.#deps.random);
      const rescheduled = await trx
        .updateTable('webhook_deliveries')
        .set({
          status: givesUp ? 'failed' : 'pending',
          next_attempt_at: Math.min(now + delay, deadline),
          last_status: result.status,
          last_error: result.error,
          locked_until: null,
        })
        .where('id', '=', delivery.id)
        .where('locked_until', '=', delivery.locked_until)
        .executeTakeFirst();
      if (rescheduled.numUpdatedRows === 0n) return;
      outcome = givesUp ? 'failed' : 'retrying';
      const reason = gone
        ? 'the receiver answered 410 Gone'
        : now - failingSince >= DISABLE_AFTER_FAILING_MS
          ? 'every delivery failed for 3 days'
          : null;
      await trx
        .updateTable('webhook_endpoints')
        .set({
          failing_since: failingSince,
          ...(reason ? { disabled_at: now, disabled_reason: reason } : {}),
        })
        .where('id', '=', endpoint.id)
        .execute();
      if (reason) {
        disabled = gone ? 'gone' : 'failing';
        this.#deps.log.warn({ event: 'webhook.endpoint.disabled', endpointId: endpoint.id, reason }, reason);
      }
    });
    // Counted once committed: an attempt whose lease was taken over is the new holder's to count.
    if (outcome) this.#deps.metrics?.webhookAttempted(outcome, now - delivery.event_at);
    if (disabled) this.#deps.metrics?.webhookEndpointDisabled(disabled);
  }
}
