import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listVisibleDoors } from '../../access/visible-doors.ts';
import type { AppContext } from '../../app-context.ts';
import { authenticate } from './api-auth.ts';
import { cachedDeviceFacts, findProfile } from './cached-reads.ts';
import { documentedPaths } from './paths.ts';
import { toWireDevices } from './wire-devices.ts';
import { toWireProfile } from './wire-profile.ts';

/**
 * Get User Devices (spec §5.3): every device the person owns or was given a door of, with only the
 * doors they can see. The documented top-level `devices` stays where the docs put it; the other
 * promised sections sit beside it.
 */
export function registerSyncRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await authenticate(ctx, request, reply);
    if (!auth) return reply;
    const profile = await findProfile(ctx, auth.userId);
    if (!profile)
      return reply
        .code(401)
        .send({ errors: [{ code: 'invalid_token', message: 'the user no longer exists' }] });
    const { user, vehicles } = profile;
    const doors = await listVisibleDoors(ctx.db, auth, {
      apiOnly: true,
      at: ctx.clock.now(),
      caches: ctx.caches,
    });
    const facts = await cachedDeviceFacts(ctx, [...new Set(doors.map((d) => d.device.id))]);
    const devices = toWireDevices(doors, facts, user.timeZone);
    return reply.header('cache-control', 'no-store').send({
      success: true,
      timestamp: ctx.clock.now(),
      devices,
      profile: toWireProfile(user, vehicles),
      marketplace: { bookings: [] },
      guests: { guests: [] },
      access: {
        doors: doors.map((d) => ({
          door_id: d.door.id,
          device_id: d.device.id,
          user_relationship: d.relationship,
        })),
      },
    });
  };
  for (const url of documentedPaths('sync')) {
    app.get(url, handler);
    app.post(url, handler);
  }
}
