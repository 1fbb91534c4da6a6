import { Type } from 'typebox';
import { listVisibleDoors } from '../../access/visible-doors.ts';
import { listPasses } from '../../guests/passes.ts';
import { cachedDeviceFacts, findProfile } from './cached-reads.ts';
import { ANY_TOKEN, type ApiCall, type ApiRoute, defineRoute } from './define-route.ts';
import { toWirePass } from './guests/guest-wire.ts';
import { SYNC_WITH_BOOKING } from './marketplace/renter-examples.ts';
import { SyncMarketplace } from './marketplace/renter-schemas.ts';
import { marketplaceSection } from './marketplace/sync-section.ts';
import { apiFailures, bodyFailures, json } from './response-docs.ts';
import { toWireDevices } from './wire-devices.ts';
import { SYNC } from './wire-examples.ts';
import { toWireProfile } from './wire-profile.ts';
import { SyncSections } from './wire-schemas.ts';

/** The answer: the documented `devices` beside the envelope, then the other sections. */
const Sync = Type.Object({ ...SyncSections.properties, marketplace: SyncMarketplace });

/**
 * Get User Devices (spec §5.3): every device the person owns or was given a door of, with only the
 * doors they can see. The documented top-level `devices` stays where the docs put it; the other
 * promised sections sit beside it.
 */
async function sync({ ctx, auth, reply }: ApiCall) {
  const profile = await findProfile(ctx, auth.userId);
  if (!profile)
    return reply
      .code(401)
      .send({ errors: [{ code: 'invalid_token', message: 'the user no longer exists' }] });
  const { user, vehicles } = profile;
  const now = ctx.clock.now();
  const doors = await listVisibleDoors(ctx.db, auth, {
    apiOnly: true,
    at: now,
    caches: ctx.caches,
  });
  const facts = await cachedDeviceFacts(ctx, [...new Set(doors.map((d) => d.device.id))]);
  const devices = toWireDevices(doors, facts, user.timeZone);
  const passes = auth.scopes.includes('GUESTS') ? await currentPasses(ctx, auth) : [];
  return reply.header('cache-control', 'no-store').send({
    success: true,
    timestamp: now,
    devices,
    profile: toWireProfile(user, vehicles),
    marketplace: await marketplaceSection(ctx, auth, now),
    guests: { passes },
    access: {
      doors: doors.map((d) => ({
        door_id: d.door.id,
        device_id: d.device.id,
        user_relationship: d.relationship,
      })),
    },
  });
}

/** The passes the person hosts (the Admin: the account's) that are active or still to come. */
async function currentPasses(ctx: ApiCall['ctx'], auth: ApiCall['auth']) {
  const now = ctx.clock.now();
  const actor = { userId: auth.userId, accountId: auth.accountId, role: auth.role };
  const [active, scheduled] = await Promise.all([
    listPasses(ctx.db, actor, { limit: 200, status: 'active' }, now),
    listPasses(ctx.db, actor, { limit: 200, status: 'scheduled' }, now),
  ]);
  return [...active.items, ...scheduled.items].map((p) => toWirePass(p));
}

const SYNC_DOC = {
  name: 'sync',
  printedPath: '/oauth/v1/endpoints/sync',
  summary: 'Get User Devices',
  description:
    'Everything the user has: every device they own or were given a door of, with only the doors they can see (and only doors their owner opened to applications), plus their profile. The documented top-level `devices` array stays where the docs print it, beside the success envelope; `profile`, `marketplace`, `guests` and `access` sit next to it. `online` and `door_sensor_paired` are ParqEx additions. GET and POST answer alike.',
  tags: ['Access points'],
  security: ANY_TOKEN,
  response: {
    200: json('The user’s devices, doors and profile.', Sync, {
      devices: { summary: 'John Doe’s devices', value: SYNC },
      booking: { summary: 'With a booking of the Midtown Garage', value: SYNC_WITH_BOOKING },
    }),
    ...apiFailures(),
  },
  handler: sync,
} satisfies Omit<ApiRoute, 'method' | 'operationId'>;

/** Spec §5.3: documented as GET; POST answers alike (the docs show both). */
export const syncRoutes = [
  defineRoute({ method: 'GET', operationId: 'getUserDevices', ...SYNC_DOC }),
  defineRoute({
    method: 'POST',
    operationId: 'getUserDevicesByPost',
    ...SYNC_DOC,
    response: { ...SYNC_DOC.response, ...bodyFailures() },
  }),
];
