import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeHexId } from '../../access/ids.ts';
import { DoorNotFound, type ToggleResult, toggleDoor } from '../../access/toggle.ts';
import type { AppContext } from '../../app-context.ts';
import { bearerChallenge } from '../../oauth/bearer.ts';
import { authenticate } from './api-auth.ts';
import { documentedPaths } from './paths.ts';

const HARDWARE = 'ParqEx Controller';

/** ParqEx docs, Toggle Access Point: the outcome messages, with our HTTP statuses (spec §5.4). */
export const TOGGLE_MESSAGES = {
  done: '200',
  malformed: `Error communicating with ${HARDWARE}. Malformed Request. (400)`,
  unauthorized: `Error communicating with ${HARDWARE}. Authentication error. (401)`,
  offline: `Sorry, your ${HARDWARE} can't be found. Please unplug the ${HARDWARE} and then plug it back in.`,
  no_sensor: `Your ${HARDWARE} requires pairing a door sensor before the request can be processed. (428)`,
  unsupported: `Error communicating with ${HARDWARE}. Not Implemented error. (501)`,
} as const;

/** The 429 message of the per-door cooldown (our decision: the docs' "wait about 20 s" advice). */
export function cooldownMessage(waitS: number): string {
  return `This door was just toggled. Please wait ${waitS} seconds before toggling it again.`;
}

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

function malformed(reply: FastifyReply, now: number, detail: string) {
  return reply
    .code(400)
    .send(outcomeBody(now, TOGGLE_MESSAGES.malformed, { code: 'invalid_request', message: detail }));
}

/** Toggle Access Point (spec §5.4), at every documented spelling. */
export function registerToggleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await authenticate(ctx, request, reply);
    if (!auth) return reply;
    const now = ctx.clock.now();
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return malformed(
        reply,
        now,
        'the body must be a JSON object {"door_id": …, "door_state": "OPEN"|"CLOSED"}',
      );
    }
    const { door_id: rawDoorId, door_state: state } = body as Record<string, unknown>;
    if (rawDoorId === undefined) return malformed(reply, now, 'door_id is required');
    const doorId = normalizeHexId(rawDoorId);
    if (!doorId)
      return malformed(reply, now, 'door_id must be a door id (32 hexadecimal characters or a UUID)');
    if (state !== 'OPEN' && state !== 'CLOSED')
      return malformed(reply, now, 'door_state must be "OPEN" or "CLOSED"');

    const client = await ctx.store.findClient(auth.clientId);
    let result: ToggleResult;
    try {
      result = await toggleDoor(
        ctx.toggleDeps,
        { ...auth, channel: client?.name ?? 'API', clientId: auth.clientId, scopes: auth.scopes },
        { doorId, state },
        { apiOnly: true, now },
      );
    } catch (error) {
      if (error instanceof DoorNotFound) {
        return reply
          .code(404)
          .send({ errors: [{ code: 'door_not_found', message: 'No door with this id.' }] });
      }
      throw error;
    }
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
  };
  // Malformed JSON is answered with the documented malformed-request message too.
  const errorHandler = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    if (error.statusCode === 400 || error.statusCode === 415)
      return malformed(reply, ctx.clock.now(), error.message);
    throw error;
  };
  for (const url of documentedPaths('toggle'))
    app.post(url, { errorHandler, config: { idempotent: 'toggle' } }, handler);
}
