import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './app-context.ts';
import { endDuePasses } from './guests/passes.ts';
import { renewMonthlyBookings, settlePendingBookings } from './marketplace/bookings.ts';
import { pruneExpired } from './storage/prune.ts';

/**
 * The server's periodic work: simulated door sensors reporting arrivals (every 250 ms), simulated
 * controllers' heartbeat (every 15 s), the marketplace's pending bookings settled and monthly plans
 * renewed (every 30 s), the `…_removed` webhooks of guest passes whose window closed (every 15 s),
 * pruning of expired rows (every minute). Each step is safe to
 * run from several processes at once. Returns a stop function.
 */
export function startBackgroundWork(ctx: AppContext, log: FastifyBaseLogger): () => void {
  const guard = (name: string, work: () => Promise<unknown>) => {
    let running = false;
    return () => {
      if (running) return;
      running = true;
      work()
        .catch((error) => log.error({ err: error, task: name }, 'background task failed'))
        .finally(() => {
          running = false;
        });
    };
  };
  const timers = [
    setInterval(
      guard('sensor reports', () => ctx.simulator.deliverArrivals(ctx.clock.now())),
      250,
    ),
    setInterval(
      guard('heartbeat', () => ctx.simulator.heartbeat(ctx.clock.now())),
      15_000,
    ),
    setInterval(
      guard('marketplace', async () => {
        await settlePendingBookings(ctx.marketplace, ctx.clock.now());
        await renewMonthlyBookings(ctx.marketplace, ctx.clock.now());
      }),
      30_000,
    ),
    setInterval(
      guard('guest pass ends', () => endDuePasses(ctx.db, ctx.clock.now())),
      15_000,
    ),
    setInterval(
      guard('pruning', () => pruneExpired(ctx.db, ctx.config, ctx.clock.now())),
      60_000,
    ),
  ];
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
