import type { FastifyInstance } from 'fastify';
import { getSettings } from '../../accounts/settings.ts';
import type { AppContext } from '../../app-context.ts';
import { authenticate } from './api-auth.ts';
import { envelope } from './envelope.ts';
import { documentedPaths } from './paths.ts';

/** Get User Settings (spec §5.2): POST on the user-info URL. The PIN goes only to its owner's apps. */
export function registerSettingsRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const url of documentedPaths('user-info')) {
    app.post(url, async (request, reply) => {
      const auth = await authenticate(ctx, request, reply);
      if (!auth) return reply;
      const settings = await getSettings(ctx.db, auth.userId, ctx.pinBox);
      return reply.header('cache-control', 'no-store').send(
        envelope(
          {
            door_open_alert_notification_enabled: settings.doorOpenAlertEnabled,
            door_open_alert_notification_tone: settings.doorOpenAlertTone,
            time_zone: settings.timeZone,
            pin_code: settings.pinCode,
          },
          ctx.clock.now(),
        ),
      );
    });
  }
}
