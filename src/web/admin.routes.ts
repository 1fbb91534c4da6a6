import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CannotInviteYourself,
  DeviceInputError,
  DoorNotInAccount,
  InvitationMailFailed,
  NothingToRemove,
} from '../access/errors.ts';
import { normalizeHexId } from '../access/ids.ts';
import { inviteUser } from '../access/invite-user.ts';
import { listSharing } from '../access/list-sharing.ts';
import { type RemovalTarget, removeAccess } from '../access/remove-access.ts';
import {
  changeSimulatorSettings,
  type DeviceView,
  type DoorView,
  listDevices,
  type SimulatorChange,
} from '../access/simulator-settings.ts';
import { listMembers, MemberNotFound, setPermissions } from '../accounts/permissions.ts';
import { isEmailAddress, normalizeEmail } from '../accounts/users.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { adminDevicesPage, type DeviceNotice } from './pages/admin-devices-page.ts';
import { type AccountDoor, adminSharingPage } from './pages/admin-sharing-page.ts';
import { notFound, type SignedIn, signedIn, signedInForm } from './signed-in.ts';
import type { WebDeps } from './web-deps.ts';
import type { WebSessions } from './web-session.ts';

/** What a change on the devices page did (codes in the address, words here). */
const DEVICE_SAVED: Record<string, string> = {
  online: 'The controller is online.',
  offline: 'The controller is offline: opening or closing its doors gets the “can’t be found” (503) message.',
  sensor_on: 'Door sensor paired.',
  sensor_off: 'Door sensor unpaired: opening or closing this door gets the “requires pairing” (428) message.',
  unsupported: 'The actions the controller refuses were saved.',
  state_OPEN: 'The door is now open, as if moved by hand.',
  state_CLOSED: 'The door is now closed, as if moved by hand.',
  api_on: 'Applications can now see, open and close this door.',
  api_off: 'Applications no longer see this door: for them it does not exist (404).',
};

/** What a change on the sharing page did. */
const SHARING_DONE: Record<string, { message: string; anchor: string }> = {
  granted: { message: 'Shared: they can use these doors now, and were told by email.', anchor: 'people' },
  granted_no_mail: {
    message: 'Shared: they can use these doors now. The notification email could not be sent.',
    anchor: 'people',
  },
  invited: { message: 'Invitation sent: access starts when they sign up.', anchor: 'invitations' },
  removed: { message: 'Access removed.', anchor: 'people' },
  permissions: { message: 'Permissions saved.', anchor: 'members' },
};

function actorOf(web: SignedIn) {
  return { userId: web.user.id, accountId: web.user.accountId, role: web.user.role };
}

/** Spec §4: user ids are dashed UUIDs; the form's is accepted in either form. */
function userIdOf(raw: string | null): string | undefined {
  const hex = normalizeHexId(raw);
  return (
    hex && `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  );
}

function accountDoors(devices: DeviceView[]): AccountDoor[] {
  return devices.flatMap((v) =>
    v.doors.map((d) => ({
      id: d.id,
      name: d.name,
      controller: v.blackboxCode,
      entityNumber: d.entityNumber,
    })),
  );
}

/**
 * The Admin's pages: the account's controllers and doors (applications' access per door, the
 * simulator's state) and sharing (invitations, who has access, removal). Users get the 403 page.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  const devicesOf = (web: SignedIn) => listDevices(ctx.db, { accountId: web.user.accountId });

  /** The Admin's own door named by the form, with its controller; undefined for anyone else's. */
  const findDoor = async (web: SignedIn, raw: string | null) => {
    const id = normalizeHexId(raw);
    if (!id) return undefined;
    for (const device of await devicesOf(web)) {
      const door = device.doors.find((d) => d.id === id);
      if (door) return { device, door };
    }
    return undefined;
  };

  app.get('/admin', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/admin', { adminOnly: true });
    if (!web) return reply;
    const query = request.query as Record<string, string | undefined>;
    const devices = await devicesOf(web);
    let notice: DeviceNotice | undefined;
    const device = devices.find((d) => d.id === normalizeHexId(query.device));
    if (device && query.saved !== undefined && Object.hasOwn(DEVICE_SAVED, query.saved)) {
      notice = { deviceId: device.id, message: DEVICE_SAVED[query.saved]!, isError: false };
    } else if (device && query.error === 'hardware') {
      notice = {
        deviceId: device.id,
        message: 'This controller is hardware: it cannot be simulated.',
        isError: true,
      };
    }
    return setPageHeaders(reply).send(
      adminDevicesPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        devices,
        now: ctx.clock.now(),
        notice,
      }),
    );
  });

  /** Applies a change through the simulator settings service and goes back to the controller's card. */
  const apply = async (
    reply: FastifyReply,
    device: DeviceView,
    door: DoorView | undefined,
    change: SimulatorChange,
    saved: string,
  ) => {
    const anchor = door ? `door-${door.id}` : `device-${device.id}`;
    try {
      await changeSimulatorSettings(
        ctx.db,
        device.id,
        { ...change, ...(door ? { entityNumber: door.entityNumber } : {}) },
        ctx.clock.now(),
      );
    } catch (error) {
      if (error instanceof DeviceInputError)
        return reply.redirect(`/admin?device=${device.id}&error=hardware#${anchor}`, 303);
      throw error;
    }
    return reply.redirect(`/admin?device=${device.id}&saved=${saved}#${anchor}`, 303);
  };

  app.post('/admin/doors/api', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const found = await findDoor(posted.web, posted.form.get('door_id'));
    if (!found) return notFound(reply, 'Door');
    const enabled = posted.form.get('enabled') === '1';
    request.log.info({ event: 'door.api_access', doorId: found.door.id, enabled }, 'door API opt-in changed');
    return apply(reply, found.device, found.door, { isApiEnabled: enabled }, enabled ? 'api_on' : 'api_off');
  });

  app.post('/admin/simulator', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const { web, form } = posted;
    if (form.has('device_id')) {
      const device = (await devicesOf(web)).find((d) => d.id === normalizeHexId(form.get('device_id')));
      if (!device) return notFound(reply, 'Controller');
      const online = form.get('online') === '1';
      return apply(reply, device, undefined, { isOnline: online }, online ? 'online' : 'offline');
    }
    const found = await findDoor(web, form.get('door_id'));
    if (!found) return notFound(reply, 'Door');
    const { device, door } = found;
    const sensor = form.get('sensor');
    const state = form.get('state');
    const unsupported = form.get('unsupported');
    if (sensor === '0' || sensor === '1') {
      return apply(
        reply,
        device,
        door,
        { hasSensor: sensor === '1' },
        sensor === '1' ? 'sensor_on' : 'sensor_off',
      );
    }
    if (state === 'OPEN' || state === 'CLOSED')
      return apply(reply, device, door, { state }, `state_${state}`);
    if (unsupported === 'none' || unsupported === 'open' || unsupported === 'close') {
      return apply(reply, device, door, { unsupported }, 'unsupported');
    }
    return reply.redirect(`/admin#door-${door.id}`, 303);
  });

  const renderSharing = async (
    reply: FastifyReply,
    web: SignedIn,
    extra: Pick<Parameters<typeof adminSharingPage>[0], 'notice' | 'error' | 'draft'> = {},
  ) => {
    const { invitations, shared } = await listSharing(ctx.db, actorOf(web), ctx.clock.now());
    return setPageHeaders(reply).send(
      adminSharingPage({
        csrfToken: web.session.csrfToken,
        user: web.user,
        doors: accountDoors(await devicesOf(web)),
        invitations,
        shared,
        members: await listMembers(ctx.db, actorOf(web)),
        ...extra,
      }),
    );
  };

  app.get('/admin/sharing', async (request, reply) => {
    const web = await signedIn(sessions, request, reply, '/admin/sharing', { adminOnly: true });
    if (!web) return reply;
    const done = (request.query as Record<string, string | undefined>).done;
    const notice =
      done !== undefined && Object.hasOwn(SHARING_DONE, done) ? SHARING_DONE[done]!.message : undefined;
    return renderSharing(reply, web, { notice });
  });

  app.post('/admin/sharing/invite', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const { web, form } = posted;
    const email = normalizeEmail(form.get('email') ?? '');
    const rawDoorIds = form.getAll('door_id');
    const doorIds = rawDoorIds.map((raw) => normalizeHexId(raw));
    if (doorIds.some((id) => id === undefined)) return notFound(reply, 'Door');
    const draft = { email, doorIds: doorIds as string[] };
    const again = (status: number, error: string) => renderSharing(reply.code(status), web, { error, draft });
    if (!isEmailAddress(email)) return again(400, 'Enter an email address.');
    if (doorIds.length === 0) return again(400, 'Choose at least one door to share.');
    try {
      const outcome = await inviteUser(
        { db: ctx.db, mailer: ctx.mailer, publicUrl: ctx.publicUrl, now: ctx.clock.now() },
        actorOf(web),
        { email, doorIds: draft.doorIds },
      );
      const done =
        outcome.result === 'invitation_sent' ? 'invited' : outcome.emailSent ? 'granted' : 'granted_no_mail';
      request.log.info(
        {
          event: outcome.result === 'invitation_sent' ? 'invitation.sent' : 'access.granted',
          accountId: web.user.accountId,
        },
        'doors shared from the admin page',
      );
      return reply.redirect(`/admin/sharing?done=${done}#${SHARING_DONE[done]!.anchor}`, 303);
    } catch (error) {
      if (error instanceof DoorNotInAccount) return notFound(reply, 'Door');
      if (error instanceof CannotInviteYourself)
        return again(400, 'You already have every door of your account.');
      if (error instanceof InvitationMailFailed) {
        request.log.error({ event: 'mail.failed' }, 'invitation email not sent');
        return again(
          503,
          'The invitation email could not be sent, so no invitation was made. Please try again later.',
        );
      }
      throw error;
    }
  });

  app.post('/admin/sharing/permissions', async (request, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const { web, form } = posted;
    const userId = userIdOf(form.get('user_id'));
    if (!userId) return notFound(reply, 'Person');
    try {
      await setPermissions(ctx.db, actorOf(web), userId, {
        guests: form.get('guests') === '1',
        enforce: form.get('enforce') === '1',
      });
    } catch (error) {
      if (error instanceof MemberNotFound) return notFound(reply, 'Person');
      throw error;
    }
    request.log.info(
      { event: 'member.permissions', accountId: web.user.accountId },
      'permissions set from the admin page',
    );
    return reply.redirect('/admin/sharing?done=permissions#members', 303);
  });

  app.post('/admin/sharing/remove', async (request: FastifyRequest, reply) => {
    const posted = await signedInForm(sessions, request, reply, { adminOnly: true });
    if (!posted) return reply;
    const { web, form } = posted;
    let target: RemovalTarget | undefined;
    if (form.has('user_id')) {
      const userId = userIdOf(form.get('user_id'));
      target = userId === undefined ? undefined : { userId };
    } else if (form.has('email')) {
      target = { email: normalizeEmail(form.get('email') ?? '') };
    }
    if (!target) return notFound(reply, 'Person');
    const rawDoorId = form.get('door_id');
    const doorId = rawDoorId === null ? undefined : normalizeHexId(rawDoorId);
    if (rawDoorId !== null && doorId === undefined) return notFound(reply, 'Door');
    try {
      await removeAccess(
        ctx.db,
        actorOf(web),
        target,
        doorId === undefined ? undefined : [doorId],
        ctx.clock.now(),
      );
    } catch (error) {
      if (error instanceof DoorNotInAccount) return notFound(reply, 'Door');
      if (error instanceof NothingToRemove) return notFound(reply, 'Person');
      throw error;
    }
    request.log.info(
      { event: 'access.removed', accountId: web.user.accountId },
      'access removed from the admin page',
    );
    return reply.redirect('/admin/sharing?done=removed#people', 303);
  });
}
