import { normalizeHexId } from '../../../access/ids.ts';
import { listMembers, type MemberView, setPermissions } from '../../../accounts/permissions.ts';
import { ANY_TOKEN, type ApiRoute, defineRoute } from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { apiFailures, bodyFailures, json, refused, withExamples } from '../response-docs.ts';
import { envelope as envelopeSchema } from '../wire-schemas.ts';
import { actorOf } from './guest-passes.routes.ts';
import { MemberIdParams, Member as MemberSchema, Members, PermissionsRequest } from './guest-schemas.ts';
import { GUEST_EXAMPLES } from './guest-wire.ts';

/** Spec §4: user ids are dashed UUIDs; both forms are accepted, dashes optional, any case. */
function userIdOf(raw: string): string {
  const hex = normalizeHexId(raw)!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toWireMember(member: MemberView) {
  return {
    user_id: member.userId,
    first_name: member.firstName,
    last_name: member.lastName,
    email: member.email,
    role: member.role,
    permissions: { guests: member.permissions.guests, enforce: member.permissions.enforce },
  };
}

const NOT_ADMIN = refused(
  'Not the account’s Admin.',
  'Not the Admin',
  'forbidden',
  "only the account's Admin can set members' permissions",
);

const MEMBERS = {
  tags: ['Members'],
  security: ANY_TOKEN,
} satisfies Partial<ApiRoute>;

export const listMembersRoute = defineRoute({
  ...MEMBERS,
  method: 'GET',
  name: 'members',
  printedPath: '/oauth/v1/endpoints/members',
  operationId: 'listMembers',
  summary: 'List the account’s members',
  description:
    'The people of the Admin’s account with their permissions (products.md §0): `guests` (may create guest passes) and `enforce` (may act as a patrol agent). The Admin holds both. The Admin sees everyone; a User sees only themself. Any scope.',
  response: {
    200: json('The members.', envelopeSchema(Members), {
      members: { summary: 'Two people', value: GUEST_EXAMPLES.members },
    }),
    ...apiFailures(),
  },
  handler: async ({ ctx, auth, reply }) => {
    const now = ctx.clock.now();
    const members = await listMembers(ctx.db, actorOf(auth));
    return reply
      .header('cache-control', 'no-store')
      .send(envelope({ items: members.map(toWireMember) }, now));
  },
});

export const setPermissionsRoute = defineRoute({
  ...MEMBERS,
  method: 'PUT',
  name: 'members/:user_id/permissions',
  printedPath: '/oauth/v1/endpoints/members/{user_id}/permissions',
  params: MemberIdParams,
  operationId: 'setMemberPermissions',
  summary: 'Set a member’s permissions',
  description:
    'Gives or takes `guests` and `enforce` from a User of the account (a field left out stays as it is). Taking `guests` away leaves the passes already made. The Admin only; any scope. Another account’s person → 404.',
  body: withExamples(PermissionsRequest, {
    host: { summary: 'May invite guests', value: { guests: true, enforce: false } },
  }),
  response: {
    200: json('The member with their permissions.', envelopeSchema(MemberSchema), {
      member: { summary: 'Saved', value: GUEST_EXAMPLES.member },
    }),
    ...apiFailures(),
    ...bodyFailures(),
    403: NOT_ADMIN,
    404: refused(
      'No such person in the account.',
      'Unknown person',
      'member_not_found',
      'member 0b1e6c4a-5f3d-4e2a-9c8b-7d6e5f4a3b2c not found',
    ),
    422: refused(
      'The Admin’s own permissions come with the role.',
      'The Admin',
      'admin_permissions_fixed',
      "the account's Admin holds every permission",
    ),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const body = request.body as { guests?: boolean; enforce?: boolean };
    const now = ctx.clock.now();
    const member = await setPermissions(
      ctx.db,
      actorOf(auth),
      userIdOf((request.params as { user_id: string }).user_id),
      body,
    );
    request.log.info(
      { event: 'member.permissions', accountId: auth.accountId, userId: member.userId },
      'member permissions set',
    );
    return reply.header('cache-control', 'no-store').send(envelope(toWireMember(member), now));
  },
});

export const memberRoutes = [listMembersRoute, setPermissionsRoute];
