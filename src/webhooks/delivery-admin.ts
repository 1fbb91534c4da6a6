/**
 * What staff do with an endpoint's deliveries (spec §6: "delivery log per endpoint; manual re-send"):
 * list them with their attempts, send them again, and enqueue a test event. Used by `parqex webhooks`
 * and, later, by pages; it knows nothing of either.
 */

import { DomainError } from '../lib/domain-error.ts';
import type { Db } from '../storage/schema.ts';
import { WebhookEndpointNotFound } from './endpoints.ts';
import { newDeliveryId, nextSeq } from './outbox.ts';
import { eventTime } from './payloads.ts';

export class WebhookDeliveryNotFound extends DomainError {
  constructor(id: string) {
    super('webhook_delivery_not_found', 'not_found', `no webhook delivery with id ${id}`);
  }
}

/** A re-send or test event aimed at an endpoint that does not send: it would wait for nothing. */
export class WebhookEndpointDisabled extends DomainError {
  constructor(id: string, reason: string | null) {
    super(
      'webhook_endpoint_disabled',
      'conflict',
      `webhook endpoint ${id} is disabled${reason ? ` (${reason})` : ''}; enable it first (parqex webhooks enable ${id})`,
    );
  }
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface DeliveryAttempt {
  attemptedAt: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  userId: string | null;
  eventType: string;
  eventAt: number;
  status: DeliveryStatus;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** Oldest first. */
  attempts: DeliveryAttempt[];
}

export type DeliveryCounts = Record<DeliveryStatus, number>;

async function endpointState(db: Db, endpointId: string) {
  const row = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'disabled_at', 'disabled_reason'])
    .where('id', '=', endpointId)
    .executeTakeFirst();
  if (!row) throw new WebhookEndpointNotFound(endpointId);
  return row;
}

async function requireEnabled(db: Db, endpointId: string): Promise<void> {
  const endpoint = await endpointState(db, endpointId);
  if (endpoint.disabled_at !== null) throw new WebhookEndpointDisabled(endpoint.id, endpoint.disabled_reason);
}

/** How many of the endpoint's deliveries are in each status. */
export async function countDeliveries(db: Db, endpointId: string): Promise<DeliveryCounts> {
  await endpointState(db, endpointId);
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .where('endpoint_id', '=', endpointId)
    .groupBy('status')
    .execute();
  const counts: DeliveryCounts = { pending: 0, delivered: 0, failed: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** The endpoint's most recent deliveries (newest event first), each with its attempts. */
export async function listDeliveries(db: Db, endpointId: string, limit = 20): Promise<DeliveryRecord[]> {
  await endpointState(db, endpointId);
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select([
      'id',
      'endpoint_id',
      'user_id',
      'event_type',
      'event_at',
      'status',
      'next_attempt_at',
      'delivered_at',
      'last_status',
      'last_error',
    ])
    .where('endpoint_id', '=', endpointId)
    .orderBy('event_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select(['delivery_id', 'attempted_at', 'status_code', 'latency_ms', 'error'])
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('attempted_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    userId: r.user_id,
    eventType: r.event_type,
    eventAt: Number(r.event_at),
    status: r.status,
    nextAttemptAt: Number(r.next_attempt_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    lastStatusCode: r.last_status,
    lastError: r.last_error,
    attempts: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attemptedAt: Number(a.attempted_at),
        statusCode: a.status_code,
        latencyMs: Number(a.latency_ms),
        error: a.error,
      })),
  }));
}

/**
 * Sends the listed deliveries again: back to `pending`, due now, the retry schedule started over. Their
 * ids (the payload's `id` and `webhook-id`) stay, so a receiver that already has one can drop it
 * (Standard Webhooks, "Webhook metadata": the id is the idempotency key). An attempt under way keeps
 * its lease, so one delivery is never sent twice at the same moment.
 */
async function markForResend(db: Db, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, attempts: 0 })
    .where('id', 'in', ids)
    .execute();
}

/** Re-sends one delivery; refused when its endpoint is disabled. Returns its endpoint's id. */
export async function resendDelivery(
  db: Db,
  deliveryId: string,
  now: number,
): Promise<{ endpointId: string }> {
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!delivery) throw new WebhookDeliveryNotFound(deliveryId);
  await requireEnabled(db, delivery.endpoint_id);
  await markForResend(db, [delivery.id], now);
  return { endpointId: delivery.endpoint_id };
}

/** Re-sends every delivery of the endpoint whose event happened at or after `since`, whatever its status. */
export async function resendSince(db: Db, endpointId: string, since: number, now: number): Promise<string[]> {
  await requireEnabled(db, endpointId);
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('endpoint_id', '=', endpointId)
    .where('event_at', '>=', since)
    .orderBy('event_at')
    .orderBy('id')
    .execute();
  const ids = rows.map((r) => r.id);
  await markForResend(db, ids, now);
  return ids;
}

/**
 * Enqueues a test event for the endpoint, whatever families it subscribes to, so an integrator can check
 * their receiver: `{"id","eventType":"ping","eventOccurred","eventOccurredUTC","endpointID"}`.
 */
export async function enqueuePing(db: Db, endpointId: string, now: number): Promise<{ deliveryId: string }> {
  await requireEnabled(db, endpointId);
  const id = newDeliveryId();
  const payload = {
    id,
    eventType: 'ping',
    ...eventTime(now),
    endpointID: endpointId,
  };
  await db
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      user_id: null,
      event_type: 'ping',
      payload: JSON.stringify(payload),
      event_at: now,
      seq: nextSeq(),
      status: 'pending',
      next_attempt_at: now,
      locked_until: null,
      last_status: null,
      last_error: null,
      delivered_at: null,
      created_at: now,
    })
    .execute();
  return { deliveryId: id };
}

/** The first attempt recorded for a delivery, if any yet. */
export async function findFirstAttempt(db: Db, deliveryId: string): Promise<DeliveryAttempt | undefined> {
  const row = await db
    .selectFrom('webhook_attempts')
    .select(['attempted_at', 'status_code', 'latency_ms', 'error'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempted_at')
    .orderBy('id')
    .executeTakeFirst();
  return (
    row && {
      attemptedAt: Number(row.attempted_at),
      statusCode: row.status_code,
      latencyMs: Number(row.latency_ms),
      error: row.error,
    }
  );
}
