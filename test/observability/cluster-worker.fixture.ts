/**
 * A node:cluster worker for cluster-metrics.test.ts: joins the cluster's metrics like a worker of
 * `parqex serve --workers N`, counts `TOKENS` issued tokens and one request, and answers the
 * test's `scrape` message with what its `/metrics` route would send.
 */
import { joinClusterMetrics } from '../../src/observability/cluster-metrics.ts';
import { Metrics } from '../../src/observability/metrics.ts';

const metrics = new Metrics();
joinClusterMetrics(metrics);
const tokens = Number(process.env.TOKENS);
for (let i = 0; i < tokens; i++) metrics.tokenIssued('authorization_code');
metrics.http.observe('GET', '/healthz', 200, tokens / 1000);

process.on('message', (message: { test?: string }) => {
  if (message?.test !== 'scrape') return;
  metrics.exposition().then(
    (text) => process.send?.({ test: 'scraped', text }),
    (error: Error) => process.send?.({ test: 'scraped', error: error.message }),
  );
});
process.send?.({ test: 'ready' });
