import type { FastifyInstance, FastifyReply } from 'fastify';
import { acceptInvitation } from '../access/accept-invitation.ts';
import { InvitationNotUsable } from '../access/errors.ts';
import { inspectInvitation } from '../access/inspect-invitation.ts';
import type { InvitationStatus } from '../access/invitation-records.ts';
import { findUserById, UserInputError } from '../accounts/users.ts';
import { setPageHeaders } from '../html/security-headers.ts';
import { formOf } from './form.ts';
import { errorPage } from './pages/error-page.ts';
import { signupPage } from './pages/signup-page.ts';
import type { WebDeps } from './web-deps.ts';
import { isCsrfValid, type WebSessions } from './web-session.ts';

/** Our tokens are 43 base64url characters; anything far from that shape is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_NAME_LENGTH = 100;
const MAX_PASSWORD_LENGTH = 1024;

const NOT_USABLE: Record<
  Exclude<InvitationStatus, 'valid'>,
  { status: number; title: string; message: string }
> = {
  unknown: {
    status: 404,
    title: 'Invitation not found',
    message: 'This invitation link is not valid. Check that you opened the whole link from the email.',
  },
  accepted: {
    status: 410,
    title: 'Invitation already used',
    message: 'This invitation was already used to create an account. Sign in with that account instead.',
  },
  revoked: {
    status: 410,
    title: 'Invitation withdrawn',
    message: 'This invitation was withdrawn by the person who sent it.',
  },
  expired: {
    status: 410,
    title: 'Invitation expired',
    message: 'This invitation has expired. Ask the person who invited you to send a new one.',
  },
  email_taken: {
    status: 409,
    title: 'You already have an account',
    message: 'A ParqEx account with this email already exists. Sign in with it instead.',
  },
};

function notUsable(reply: FastifyReply, status: Exclude<InvitationStatus, 'valid'>): FastifyReply {
  const page = NOT_USABLE[status];
  return setPageHeaders(reply).code(page.status).send(errorPage(page.title, page.message));
}

/**
 * The sign-up page an invitation email links to (spec §5.6): creates the invited person as a User of
 * the inviting account, grants the invited doors, signs them in.
 */
export function registerSignupRoutes(app: FastifyInstance, ctx: WebDeps, sessions: WebSessions): void {
  app.get('/signup', async (request, reply) => {
    const token = (request.query as Record<string, unknown>).invitation;
    if (typeof token !== 'string' || !TOKEN.test(token)) return notUsable(reply, 'unknown');
    const view = await inspectInvitation(ctx.db, token, ctx.clock.now());
    if (view.status !== 'valid') return notUsable(reply, view.status);
    const web = await sessions.ensure(request, reply);
    return setPageHeaders(reply).send(
      signupPage({ csrfToken: web.session.csrfToken, invitation: token, ...view }),
    );
  });

  app.post('/signup', async (request, reply) => {
    const form = formOf(request);
    const web = await sessions.load(request);
    if (!isCsrfValid(request, web?.session, form.get('csrf'))) {
      return setPageHeaders(reply)
        .code(403)
        .send(
          errorPage(
            'Request refused',
            'This sign-up form has expired. Please open the link from the email again.',
          ),
        );
    }
    const session = web!.session;
    const token = form.get('invitation') ?? '';
    if (!TOKEN.test(token)) return notUsable(reply, 'unknown');
    const firstName = (form.get('first_name') ?? '').trim();
    const lastName = (form.get('last_name') ?? '').trim();
    const password = form.get('password') ?? '';
    const now = ctx.clock.now();

    const again = async (error: string) => {
      const view = await inspectInvitation(ctx.db, token, now);
      if (view.status !== 'valid') return notUsable(reply, view.status);
      return setPageHeaders(reply)
        .code(400)
        .send(
          signupPage({
            csrfToken: session.csrfToken,
            invitation: token,
            ...view,
            firstName,
            lastName,
            error,
          }),
        );
    };
    if (firstName.length > MAX_NAME_LENGTH || lastName.length > MAX_NAME_LENGTH)
      return again(`Names are at most ${MAX_NAME_LENGTH} characters.`);
    if (password.length > MAX_PASSWORD_LENGTH)
      return again(`The password is at most ${MAX_PASSWORD_LENGTH} characters.`);

    let userId: string;
    try {
      ({ userId } = await acceptInvitation(ctx.db, token, { firstName, lastName, password }, now));
    } catch (error) {
      if (error instanceof InvitationNotUsable) return notUsable(reply, error.status);
      if (error instanceof UserInputError) {
        const message = error.message;
        return again(`${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
      }
      throw error;
    }
    const user = await findUserById(ctx.db, userId);
    await sessions.signIn(reply, session, user!);
    request.log.info({ event: 'invitation.accepted', userId }, 'invitation accepted');
    return reply.redirect('/account', 303);
  });
}
