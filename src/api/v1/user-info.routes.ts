import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { checkBearer, isBearerFailure, sendBearerFailure } from '../../oauth/bearer.ts';
import { findProfile } from './cached-reads.ts';
import { envelope } from './envelope.ts';
import { documentedPaths } from './paths.ts';
import { toWireProfile } from './wire-profile.ts';

/** Get User Info (spec §5.1): the authorizing user's profile. */
export function registerUserInfoRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const url of documentedPaths('user-info')) {
    app.get(url, async (request, reply) => {
      const auth = await checkBearer(ctx, request);
      if (isBearerFailure(auth)) return sendBearerFailure(reply, auth);
      const profile = await findProfile(ctx, auth.userId);
      if (!profile)
        return sendBearerFailure(reply, {
          status: 401,
          error: 'invalid_token',
          description: 'the user no longer exists',
        });
      return reply
        .header('cache-control', 'no-store')
        .send(envelope(toWireProfile(profile.user, profile.vehicles), ctx.clock.now()));
    });
  }
}
