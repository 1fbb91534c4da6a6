import { sendBearerFailure } from './bearer-failure.ts';
import { findProfile } from './cached-reads.ts';
import { ANY_TOKEN, defineRoute } from './define-route.ts';
import { envelope } from './envelope.ts';
import { apiFailures, json } from './response-docs.ts';
import { USER_INFO } from './wire-examples.ts';
import { toWireProfile } from './wire-profile.ts';
import { envelope as envelopeSchema, Profile } from './wire-schemas.ts';

/** Get User Info (spec §5.1): the authorizing user's profile. */
export const userInfoRoute = defineRoute({
  method: 'GET',
  name: 'user-info',
  printedPath: '/oauth/v1/endpoints/user-info',
  operationId: 'getUserInfo',
  summary: 'Get User Info',
  description:
    'The profile of the user who authorized your application: the documented `id`, `first_name`, `last_name`, plus email, phone, address and vehicles.',
  tags: ['User'],
  security: ANY_TOKEN,
  response: {
    200: json('The user’s profile.', envelopeSchema(Profile), {
      profile: { summary: 'John Doe', value: USER_INFO },
    }),
    ...apiFailures(),
  },
  handler: async ({ ctx, auth, reply }) => {
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
  },
});
