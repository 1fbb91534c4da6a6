import { formatLocal } from '../lib/time.ts';
import type { MailMessage } from './mailer.ts';

export interface GuestPassMailFacts {
  guestFirstName: string;
  hostName: string;
  doorNames: string[];
  startsAt: number;
  endsAt: number;
  timeZone: string;
  code: string;
}

/** To a guest: the link that opens the pass's doors inside its window (no account needed). */
export function guestPassMail(to: string, facts: GuestPassMailFacts, link: string): MailMessage {
  const when = `${formatLocal(facts.startsAt, facts.timeZone).slice(0, 16)} to ${formatLocal(facts.endsAt, facts.timeZone).slice(0, 16)} (${facts.timeZone})`;
  return {
    to,
    subject: `${facts.hostName} sent you a guest pass`,
    text: `Hello ${facts.guestFirstName},

${facts.hostName} invited you with ParqEx, from ${when}.

Open this link on your phone: it shows your pass (code ${facts.code}) and, during that time, a button to open each door:
${link}

Doors: ${facts.doorNames.join(', ') || 'none'}

Keep the link to yourself: anyone who has it can open these doors while the pass lasts.
`,
  };
}
