import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Metrics } from './metrics.ts';
import {
  METRICS_OFF_WARNING,
  METRICS_UNAUTHORIZED_BODY,
  metricsChallenge,
  metricsExposure,
} from './metrics-access.ts';
import { type MetricsListener, startMetricsListener } from './metrics-listener.ts';

/**
 * Counts every response (call before the routes: the hook must reach every plugin) and serves
 * `GET /metrics` where `metricsExposure` says: on the main port (open, or with the token), or on
 * the separate metrics port, started with the app and closed with it. In a node:cluster worker the
 * primary serves that port and warns (see cluster-metrics.ts), not every worker.
 */
export function registerMetricsRoutes(
  app: FastifyInstance,
  ctx: { readonly metrics: Metrics; readonly config: Config },
): void {
  const { metrics, config } = ctx;
  // Callback style, no promise: one Map lookup pair and a few additions per request.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.http.observe(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  const exposure = metricsExposure(config);
  if (exposure === 'open' || exposure === 'token') {
    app.get('/metrics', async (request, reply) => {
      const challenge = metricsChallenge(request.headers.authorization, config.metricsToken);
      if (challenge)
        return reply.code(401).header('www-authenticate', challenge).send(METRICS_UNAUTHORIZED_BODY);
      let text: string;
      try {
        text = await metrics.exposition();
      } catch (error) {
        request.log.error({ err: error }, 'metrics unavailable');
        return reply.code(503).type('text/plain; charset=utf-8').send('Metrics unavailable\n');
      }
      return reply.type(metrics.contentType).header('cache-control', 'no-store').send(text);
    });
  }
  if (cluster.isWorker) return;
  if (exposure === 'off') app.log.warn(METRICS_OFF_WARNING);
  if (exposure === 'port') {
    let listener: MetricsListener | undefined;
    app.addHook('onReady', async () => {
      listener = await startMetricsListener({
        host: config.metricsHost,
        port: config.metricsPort!,
        token: config.metricsToken,
        contentType: metrics.contentType,
        exposition: () => metrics.exposition(),
        onError: (error) => app.log.error({ err: error }, 'metrics unavailable'),
      });
      app.log.info({ url: listener.url }, 'metrics served on their own port');
    });
    app.addHook('onClose', async () => {
      await listener?.close();
    });
  }
}
