import type { FastifyInstance } from 'fastify';
import { findUserById, listVehicles } from '../../accounts/users.ts';
import type { AppContext } from '../../app-context.ts';
import { checkBearer, isBearerFailure, sendBearerFailure } from '../../oauth/bearer.ts';
import { envelope } from './envelope.ts';
import { documentedPaths } from './paths.ts';
import { toWireProfile } from './wire-profile.ts';

/** Get User Info (spec §5.1): the authorizing user's profile. */
export function registerUserInfoRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const url of documentedPaths('user-info')) {
    app.get(url, async (request, reply) => {
      const auth = await checkBearer(ctx, request);
      if (isBearerFailure(auth)) return sendBearerFailure(reply, auth);
      const user = await findUserById(ctx.db, auth.userId);
      if (!user)
        return sendBearerFailure(reply, {
          status: 401,
          error: 'invalid_token',
          description: 'the user no longer exists',
        });
      const vehicles = await listVehicles(ctx.db, user.id);
      return reply
        .header('cache-control', 'no-store')
        .send(envelope(toWireProfile(user, vehicles), ctx.clock.now()));
    });
  }
}
