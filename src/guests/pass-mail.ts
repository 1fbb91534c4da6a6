import { formatLocal } from '../lib/time.ts';
import type { Mailer, MailMessage } from '../mail/mailer.ts';
import { oneLine } from '../mail/one-line.ts';
import { GuestPassInputError } from './errors.ts';
import type { GuestPass } from './pass-records.ts';

/**
 * The email a host sends their guest (products.md §2: "by email through the existing mailer"): who
 * invites, where, the window in the pass's zone, the code and the link. The link is the secret: the
 * mailers never log a body.
 */
export function guestPassMail(
  pass: GuestPass,
  link: string,
  facts: { doorNames: readonly string[]; place: string | null },
): MailMessage {
  if (pass.guest.email === null) throw new GuestPassInputError('this pass has no guest email to send it to');
  const host = `${pass.host.firstName} ${pass.host.lastName}`.trim();
  const where = facts.place === null ? '' : ` at ${facts.place}`;
  return {
    to: pass.guest.email,
    subject: oneLine(`${host} invited you${where}`),
    text: `Hello ${pass.guest.firstName},

${host} invited you${where}, from ${formatLocal(pass.startsAt, pass.timeZone)} to ${formatLocal(pass.endsAt, pass.timeZone)} (${pass.timeZone} time).

Doors:
${facts.doorNames.map((name) => `  - ${name}`).join('\n')}

Open your pass on your phone: it opens these doors during that time, no account needed.
${link}

Pass code: ${pass.code}${pass.plate === null ? '' : `\nVehicle: ${pass.plate}`}

Keep this link to yourself: anyone holding it can open these doors during your visit.
`,
  };
}

/** Sends the pass to the guest's email (rejects when the mailer did not take it). */
export async function sendGuestPassMail(
  mailer: Mailer,
  pass: GuestPass,
  link: string,
  facts: { doorNames: readonly string[]; place: string | null },
): Promise<void> {
  await mailer.send(guestPassMail(pass, link, facts));
}
