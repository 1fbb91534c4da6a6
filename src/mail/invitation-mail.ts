import { formatLocal } from '../lib/time.ts';
import type { MailMessage } from './mailer.ts';

export interface SharingFacts {
  /** The inviting Admin, as people know them. */
  inviterName: string;
  inviterEmail: string;
  accountName: string;
  doorNames: string[];
}

function doorList(doorNames: string[]): string {
  return doorNames.map((name) => `  - ${name}`).join('\n');
}

/** To a person without a ParqEx account: the single-use sign-up link. */
export function invitationMail(
  to: string,
  facts: SharingFacts,
  signupUrl: string,
  expiresAt: number,
): MailMessage {
  return {
    to,
    subject: `${facts.inviterName} invited you to ParqEx`,
    text: `Hello,

${facts.inviterName} (${facts.inviterEmail}) invited you to use these doors of "${facts.accountName}" with ParqEx:
${doorList(facts.doorNames)}

Create your ParqEx account to accept. The link works once, until ${formatLocal(expiresAt, 'UTC')} UTC:
${signupUrl}

If you did not expect this invitation, ignore this email: nothing happens without you.
`,
  };
}

/** To a person who already has a ParqEx account: the doors are theirs to use now. */
export function accessGrantedMail(to: string, facts: SharingFacts, loginUrl: string): MailMessage {
  return {
    to,
    subject: `${facts.inviterName} shared doors with you on ParqEx`,
    text: `Hello,

${facts.inviterName} (${facts.inviterEmail}) gave you access to these doors of "${facts.accountName}":
${doorList(facts.doorNames)}

They are in your ParqEx apps now. Sign in at ${loginUrl}
`,
  };
}
