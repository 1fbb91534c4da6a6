import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Counts the requests whose handler has not finished yet. `app.close()` waits for open connections,
 * not for handlers: a request whose client has gone keeps running after the server closed, and would
 * find the database closed under it. `serve` waits for `drained` before closing the database.
 */
export class InFlight {
  readonly #working = new WeakSet<FastifyRequest>();
  #count = 0;
  #waiters: (() => void)[] = [];

  /** Counts every request from its start to its reply (sent or not: the handler is done then). */
  track(app: FastifyInstance): void {
    app.addHook('onRequest', (request, _reply, done) => {
      this.#working.add(request);
      this.#count++;
      done();
    });
    const finished = (request: FastifyRequest) => {
      if (!this.#working.delete(request)) return;
      this.#count--;
      if (this.#count === 0) for (const waiter of this.#waiters.splice(0)) waiter();
    };
    app.addHook('onSend', (request, _reply, payload, done) => {
      finished(request);
      done(null, payload);
    });
    app.addHook('onResponse', (request, _reply, done) => {
      finished(request);
      done();
    });
  }

  /** Resolves once no handler is working (true), or after `timeoutMs` (false). */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
