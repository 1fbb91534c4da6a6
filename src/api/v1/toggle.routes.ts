import { normalizeHexId } from '../../access/ids.ts';
import { type ToggleResult, toggleDoor } from '../../access/toggle.ts';
import { bearerChallenge } from '../../oauth/bearer.ts';
import { API_SECURITY, defineRoute } from './define-route.ts';
import { apiFailures, json, withExamples } from './response-docs.ts';
import { cooldownMessage, TOGGLE_MESSAGES } from './toggle-messages.ts';
import { apiError, TOGGLE, TOGGLE_REQUEST } from './wire-examples.ts';
import { ApiErrors, ToggleOutcome, ToggleRequest } from './wire-schemas.ts';

export { cooldownMessage, TOGGLE_MESSAGES };

const STATUS: Record<Exclude<ToggleResult['outcome'], 'done' | 'insufficient_scope' | 'cooldown'>, number> = {
  offline: 503,
  no_sensor: 428,
  unsupported: 501,
  unauthorized: 502,
};

/**
 * The documented body on every outcome (`success` true only when done — the docs print `true` on
 * every tab, and invalid JSON), plus our `errors` array with a stable code on failures.
 */
function outcomeBody(now: number, message: string, error?: { code: string; message: string }) {
  return { success: error === undefined, timestamp: now, message, ...(error ? { errors: [error] } : {}) };
}

const { oauth, bearer } = API_SECURITY;

/** Toggle Access Point (spec §5.4), at every documented spelling. */
export const toggleRoute = defineRoute({
  method: 'POST',
  name: 'toggle',
  idempotent: 'toggle',
  printedPath: '/oauth/v1/endpoint/toggle',
  operationId: 'toggleAccessPoint',
  summary: 'Toggle Access Point',
  description:
    'Asks a door (gate, garage door, pedestrian door, elevator button) to open or close. The controller decides what to do given the door’s known state. Printed by the docs as `/oauth/v1/endpoint/toggle` (singular); `/oauth/v1/endpoints/toggle` and the `/api/…` spellings work too.\n\n- `OPEN` needs the `OPENDOOR` scope, `CLOSED` the `CLOSEDOOR` scope (else `403`).\n- A door the user cannot reach is `404`, whoever owns it.\n- Wait about 20 seconds between toggles of the same door: sooner is `429` with `Retry-After`.\n- Every attempt, successful or not, is written to the access history.\n\nThe body has `success` (true only when done), `timestamp` and the documented `message`; failures add `errors` with a stable `code`. A malformed request (bad JSON, a missing or invalid field) answers the documented malformed-request message, with `errors` saying what is wrong.',
  tags: ['Access points'],
  security: [{ [oauth]: ['OPENDOOR'] }, { [oauth]: ['CLOSEDOOR'] }, { [bearer]: [] }],
  'x-scopes': '`OPENDOOR` to open (`door_state` `OPEN`), `CLOSEDOOR` to close (`door_state` `CLOSED`).',
  body: withExamples(ToggleRequest, { open: { summary: 'Open a door', value: TOGGLE_REQUEST } }),
  response: {
    200: json('Done.', ToggleOutcome, { done: { summary: 'Done', value: TOGGLE.done } }),
    400: json(
      'Malformed request: bad JSON, a missing or invalid field, a body over 64 KiB or not JSON (its `errors` code says which: `invalid_request`, `body_too_large`, `unsupported_media_type`).',
      ToggleOutcome,
      {
        malformed: { summary: 'Malformed request', value: TOGGLE.malformed },
      },
    ),
    401: apiFailures()[401],
    403: json(
      'The token lacks the scope this action needs.',
      ToggleOutcome,
      { insufficientScope: { summary: 'Missing OPENDOOR', value: TOGGLE.insufficientScope } },
      {
        'WWW-Authenticate': {
          type: 'string',
          description: '`Bearer realm="parqex", error="insufficient_scope", …, scope="OPENDOOR"`',
        },
      },
    ),
    404: json('No door with this id that the user can reach.', ApiErrors, {
      notFound: { summary: 'Unknown door', value: apiError('door_not_found', 'No door with this id.') },
    }),
    428: json('The door needs a paired door sensor first.', ToggleOutcome, {
      noSensor: { summary: 'No door sensor', value: TOGGLE.noSensor },
    }),
    429: json(
      'The door was toggled moments ago.',
      ToggleOutcome,
      { cooldown: { summary: 'Too soon', value: TOGGLE.cooldown } },
      { 'Retry-After': { type: 'integer', description: 'Seconds until the door may be toggled again.' } },
    ),
    500: apiFailures()[500],
    501: json('The controller does not support this action.', ToggleOutcome, {
      unsupported: { summary: 'Not implemented', value: TOGGLE.unsupported },
    }),
    502: json('The controller rejected our credentials.', ToggleOutcome, {
      unauthorized: { summary: 'Controller authentication error', value: TOGGLE.unauthorized },
    }),
    503: json('The controller is offline or cannot be found.', ToggleOutcome, {
      offline: { summary: 'Controller offline', value: TOGGLE.offline },
    }),
  },
  // Spec §5.4: a malformed request (bad JSON too) gets the documented message.
  invalidInputBody: (ctx, error) => outcomeBody(ctx.clock.now(), TOGGLE_MESSAGES.malformed, error),
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as { door_id: string; door_state: 'OPEN' | 'CLOSED' };
    // The schema checked the id's form; this is its one canonical spelling.
    const doorId = normalizeHexId(body.door_id)!;
    const state = body.door_state;
    const now = ctx.clock.now();
    const client = await ctx.store.findClient(auth.clientId);
    const result = await toggleDoor(
      ctx.toggleDeps,
      { ...auth, channel: client?.name ?? 'API', clientId: auth.clientId, scopes: auth.scopes },
      { doorId, state },
      { apiOnly: true, now },
    );
    request.log.info({ event: 'door.toggle', doorId, state, outcome: result.outcome }, 'toggle');
    ctx.metrics.toggled(result.outcome, 'api');
    switch (result.outcome) {
      case 'done':
        return reply.send(outcomeBody(now, TOGGLE_MESSAGES.done));
      case 'insufficient_scope': {
        const description = `this action needs the ${result.scope} scope`;
        return reply
          .code(403)
          .header(
            'www-authenticate',
            bearerChallenge({ status: 403, error: 'insufficient_scope', description, scope: result.scope }),
          )
          .send(outcomeBody(now, description, { code: 'insufficient_scope', message: description }));
      }
      case 'cooldown': {
        const message = cooldownMessage(result.retryAfterS);
        return reply
          .code(429)
          .header('retry-after', String(result.retryAfterS))
          .send(outcomeBody(now, message, { code: 'door_cooldown', message }));
      }
      default: {
        const message = TOGGLE_MESSAGES[result.outcome];
        return reply
          .code(STATUS[result.outcome])
          .send(outcomeBody(now, message, { code: `controller_${result.outcome}`, message }));
      }
    }
  },
});
