import { hexId, randomToken, sha256 } from '../lib/crypto.ts';
import { accessGrantedMail, invitationMail, type SharingFacts } from '../mail/invitation-mail.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { accountDoors, requireAccountAdmin } from './account-doors.ts';
import type { Actor } from './actor.ts';
import { CannotInviteYourself, InvitationMailFailed } from './errors.ts';
import { INVITATION_TTL_MS } from './invitation-records.ts';
import { shareDoors } from './share-doors.ts';

export interface SharingDeps {
  db: Db;
  mailer: Mailer;
  /** The public base URL: the sign-up and sign-in links of the emails. */
  publicUrl: string;
  now: number;
}

export type InviteResult =
  | {
      result: 'access_granted';
      userId: string;
      email: string;
      doorIds: string[];
      /** The notification is a courtesy: access stands when it could not be sent. */
      emailSent: boolean;
      mailError?: unknown;
    }
  | { result: 'invitation_sent'; invitationId: string; email: string; doorIds: string[]; expiresAt: number };

async function sharingFacts(db: DbOrTrx, admin: Actor, doorNames: string[]): Promise<SharingFacts> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.id', 'u.account_id')
    .select(['u.first_name', 'u.last_name', 'u.email', 'a.name'])
    .where('u.id', '=', admin.userId)
    .executeTakeFirstOrThrow();
  return {
    inviterName: `${row.first_name} ${row.last_name}`,
    inviterEmail: row.email,
    accountName: row.name,
    doorNames,
  };
}

/**
 * Spec §5.6: the Admin shares doors of their account with a person by email. Someone who already
 * has a ParqEx account gets access at once (an open-ended invitation grant, and a notification);
 * anyone else gets a pending invitation with a single-use sign-up link, valid for 14 days. `email`
 * is normalized and valid.
 */
export async function inviteUser(
  deps: SharingDeps,
  admin: Actor,
  input: { email: string; doorIds: readonly string[] },
): Promise<InviteResult> {
  requireAccountAdmin(admin);
  const { db, now } = deps;
  const doors = await accountDoors(db, admin.accountId, input.doorIds);
  const doorIds = doors.map((d) => d.id);
  const facts = await sharingFacts(
    db,
    admin,
    doors.map((d) => d.name),
  );
  const existing = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', input.email)
    .executeTakeFirst();

  if (existing) {
    if (existing.id === admin.userId) throw new CannotInviteYourself();
    await db.transaction().execute((trx) => shareDoors(trx, existing.id, doorIds, admin.userId, now));
    let mailError: unknown;
    try {
      await deps.mailer.send(accessGrantedMail(existing.email, facts, `${deps.publicUrl}/login`));
    } catch (error) {
      mailError = error;
    }
    return {
      result: 'access_granted',
      userId: existing.id,
      email: existing.email,
      doorIds,
      emailSent: mailError === undefined,
      ...(mailError === undefined ? {} : { mailError }),
    };
  }

  const token = randomToken();
  const invitationId = hexId();
  await db
    .insertInto('invitations')
    .values({
      id: invitationId,
      account_id: admin.accountId,
      email: input.email,
      door_ids: JSON.stringify(doorIds),
      token_hash: sha256(token),
      invited_by: admin.userId,
      created_at: now,
      accepted_at: null,
      revoked_at: null,
    })
    .execute();
  const expiresAt = now + INVITATION_TTL_MS;
  const link = `${deps.publicUrl}/signup?invitation=${encodeURIComponent(token)}`;
  try {
    await deps.mailer.send(invitationMail(input.email, facts, link, expiresAt));
  } catch (error) {
    // Only the email held the token: an invitation nobody received is withdrawn.
    await db
      .updateTable('invitations')
      .set({ revoked_at: now })
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .execute();
    throw new InvitationMailFailed(error);
  }
  return { result: 'invitation_sent', invitationId, email: input.email, doorIds, expiresAt };
}
