import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeHexId } from '../../access/ids.ts';
import {
  CannotInviteYourself,
  DoorNotInAccount,
  InvitationMailFailed,
  inviteUser,
  listSharing,
  NotAccountAdmin,
  NothingToRemove,
  type RemovalTarget,
  removeAccess,
} from '../../access/invitations.ts';
import { findUserById, isEmailAddress, normalizeEmail } from '../../accounts/users.ts';
import type { AppContext } from '../../app-context.ts';
import { formatLocal } from '../../lib/time.ts';
import type { AuthContext } from '../../oauth/bearer.ts';
import { authenticate } from './api-auth.ts';
import { apiError, envelope } from './envelope.ts';
import { documentedPaths } from './paths.ts';

/** At most this many doors in one request. */
const MAX_DOORS = 100;

class BadInput extends Error {
  readonly code = 'invalid_request';
}

function bodyObject(body: unknown, shape: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadInput(`the body must be a JSON object ${shape}`);
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new BadInput(`unknown field "${key}"; expected ${shape}`);
  }
  return body as Record<string, unknown>;
}

function emailField(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BadInput('email must be an email address');
  const email = normalizeEmail(value);
  if (!isEmailAddress(email)) throw new BadInput('email must be an email address');
  return email;
}

function doorIdsField(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new BadInput('door_ids must be a non-empty array of door ids');
  if (value.length > MAX_DOORS) throw new BadInput(`door_ids may name at most ${MAX_DOORS} doors`);
  return value.map((raw, i) => {
    const id = normalizeHexId(raw);
    if (!id) throw new BadInput(`door_ids[${i}] must be a door id (32 hexadecimal characters or a UUID)`);
    return id;
  });
}

/** Spec §4: user ids are dashed UUIDs; both forms are accepted, dashes optional, any case. */
function userIdField(value: unknown): string {
  const hex = normalizeHexId(value);
  if (!hex) throw new BadInput('user_id must be a user id (a UUID)');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const INVITE_SHAPE = '{"email": "…", "door_ids": ["…"]}';
const REMOVE_SHAPE = '{"email": "…" or "user_id": "…", "door_ids": ["…"] (optional)}';

function parseInvite(body: unknown): { email: string; doorIds: string[] } {
  const fields = bodyObject(body, INVITE_SHAPE, ['email', 'door_ids']);
  if (fields.email === undefined) throw new BadInput('email is required');
  if (fields.door_ids === undefined) throw new BadInput('door_ids is required');
  return { email: emailField(fields.email), doorIds: doorIdsField(fields.door_ids) };
}

function parseRemoval(body: unknown): { target: RemovalTarget; doorIds: string[] | undefined } {
  const fields = bodyObject(body, REMOVE_SHAPE, ['email', 'user_id', 'door_ids']);
  if ((fields.email === undefined) === (fields.user_id === undefined))
    throw new BadInput('name the person by exactly one of email or user_id');
  const target: RemovalTarget =
    fields.email !== undefined
      ? { email: emailField(fields.email) }
      : { userId: userIdField(fields.user_id) };
  return { target, doorIds: fields.door_ids === undefined ? undefined : doorIdsField(fields.door_ids) };
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send(apiError(code, message));
}

/**
 * Invite User (spec §5.6, internal): an account's Admin shares doors by email, lists who has
 * access, and removes access. Only through a first-party application (a client staff marked
 * internal); every other caller gets 403, before its input is even read.
 */
export function registerInviteRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** The Admin behind a token of an internal client, or undefined when the refusal was sent. */
  const admit = async (request: FastifyRequest, reply: FastifyReply): Promise<AuthContext | undefined> => {
    const auth = await authenticate(ctx, request, reply);
    if (!auth) return undefined;
    const client = await ctx.store.findClient(auth.clientId);
    if (!client?.isInternal) {
      refuse(reply, 403, 'forbidden', 'Inviting users is available to ParqEx applications only.');
      return undefined;
    }
    if (auth.role !== 'admin') {
      refuse(reply, 403, 'forbidden', "Only the account's Admin can share its doors.");
      return undefined;
    }
    return auth;
  };

  /** Domain and input errors to the documented error envelope; anything else is unexpected. */
  const render = (request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof BadInput) return refuse(reply, 400, error.code, error.message);
    if (error instanceof CannotInviteYourself)
      return refuse(reply, 400, error.code, 'You already have every door of your account.');
    if (error instanceof NotAccountAdmin)
      return refuse(reply, 403, error.code, "Only the account's Admin can share its doors.");
    if (error instanceof DoorNotInAccount)
      return refuse(reply, 404, error.code, `No door with the id ${error.doorId}.`);
    if (error instanceof NothingToRemove)
      return refuse(reply, 404, error.code, 'Nobody with this email or id has access to these doors.');
    if (error instanceof InvitationMailFailed) {
      request.log.error(
        { event: 'mail.failed', mailError: mailErrorCode(error.cause) },
        'invitation email not sent',
      );
      return refuse(
        reply,
        503,
        error.code,
        'The invitation email could not be sent, so no invitation was made. Please try again later.',
      );
    }
    throw error;
  };

  const timeZoneOf = async (auth: AuthContext) =>
    (await findUserById(ctx.db, auth.userId))?.timeZone ?? 'UTC';

  const invite = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await admit(request, reply);
    if (!auth) return reply;
    const now = ctx.clock.now();
    try {
      const input = parseInvite(request.body);
      const outcome = await inviteUser(
        { db: ctx.db, mailer: ctx.mailer, publicUrl: ctx.publicUrl, now },
        auth,
        input,
      );
      if (outcome.result === 'access_granted') {
        if (outcome.mailError !== undefined)
          request.log.error(
            { event: 'mail.failed', mailError: mailErrorCode(outcome.mailError) },
            'access notification not sent',
          );
        request.log.info(
          {
            event: 'access.granted',
            accountId: auth.accountId,
            userId: outcome.userId,
            doors: outcome.doorIds.length,
          },
          'doors shared',
        );
        return reply.header('cache-control', 'no-store').send(
          envelope(
            {
              result: outcome.result,
              email: outcome.email,
              user_id: outcome.userId,
              door_ids: outcome.doorIds,
              email_sent: outcome.emailSent,
            },
            now,
          ),
        );
      }
      request.log.info(
        { event: 'invitation.sent', accountId: auth.accountId, invitationId: outcome.invitationId },
        'invitation sent',
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(
          envelope(
            {
              result: outcome.result,
              email: outcome.email,
              invitation_id: outcome.invitationId,
              door_ids: outcome.doorIds,
              expires_at: formatLocal(outcome.expiresAt, await timeZoneOf(auth)),
              email_sent: true,
            },
            now,
          ),
        );
    } catch (error) {
      return render(request, reply, error);
    }
  };

  const list = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await admit(request, reply);
    if (!auth) return reply;
    const now = ctx.clock.now();
    try {
      const { invitations, shared } = await listSharing(ctx.db, auth, now);
      const zone = await timeZoneOf(auth);
      return reply.header('cache-control', 'no-store').send(
        envelope(
          {
            invitations: invitations.map((i) => ({
              id: i.id,
              email: i.email,
              door_ids: i.doorIds,
              invited_by: i.invitedBy,
              created_at: formatLocal(i.createdAt, zone),
              expires_at: formatLocal(i.expiresAt, zone),
            })),
            shared_access: shared.map((s) => ({
              user: { id: s.userId, first_name: s.firstName, last_name: s.lastName, email: s.email },
              doors: s.doors.map((d) => ({
                door_id: d.doorId,
                name: d.name,
                granted_by: d.grantedBy,
                granted_at: formatLocal(d.grantedAt, zone),
              })),
            })),
          },
          now,
        ),
      );
    } catch (error) {
      return render(request, reply, error);
    }
  };

  const remove = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await admit(request, reply);
    if (!auth) return reply;
    const now = ctx.clock.now();
    try {
      const { target, doorIds } = parseRemoval(request.body);
      const removed = await removeAccess(ctx.db, auth, target, doorIds, now);
      request.log.info(
        {
          event: 'access.removed',
          accountId: auth.accountId,
          userId: removed.userId,
          doors: removed.removedDoorIds.length,
          invitations: removed.revokedInvitations,
        },
        'access removed',
      );
      return reply.header('cache-control', 'no-store').send(
        envelope(
          {
            email: removed.email,
            user_id: removed.userId,
            removed_door_ids: removed.removedDoorIds,
            revoked_invitations: removed.revokedInvitations,
          },
          now,
        ),
      );
    } catch (error) {
      return render(request, reply, error);
    }
  };

  for (const url of documentedPaths('invite')) {
    app.post(url, { config: { idempotent: 'invite' } }, invite);
    app.get(url, list);
    app.delete(url, remove);
  }
}

/** A mail failure's code (`ECONNECTION`, `EENVELOPE`, …): never the message, which may quote the mail. */
function mailErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}
