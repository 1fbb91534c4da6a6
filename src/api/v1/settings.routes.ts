import { getSettings } from '../../accounts/settings.ts';
import { ANY_TOKEN, defineRoute } from './define-route.ts';
import { envelope } from './envelope.ts';
import { apiFailures, bodyFailures, json } from './response-docs.ts';
import { SETTINGS } from './wire-examples.ts';
import { envelope as envelopeSchema, Settings } from './wire-schemas.ts';

/** Get User Settings (spec §5.2): POST on the user-info URL. The PIN goes only to its owner's apps. */
export const settingsRoute = defineRoute({
  method: 'POST',
  name: 'user-info',
  printedPath: '/oauth/v1/endpoints/user-info',
  operationId: 'getUserSettings',
  summary: 'Get User Settings',
  description:
    'The same URL as Get User Info, told apart by the method; no body. `pin_code` is the user’s keypad PIN, returned only for their own authorizations (null when none is set). Users change their settings on their ParqEx account page.',
  tags: ['User'],
  security: ANY_TOKEN,
  response: {
    200: json('The user’s settings.', envelopeSchema(Settings), {
      settings: { summary: 'Settings', value: SETTINGS },
    }),
    ...apiFailures(),
    ...bodyFailures(),
  },
  handler: async ({ ctx, auth, reply }) => {
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
  },
});
