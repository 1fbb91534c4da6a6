import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config.ts';
import { METRICS_UNAUTHORIZED_BODY, metricsChallenge } from './metrics-access.ts';

export interface MetricsListener {
  /** Where the metrics are, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The separate metrics port (`PARQEX_METRICS_PORT` on `PARQEX_METRICS_HOST`): `GET /metrics` and
 * nothing else, with the token too when `PARQEX_METRICS_TOKEN` is set. A port that cannot be bound
 * fails start-up with one line naming the setting.
 */
export async function startMetricsListener(options: {
  host: string;
  port: number;
  token: string | undefined;
  contentType: string;
  exposition: () => Promise<string>;
  /** Why a scrape failed (answered 503). */
  onError?: (error: unknown) => void;
}): Promise<MetricsListener> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]!.replace(/\/+$/, '');
    if ((request.method !== 'GET' && request.method !== 'HEAD') || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const challenge = metricsChallenge(request.headers.authorization, options.token);
    if (challenge) {
      response
        .writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': challenge })
        .end(JSON.stringify(METRICS_UNAUTHORIZED_BODY));
      return;
    }
    options.exposition().then(
      (text) => {
        response
          .writeHead(200, { 'content-type': options.contentType, 'cache-control': 'no-store' })
          .end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.onError?.(error);
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, options.host, options.port)));
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const bound = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${bound}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new ConfigError(`PARQEX_METRICS_PORT ${port} is already in use on ${host}`);
  if (code === 'EACCES')
    return new ConfigError(
      `PARQEX_METRICS_PORT ${port}: permission denied (ports below 1024 need privileges)`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ConfigError(`PARQEX_METRICS_HOST ${host} is not an address of this machine`);
  return error;
}
