import { normalizeHexId } from '../../access/ids.ts';
import { inviteUser } from '../../access/invite-user.ts';
import { listSharing } from '../../access/list-sharing.ts';
import { type RemovalTarget, removeAccess } from '../../access/remove-access.ts';
import { findUserById, isEmailAddress, normalizeEmail } from '../../accounts/users.ts';
import { DomainError } from '../../lib/domain-error.ts';
import { formatLocal } from '../../lib/time.ts';
import type { AuthContext } from '../../oauth/bearer.ts';
import type { ApiDeps } from './api-deps.ts';
import { InvalidRequest } from './api-errors.ts';
import { ANY_TOKEN, type ApiRoute, defineRoute, type ResponseDoc } from './define-route.ts';
import { envelope } from './envelope.ts';
import { apiFailures, bodyFailures, json, refused, withExamples } from './response-docs.ts';
import { apiError, INVITE, INVITE_REQUEST, REMOVE_ACCESS_REQUEST } from './wire-examples.ts';
import {
  AccessGranted,
  AccessRemoved,
  ApiErrors,
  envelope as envelopeSchema,
  InvitationSent,
  InviteRequest,
  RemoveAccessRequest,
  Sharing,
} from './wire-schemas.ts';

/** Refused callers of the invitation endpoints (spec §5.6). */
class NotInternalClient extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', 'Inviting users is available to ParqEx applications only.');
  }
}
class NotTheAdmin extends DomainError {
  constructor() {
    super('forbidden', 'forbidden', "Only the account's Admin can share its doors.");
  }
}

/**
 * Spec §5.6: only through a first-party application (a client staff marked internal), for the
 * account's Admin; every other caller gets 403, before its input is even read.
 */
async function admitInternalAdmin(ctx: ApiDeps, auth: AuthContext): Promise<void> {
  const client = await ctx.store.findClient(auth.clientId);
  if (!client?.isInternal) throw new NotInternalClient();
  if (auth.role !== 'admin') throw new NotTheAdmin();
}

function emailField(value: string): string {
  const email = normalizeEmail(value);
  if (value.trim() === '' || !isEmailAddress(email))
    throw new InvalidRequest('email must be an email address');
  return email;
}

/** The schema checked every id's form; these are their canonical spellings. */
function doorIdsField(value: string[]): string[] {
  return value.map((raw) => normalizeHexId(raw)!);
}

/** Spec §4: user ids are dashed UUIDs; both forms are accepted, dashes optional, any case. */
function userIdField(value: string): string {
  const hex = normalizeHexId(value)!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A mail failure's code (`ECONNECTION`, `EENVELOPE`, …): never the message, which may quote the mail. */
function mailErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

const INVITE_ROLE =
  'Internal: only applications ParqEx marks as internal (first-party) may call it, for the Admin of the account.';

const FORBIDDEN: ResponseDoc = json(
  'Not a ParqEx application, or the user is not the account’s Admin.',
  ApiErrors,
  {
    thirdParty: {
      summary: 'A third-party application',
      value: apiError('forbidden', 'Inviting users is available to ParqEx applications only.'),
    },
    notAdmin: {
      summary: 'Not the Admin',
      value: apiError('forbidden', "Only the account's Admin can share its doors."),
    },
  },
);

const SHARING = {
  name: 'invite',
  printedPath: '/oauth/v1/endpoints/invite',
  tags: ['Sharing (internal)'],
  security: ANY_TOKEN,
  admit: admitInternalAdmin,
} satisfies Partial<ApiRoute>;

const timeZoneOf = async (ctx: ApiDeps, auth: AuthContext) =>
  (await findUserById(ctx.db, auth.userId))?.timeZone ?? 'UTC';

/** Invite User (spec §5.6, internal): share doors of the Admin's account by email. */
export const inviteRoute = defineRoute({
  ...SHARING,
  method: 'POST',
  idempotent: 'invite',
  operationId: 'inviteUser',
  summary: 'Invite User (internal)',
  description: `Shares doors of the Admin’s account with a person by email. An existing user gets access at once and a notification email (\`200\`, \`access_granted\`); an unknown email gets a pending invitation and a sign-up email (\`201\`, \`invitation_sent\`), and access starts when they sign up. ${INVITE_ROLE}`,
  body: withExamples(InviteRequest, { invite: { summary: 'Share one door', value: INVITE_REQUEST } }),
  response: {
    200: json('An existing user: access given at once.', envelopeSchema(AccessGranted), {
      granted: { summary: 'Access given', value: INVITE.granted },
    }),
    201: json('An unknown email: invitation sent.', envelopeSchema(InvitationSent), {
      invited: { summary: 'Invitation sent', value: INVITE.invited },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: FORBIDDEN,
    404: refused(
      'A door that is not the account’s.',
      'Unknown door',
      'door_not_found',
      'No door with the id 70fc7ebd63d841d9a9f06ff815be1e7c.',
    ),
    503: refused(
      'The invitation email could not be sent, so no invitation was made.',
      'Mail down',
      'mail_not_sent',
      'The invitation email could not be sent, so no invitation was made. Please try again later.',
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as { email: string; door_ids: string[] };
    const input = { email: emailField(body.email), doorIds: doorIdsField(body.door_ids) };
    const now = ctx.clock.now();
    const outcome = await inviteUser(
      { db: ctx.db, mailer: ctx.mailer, publicUrl: ctx.publicUrl, now },
      auth,
      input,
    ).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'mail_not_sent')
        request.log.error(
          { event: 'mail.failed', mailError: mailErrorCode((error as Error).cause) },
          'invitation email not sent',
        );
      throw error;
    });
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
            expires_at: formatLocal(outcome.expiresAt, await timeZoneOf(ctx, auth)),
            email_sent: true,
          },
          now,
        ),
      );
  },
});

/** The account's pending invitations and shared access (spec §5.6, internal). */
export const listSharingRoute = defineRoute({
  ...SHARING,
  method: 'GET',
  operationId: 'listInvitations',
  summary: 'List invitations and shared access (internal)',
  description: `The account’s pending invitations and the people its doors are shared with. ${INVITE_ROLE}`,
  response: {
    200: json('Invitations and shared access.', envelopeSchema(Sharing), {
      list: { summary: 'One invitation, one person', value: INVITE.list },
    }),
    ...apiFailures(),
    403: FORBIDDEN,
  },
  handler: async ({ ctx, auth, reply }) => {
    const now = ctx.clock.now();
    const { invitations, shared } = await listSharing(ctx.db, auth, now);
    const zone = await timeZoneOf(ctx, auth);
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
  },
});

/** Take back shared access and pending invitations (spec §5.6, internal). */
export const removeAccessRoute = defineRoute({
  ...SHARING,
  method: 'DELETE',
  operationId: 'removeAccess',
  summary: 'Remove shared access (internal)',
  description: `Takes back access given to a person and cancels their pending invitations: the listed doors, or all of them when \`door_ids\` is absent. ${INVITE_ROLE}`,
  body: withExamples(RemoveAccessRequest, {
    remove: { summary: 'Take back one door', value: REMOVE_ACCESS_REQUEST },
  }),
  response: {
    200: json('Removed.', envelopeSchema(AccessRemoved), {
      removed: { summary: 'Removed', value: INVITE.removed },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: FORBIDDEN,
    404: refused(
      'Nobody with this email or id has access to these doors.',
      'Nothing to remove',
      'not_found',
      'Nobody with this email or id has access to these doors.',
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as { email?: string; user_id?: string; door_ids?: string[] };
    if ((body.email === undefined) === (body.user_id === undefined))
      throw new InvalidRequest('name the person by exactly one of email or user_id');
    const target: RemovalTarget =
      body.email !== undefined ? { email: emailField(body.email) } : { userId: userIdField(body.user_id!) };
    const doorIds = body.door_ids === undefined ? undefined : doorIdsField(body.door_ids);
    const now = ctx.clock.now();
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
  },
});

export const inviteRoutes = [inviteRoute, listSharingRoute, removeAccessRoute];
