import type { FastifyInstance, FastifyReply } from 'fastify';
import { normalizeHexId } from '../access/ids.ts';
import { getSettings, SettingsInputError, updateSettings } from '../accounts/settings.ts';
import { listVehicles } from '../accounts/users.ts';
import { addVehicle, removeVehicle, type VEHICLE_LIMITS, VehicleInputError } from '../accounts/vehicles.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { isTimeZone } from '../lib/time.ts';
import { ALERT_TONES, type SettingsErrors, settingsPage } from './pages/settings-page.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from './signed-in.ts';
import type { WebDeps } from './web-deps.ts';
import type { WebSessions } from './web-session.ts';

/** What a `?saved=` after a change says (codes, so no text from the address reaches the page). */
const SAVED: Record<string, string> = {
  settings: 'Settings saved.',
  pin: 'PIN saved.',
  pin_removed: 'PIN removed.',
  vehicle_added: 'Vehicle added.',
  vehicle_removed: 'Vehicle removed.',
};

/** Settings (time zone, alerts, keypad PIN) and vehicles, for every signed-in person. */
export function registerSettingsPageRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  const render = async (
    reply: FastifyReply,
    web: SignedIn,
    extra: Pick<Parameters<typeof settingsPage>[0], 'notice' | 'errors' | 'vehicleDraft'> = {},
  ) =>
    setPageHeaders(reply).send(
      settingsPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        settings: await getSettings(ctx.db, web.user.id, ctx.pinBox),
        vehicles: await listVehicles(ctx.db, web.user.id),
        ...extra,
      }),
    );
  const refused = (reply: FastifyReply, web: SignedIn, errors: SettingsErrors, extra = {}) =>
    render(reply.code(400), web, { errors, ...extra });
  const saved = (reply: FastifyReply, what: keyof typeof SAVED, anchor: string) =>
    reply.redirect(`/settings?saved=${what}#${anchor}`, 303);

  app.get('/settings', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/settings');
    if (!web) return reply;
    const code = (request.query as Record<string, string | undefined>).saved;
    return render(reply, web, { notice: code !== undefined ? SAVED[code] : undefined });
  });

  app.post('/settings', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const tone = form.get('door_open_alert_tone') ?? 'door_open';
    if (!Object.hasOwn(ALERT_TONES, tone))
      return refused(reply, web, { settings: 'Choose one of the alert tones.' });
    try {
      await updateSettings(
        ctx.db,
        web.user.id,
        {
          timeZone: form.get('time_zone') ?? '',
          doorOpenAlertEnabled: form.get('door_open_alert') === 'on',
          doorOpenAlertTone: tone,
        },
        ctx.pinBox,
        isTimeZone,
      );
    } catch (error) {
      if (error instanceof SettingsInputError)
        return refused(reply, web, { settings: 'Choose a time zone from the list.' });
      throw error;
    }
    return saved(reply, 'settings', 'preferences');
  });

  app.post('/settings/pin', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const pin = (form.get('pin_code') ?? '').trim();
    // Checked here too, so a refused PIN is never handed to the store.
    if (!/^\d{4,8}$/.test(pin)) return refused(reply, web, { pin: 'The PIN is 4 to 8 digits.' });
    await updateSettings(ctx.db, web.user.id, { pinCode: pin }, ctx.pinBox, isTimeZone);
    request.log.info({ event: 'settings.pin_changed', userId: web.user.id }, 'PIN changed');
    return saved(reply, 'pin', 'pin');
  });

  app.post('/settings/pin/remove', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    await updateSettings(ctx.db, posted.web.user.id, { pinCode: null }, ctx.pinBox, isTimeZone);
    return saved(reply, 'pin_removed', 'pin');
  });

  app.post('/settings/vehicles', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const field = (name: keyof typeof VEHICLE_LIMITS) => form.get(name) ?? '';
    const draft = {
      plate: field('plate'),
      region: field('region'),
      make: field('make'),
      model: field('model'),
      color: field('color'),
    };
    try {
      await addVehicle(ctx.db, web.user.id, draft, ctx.clock.now());
    } catch (error) {
      if (error instanceof VehicleInputError) {
        return refused(reply, web, { vehicle: error.message }, { vehicleDraft: draft });
      }
      throw error;
    }
    return saved(reply, 'vehicle_added', 'vehicles');
  });

  app.post('/settings/vehicles/remove', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply);
    if (!posted) return reply;
    const { web, form } = posted;
    const vehicleId = normalizeHexId(form.get('vehicle_id'));
    if (!vehicleId || !(await removeVehicle(ctx.db, web.user.id, vehicleId, ctx.clock.now())))
      return notFound(reply, 'Vehicle');
    return saved(reply, 'vehicle_removed', 'vehicles');
  });
}
