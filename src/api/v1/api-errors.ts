import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CannotInviteYourself,
  DeviceNotFound,
  DoorNotFound,
  DoorNotInAccount,
  InvitationMailFailed,
  NotAccountAdmin,
  NothingToRemove,
} from '../../access/errors.ts';
import { bodyRefusal } from '../../lib/body-refusal.ts';
import { DomainError, isDomainError, statusOfKind } from '../../lib/domain-error.ts';
import { apiError, INTERNAL_ERROR_MESSAGE } from './envelope.ts';

/** What the documented API answers for a failed request (spec §4): a status, a stable code, words. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  /** The input was refused before any work was done (the toggle then answers its documented body). */
  isInvalidInput: boolean;
}

/**
 * The wire words of domain errors, by error class, where the API's words differ from the domain's
 * (the domain's message is sent otherwise). Keyed by the class itself, so a renamed class is a
 * compile error here rather than a silently changed message.
 */
const WIRE_MESSAGES = new Map<abstract new (...args: never[]) => DomainError, (error: DomainError) => string>(
  [
    [DoorNotFound, () => 'No door with this id.'],
    [DeviceNotFound, () => 'No device with this id.'],
    [DoorNotInAccount, (error) => `No door with the id ${(error as DoorNotInAccount).doorId}.`],
    [CannotInviteYourself, () => 'You already have every door of your account.'],
    [NotAccountAdmin, () => "Only the account's Admin can share its doors."],
    [NothingToRemove, () => 'Nobody with this email or id has access to these doors.'],
    [
      InvitationMailFailed,
      () => 'The invitation email could not be sent, so no invitation was made. Please try again later.',
    ],
  ],
);

/** Any error of the documented API as what the client is told; undefined for an unexpected one. */
export function refusalOf(error: unknown): Refusal | undefined {
  if (isDomainError(error)) {
    const words = WIRE_MESSAGES.get(error.constructor as abstract new (...args: never[]) => DomainError);
    return {
      status: statusOfKind(error.kind),
      code: error.code,
      message: words ? words(error) : error.message,
      isInvalidInput: error.kind === 'invalid_input',
    };
  }
  const refused = bodyRefusal(error, 'JSON, sent with Content-Type: application/json');
  return refused && { ...refused, isInvalidInput: true };
}

/** A refusal of input the schema cannot see (two fields that exclude each other, an email's form). */
export class InvalidRequest extends DomainError {
  constructor(message: string) {
    super('invalid_request', 'invalid_input', message);
  }
}

/**
 * The one renderer of the documented API's failures (spec §4): `{"errors":[{"code","message"}]}`
 * with the kind's status, or the endpoint's own documented body for refused input (toggle). An
 * unexpected error is a 500 that reveals nothing; its cause is logged under the request id.
 */
export async function renderApiError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  invalidInputBody?: (error: { code: string; message: string }) => unknown,
): Promise<FastifyReply> {
  const refusal = refusalOf(error);
  reply.header('cache-control', 'no-store');
  if (!refusal) {
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(apiError('internal_error', INTERNAL_ERROR_MESSAGE));
  }
  request.log.info({ code: refusal.code, status: refusal.status }, 'request refused');
  if (refusal.isInvalidInput && invalidInputBody) {
    // An endpoint with its own refused-input body (the toggle, parqex-api.md §5.4) documents one
    // status for every malformed request: 400, whatever Fastify refused (too large, not JSON).
    return reply.code(400).send(invalidInputBody({ code: refusal.code, message: refusal.message }));
  }
  return reply.code(refusal.status).send(apiError(refusal.code, refusal.message));
}
