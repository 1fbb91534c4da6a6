import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Db, Dialect } from '../storage/schema.ts';
import { type DeliveryMetrics, WebhookDispatcher } from './dispatcher.ts';

/** What a process's dispatcher is built from. */
export interface DispatcherDeps {
  readonly db: Db;
  readonly dialect: Dialect;
  /** Seals the endpoints' API keys and signing secrets. */
  readonly webhookBox: SecretBox;
  readonly clock: Clock;
  readonly config: Pick<Config, 'env'>;
  readonly metrics: DeliveryMetrics;
}

/** The dispatcher of a server or worker process, over the context's database. */
export function createDispatcher(ctx: DispatcherDeps, log: FastifyBaseLogger): WebhookDispatcher {
  return new WebhookDispatcher({
    db: ctx.db,
    dialect: ctx.dialect,
    box: ctx.webhookBox,
    clock: ctx.clock,
    serverEnv: ctx.config.env,
    log,
    metrics: ctx.metrics,
  });
}
