import { getPolicy, putPolicy } from '../../../guests/policies.ts';
import { type ApiRoute, defineRoute } from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { apiFailures, bodyFailures, json, withExamples } from '../response-docs.ts';
import { apiError } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema } from '../wire-schemas.ts';
import { actorOf, GUESTS_SECURITY } from './guest-passes.routes.ts';
import { GuestPolicy } from './guest-schemas.ts';
import { GUEST_EXAMPLES } from './guest-wire.ts';

const POLICY = {
  name: 'guest-policy',
  printedPath: '/oauth/v1/endpoints/guest-policy',
  tags: ['Guests'],
  security: GUESTS_SECURITY,
  scopes: ['GUESTS'],
  'x-scopes': 'GUESTS',
} satisfies Partial<ApiRoute>;

const FORBIDDEN = json('No `GUESTS` scope, or (to change it) not the account’s Admin.', ApiErrors, {
  insufficientScope: {
    summary: 'No GUESTS scope',
    value: apiError('insufficient_scope', 'this action needs the GUESTS scope'),
  },
  notAdmin: {
    summary: 'Not the Admin',
    value: apiError('forbidden', "only the account's Admin can set the guest policy"),
  },
});

function toWirePolicy(policy: {
  maxActivePassesPerHost: number | null;
  maxPassHours: number | null;
  maxDaysPerPlate30d: number | null;
}) {
  return {
    max_active_passes_per_host: policy.maxActivePassesPerHost,
    max_pass_hours: policy.maxPassHours,
    max_days_per_plate_30d: policy.maxDaysPerPlate30d,
  };
}

export const getGuestPolicyRoute = defineRoute({
  ...POLICY,
  method: 'GET',
  operationId: 'getGuestPolicy',
  summary: 'Get the guest policy',
  description:
    'The account’s limits on guest passes (null: no limit). Every person of the account may read them. Needs the `GUESTS` scope.',
  response: {
    200: json('The policy.', envelopeSchema(GuestPolicy), {
      policy: { summary: 'Limits', value: GUEST_EXAMPLES.policy },
    }),
    ...apiFailures(),
    403: FORBIDDEN,
  },
  handler: async ({ ctx, auth, reply }) => {
    const now = ctx.clock.now();
    const policy = await getPolicy(ctx.db, actorOf(auth));
    return reply.header('cache-control', 'no-store').send(envelope(toWirePolicy(policy), now));
  },
});

export const putGuestPolicyRoute = defineRoute({
  ...POLICY,
  method: 'PUT',
  operationId: 'putGuestPolicy',
  summary: 'Set the guest policy',
  description:
    'Replaces the account’s limits (every field required; null: no limit). New passes and window changes are checked against them (`422 policy_limit`); passes already made stay. The Admin only; needs the `GUESTS` scope.',
  body: withExamples(GuestPolicy, { limits: { summary: 'Limits', value: GUEST_EXAMPLES.policy.data } }),
  response: {
    200: json('The policy as saved.', envelopeSchema(GuestPolicy), {
      policy: { summary: 'Saved', value: GUEST_EXAMPLES.policy },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    400: json('Malformed, or a limit out of range.', ApiErrors, {
      invalidGuestPolicy: {
        summary: 'Out of range',
        value: apiError(
          'invalid_guest_policy',
          'max_days_per_plate_30d must be null (no limit) or a whole number from 1 to 30',
        ),
      },
    }),
    403: FORBIDDEN,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as {
      max_active_passes_per_host: number | null;
      max_pass_hours: number | null;
      max_days_per_plate_30d: number | null;
    };
    const now = ctx.clock.now();
    const policy = await putPolicy(
      ctx.db,
      actorOf(auth),
      {
        maxActivePassesPerHost: body.max_active_passes_per_host,
        maxPassHours: body.max_pass_hours,
        maxDaysPerPlate30d: body.max_days_per_plate_30d,
      },
      now,
    );
    request.log.info({ event: 'guest_policy.set', accountId: auth.accountId }, 'guest policy set');
    return reply.header('cache-control', 'no-store').send(envelope(toWirePolicy(policy), now));
  },
});

export const guestPolicyRoutes = [getGuestPolicyRoute, putGuestPolicyRoute];
