import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Db } from '../storage/schema.ts';
import { DevMailbox } from './dev-mailbox.ts';
import { SmtpMailer } from './smtp-mailer.ts';

/** One plain-text message to one person. */
export interface MailMessage {
  /** A single address (already validated: one recipient, never a list). */
  to: string;
  subject: string;
  text: string;
}

/**
 * Where ParqEx mail goes. `send` resolves once the message was handed over (accepted by the SMTP
 * server, or stored in the development mailbox) and rejects when it was not. Implementations never
 * log a message's body: it may carry a single-use link.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** SMTP when `PARQEX_SMTP_URL` is set, otherwise the development mailbox kept in the database. */
export function createMailer(deps: { config: Config; db: Db; clock: Clock }): Mailer {
  const { smtpUrl, mailFrom } = deps.config;
  return smtpUrl ? new SmtpMailer(smtpUrl, mailFrom) : new DevMailbox(deps.db, deps.clock);
}

/** A subject is one header line: control characters (CR/LF above all) become spaces. */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
