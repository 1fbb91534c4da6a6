/**
 * The physical limit: a bare `node:http` server answering every request with a fixed JSON body,
 * in its own process. Prints `listening on <url>` once it listens on a free port.
 *
 * Usage: node bench/bare-server.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// About the size of a user-info answer: the envelope and a small object.
const BODY = JSON.stringify({
  success: true,
  timestamp: 1764000000000,
  data: { id: '69668e34-2b60-49aa-b42a-7e01ebc0cb58', first_name: 'Bench', last_name: 'User' },
});

const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(BODY),
  });
  response.end(BODY);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
