import type { Actor } from '../../../access/actor.ts';
import { normalizeHexId } from '../../../access/ids.ts';
import {
  createPass,
  type GuestPassStatus,
  getPass,
  listPasses,
  type NewGuestPass,
  revokePass,
  updatePassWindow,
} from '../../../guests/passes.ts';
import type { AuthContext } from '../../../oauth/bearer.ts';
import { InvalidRequest } from '../api-errors.ts';
import {
  API_SECURITY,
  type ApiRoute,
  defineRoute,
  type ResponseDoc,
  type Security,
} from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { apiFailures, bodyFailures, json, refused, withExamples } from '../response-docs.ts';
import { apiError } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema } from '../wire-schemas.ts';
import {
  CreatePassRequest,
  GuestPass,
  PassesQuery,
  PassIdParams,
  PassPage,
  UpdatePassRequest,
} from './guest-schemas.ts';
import { CREATE_PASS_REQUEST, GUEST_EXAMPLES, guestLinkUrl, toWirePass } from './guest-wire.ts';

/** An application's token with the `GUESTS` scope, or a bearer token. */
export const GUESTS_SECURITY: Security = [
  { [API_SECURITY.oauth]: ['GUESTS'] },
  { [API_SECURITY.bearer]: [] },
];

export function actorOf(auth: AuthContext): Actor {
  return { userId: auth.userId, accountId: auth.accountId, role: auth.role };
}

const GUESTS_SCOPE = 'Needs the `GUESTS` scope, else `403 insufficient_scope`.';
const WHO =
  'A host is the Admin, or a User the Admin gave the `guests` permission (`PUT /oauth/v1/endpoints/members/{user_id}/permissions`).';

const INSUFFICIENT_SCOPE: ResponseDoc = json(
  'The token lacks the `GUESTS` scope, or the person may not host guests.',
  ApiErrors,
  {
    insufficientScope: {
      summary: 'No GUESTS scope',
      value: apiError('insufficient_scope', 'this action needs the GUESTS scope'),
    },
    guestsNotPermitted: {
      summary: 'No guests permission',
      value: apiError(
        'guests_not_permitted',
        "creating guest passes needs the account Admin's `guests` permission",
      ),
    },
  },
);

const PASS_NOT_FOUND = refused(
  'No such pass among those this person may see (another account’s, or another host’s for a User). Nothing was written.',
  'Unknown pass',
  'guest_pass_not_found',
  'guest pass 3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e not found',
);

/** Refused input, in the service's words; nothing was written. */
const INVALID_PASS: ResponseDoc = json(
  'Malformed request or input that makes no pass (the message names the field). Nothing was written.',
  ApiErrors,
  {
    invalidRequest: {
      summary: 'Malformed request',
      value: apiError('invalid_request', 'the body is not valid JSON: Unexpected end of JSON input'),
    },
    invalidGuestPass: {
      summary: 'No door',
      value: apiError('invalid_guest_pass', 'door_ids: give at least one door'),
    },
    invalidTime: {
      summary: 'Not a time',
      value: apiError(
        'invalid_time',
        'ends must be RFC 3339 with an offset (2026-03-08T09:30:00-05:00) or a local YYYY-MM-DDTHH:MM[:SS], got "tomorrow"',
      ),
    },
    invalidWindow: {
      summary: 'End before start',
      value: apiError('invalid_window', 'ends must be after starts'),
    },
    nonexistentLocalTime: {
      summary: 'In a DST gap',
      value: apiError(
        'nonexistent_local_time',
        'starts 2026-03-08T02:30 does not exist in America/New_York (the clocks skip it); give a time with an offset or another time',
      ),
    },
  },
);

const POLICY_OR_PAST: ResponseDoc = json(
  'Refused by the account’s guest policy (the message names the rule and the numbers), or a start more than 5 minutes ago. Nothing was written.',
  ApiErrors,
  {
    policyLimit: {
      summary: 'Over the policy',
      value: apiError(
        'policy_limit',
        'max_pass_hours: this pass would last 96 hours; the account allows at most 72',
      ),
    },
    windowInPast: {
      summary: 'Starts in the past',
      value: apiError('window_in_past', 'the window starts more than 5 minutes ago'),
    },
  },
);

const PASSES = {
  name: 'guest-passes',
  printedPath: '/oauth/v1/endpoints/guest-passes',
  tags: ['Guests'],
  security: GUESTS_SECURITY,
  scopes: ['GUESTS'],
  'x-scopes': 'GUESTS',
} satisfies Partial<ApiRoute>;

const ONE_PASS = {
  ...PASSES,
  name: 'guest-passes/:id',
  printedPath: '/oauth/v1/endpoints/guest-passes/{id}',
  params: PassIdParams,
} satisfies Partial<ApiRoute>;

function passIdOf(params: unknown): string {
  return normalizeHexId((params as { id: string }).id)!;
}

/** The created pass's answer as kept for an idempotent replay: `link` null (its token is not kept). */
function withoutLink(body: string): string {
  const answer = JSON.parse(body) as { data?: { link?: string | null } };
  if (answer.data && typeof answer.data === 'object' && 'link' in answer.data) answer.data.link = null;
  return JSON.stringify(answer);
}

function send(reply: ApiCallReply, status: number, data: unknown, now: number) {
  return reply.code(status).header('cache-control', 'no-store').send(envelope(data, now));
}
type ApiCallReply = Parameters<ApiRoute['handler']>[0]['reply'];

export const createPassRoute = defineRoute({
  ...PASSES,
  method: 'POST',
  idempotent: 'create-guest-pass',
  // The link's token is a secret shown once: the replayed answer is kept without it.
  idempotentStored: withoutLink,
  operationId: 'createGuestPass',
  summary: 'Create a guest pass',
  description: `Lets a named guest through some of the host's doors for a window, with a link (\`/g/<token>\`) that opens them from a phone without an account and an 8-character code. ${WHO} The link is answered once, here: only its hash is kept. The link is shown once; a replay (the same \`Idempotency-Key\`) does not show it again: it answers the same pass with \`link: null\`. \`starts\` up to 5 minutes ago counts as now.

**Lending a booking** (\`booking_id\`, one of the caller's own confirmed bookings, else \`404 booking_not_found\`): the pass opens the booking's gates (leave \`door_ids\` out), \`starts\`/\`ends\` default to the booking's window and must lie inside it (\`422 window_outside_booking\`), and the plate is the guest's if given, else the booking's. For that window the guest's name and plate replace the host's: the host's own access to the gates (app and plate) stops, and comes back at once when the pass is revoked, and after its end. Cancelling the booking ends the pass. The host stays the payer. ${GUESTS_SCOPE}`,
  body: withExamples(CreatePassRequest, {
    pass: { summary: 'An evening visit', value: CREATE_PASS_REQUEST },
  }),
  response: {
    201: json('The pass, with its link (given only now).', envelopeSchema(GuestPass), {
      created: { summary: 'Created', value: GUEST_EXAMPLES.created },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    400: INVALID_PASS,
    403: INSUFFICIENT_SCOPE,
    404: refused(
      'A door the host cannot operate now (another account’s, or not shared with them), or a `booking_id` that is not one of the host’s own bookings (`booking_not_found`). Nothing was written.',
      'Unknown door',
      'door_not_found',
      'door e1f2a3b4c5d64e7f8a9b0c1d2e3f4a5b not found',
    ),
    409: refused(
      'The booking (`booking_id`) is cancelled or over, or part of the window is already lent. Nothing was written.',
      'Already lent',
      'booking_not_transferable',
      'part of this window is already lent',
    ),
    422: json(
      'Refused by the account’s guest policy (the message names the rule and the numbers), a start more than 5 minutes ago, or — lending a booking — a window not inside the booking’s. Nothing was written.',
      ApiErrors,
      {
        policyLimit: {
          summary: 'Over the policy',
          value: apiError(
            'policy_limit',
            'max_pass_hours: this pass would last 96 hours; the account allows at most 72',
          ),
        },
        windowInPast: {
          summary: 'Starts in the past',
          value: apiError('window_in_past', 'the window starts more than 5 minutes ago'),
        },
        windowOutsideBooking: {
          summary: 'Outside the booking',
          value: apiError(
            'window_outside_booking',
            "the window must lie inside the booking's, 2026-03-07T23:00:00.000Z to 2026-03-08T03:00:00.000Z",
          ),
        },
      },
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as {
      guest: { first_name: string; last_name: string; email?: string | null; phone?: string | null };
      plate?: string | null;
      starts?: string;
      ends?: string;
      door_ids?: string[];
      booking_id?: string;
    };
    if (body.ends === undefined && body.booking_id === undefined)
      throw new InvalidRequest('ends is required');
    const input: NewGuestPass = {
      guest: {
        firstName: body.guest.first_name,
        lastName: body.guest.last_name,
        email: body.guest.email ?? null,
        phone: body.guest.phone ?? null,
      },
      plate: body.plate ?? null,
      starts: body.starts,
      ends: body.ends,
      doorIds: (body.door_ids ?? []).map((raw) => normalizeHexId(raw)!),
      bookingId: body.booking_id === undefined ? undefined : normalizeHexId(body.booking_id)!,
    };
    const now = ctx.clock.now();
    const { pass, token } = await createPass(ctx, actorOf(auth), input, now);
    request.log.info(
      { event: 'guest_pass.created', accountId: auth.accountId, passId: pass.id, doors: pass.doorIds.length },
      'guest pass created',
    );
    return send(reply, 201, toWirePass(pass, guestLinkUrl(ctx.publicUrl, token)), now);
  },
});

export const listPassesRoute = defineRoute({
  ...PASSES,
  method: 'GET',
  operationId: 'listGuestPasses',
  summary: 'List guest passes',
  description: `The caller's own passes, newest first; the Admin sees every pass of the account. Keyset pages: \`limit\` (default 50, at most 200) and \`cursor\`. ${GUESTS_SCOPE}`,
  querystring: PassesQuery,
  response: {
    200: json('One page of passes.', envelopeSchema(PassPage), {
      page: { summary: 'One pass', value: GUEST_EXAMPLES.page },
    }),
    ...apiFailures(),
    403: INSUFFICIENT_SCOPE,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as { limit?: number; cursor?: string; status?: GuestPassStatus };
    const now = ctx.clock.now();
    const page = await listPasses(ctx.db, actorOf(auth), query, now);
    return send(
      reply,
      200,
      { items: page.items.map((p) => toWirePass(p)), next_cursor: page.nextCursor },
      now,
    );
  },
});

export const getPassRoute = defineRoute({
  ...ONE_PASS,
  method: 'GET',
  operationId: 'getGuestPass',
  summary: 'Get a guest pass',
  description: `One pass: its host, or the account's Admin. ${GUESTS_SCOPE}`,
  response: {
    200: json('The pass (its link is never shown again).', envelopeSchema(GuestPass), {
      pass: { summary: 'A pass', value: GUEST_EXAMPLES.pass },
    }),
    ...apiFailures(),
    403: INSUFFICIENT_SCOPE,
    404: PASS_NOT_FOUND,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const now = ctx.clock.now();
    const pass = await getPass(ctx.db, actorOf(auth), passIdOf(request.params), now);
    return send(reply, 200, toWirePass(pass), now);
  },
});

export const updatePassRoute = defineRoute({
  ...ONE_PASS,
  method: 'PATCH',
  operationId: 'updateGuestPass',
  summary: 'Change a guest pass’s window',
  description: `Moves the start, the end or both (the same rules and policy as creating). A revoked or expired pass cannot change. ${GUESTS_SCOPE}`,
  body: withExamples(UpdatePassRequest, {
    later: { summary: 'Stay an hour longer', value: { ends: '2026-03-07T23:00' } },
  }),
  response: {
    200: json('The pass with its new window.', envelopeSchema(GuestPass), {
      pass: { summary: 'Changed', value: GUEST_EXAMPLES.pass },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: INSUFFICIENT_SCOPE,
    404: PASS_NOT_FOUND,
    400: INVALID_PASS,
    409: json(
      'The pass was revoked or has expired, or it lends a booking (its window is fixed).',
      ApiErrors,
      {
        guest_pass_ended: {
          summary: 'Revoked',
          value: apiError('guest_pass_ended', 'guest pass 3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e is revoked'),
        },
        lent_window_fixed: {
          summary: 'Lends a booking',
          value: apiError(
            'lent_window_fixed',
            'a pass lending a booking keeps its window; revoke it (the booking returns to you) and lend again',
          ),
        },
      },
    ),
    422: POLICY_OR_PAST,
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as { starts?: string; ends?: string };
    const now = ctx.clock.now();
    const pass = await updatePassWindow(
      ctx,
      actorOf(auth),
      passIdOf(request.params),
      { starts: body.starts, ends: body.ends },
      now,
    );
    request.log.info({ event: 'guest_pass.updated', passId: pass.id }, 'guest pass window changed');
    return send(reply, 200, toWirePass(pass), now);
  },
});

export const revokePassRoute = defineRoute({
  ...ONE_PASS,
  method: 'DELETE',
  operationId: 'revokeGuestPass',
  summary: 'Revoke a guest pass',
  description: `Ends the pass at once, on every server: its link opens nothing more and its doors refuse the guest (a transferred booking returns to the host). Revoking a revoked pass answers it as it is. ${GUESTS_SCOPE}`,
  response: {
    200: json('The revoked pass.', envelopeSchema(GuestPass), {
      revoked: { summary: 'Revoked', value: GUEST_EXAMPLES.revoked },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: INSUFFICIENT_SCOPE,
    404: PASS_NOT_FOUND,
    409: refused(
      'The pass has already expired: there is nothing to revoke.',
      'Expired',
      'guest_pass_ended',
      'guest pass 3f2e1d0c9b8a47f6a5e4d3c2b1a09f8e is expired',
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const now = ctx.clock.now();
    const pass = await revokePass(ctx, actorOf(auth), passIdOf(request.params), now);
    request.log.info({ event: 'guest_pass.revoked', passId: pass.id }, 'guest pass revoked');
    return send(reply, 200, toWirePass(pass), now);
  },
});

export const guestPassRoutes = [
  createPassRoute,
  listPassesRoute,
  getPassRoute,
  updatePassRoute,
  revokePassRoute,
];
