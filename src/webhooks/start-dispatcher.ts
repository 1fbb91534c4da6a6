import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { WebhookDispatcher } from './dispatcher.ts';

/** The dispatcher of a server or worker process, over the context's database. */
export function createDispatcher(ctx: AppContext, log: FastifyBaseLogger): WebhookDispatcher {
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
