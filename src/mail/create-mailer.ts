import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../storage/schema.ts';
import { DevMailbox } from './dev-mailbox.ts';
import type { Mailer } from './mailer.ts';
import { SmtpMailer } from './smtp-mailer.ts';

/** SMTP when `PARQEX_SMTP_URL` is set, otherwise the development mailbox kept in the database. */
export function createMailer(deps: { config: Config; db: Db; clock: Clock }): Mailer {
  const { smtpUrl, mailFrom } = deps.config;
  return smtpUrl ? new SmtpMailer(smtpUrl, mailFrom) : new DevMailbox(deps.db, deps.clock);
}
