import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.ts';
import { oneLine } from './one-line.ts';

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** nodemailer's options for `PARQEX_SMTP_URL`; settings in the URL's query win over these. */
export function smtpOptions(url: string) {
  return {
    url,
    requireTLS: !isLoopback(new URL(url).hostname),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    debug: false,
  };
}

/**
 * Mail through an SMTP server (`PARQEX_SMTP_URL`, `smtp://` or `smtps://`, credentials in the URL).
 * Over `smtp://` to anything but a loopback address STARTTLS is required, so invitation links and
 * credentials never cross a network in clear; a `?requireTLS=false` in the URL overrides that.
 * nodemailer's own logger stays off: it would print message bodies.
 */
export class SmtpMailer implements Mailer {
  readonly #transport: Transporter;
  readonly #from: string;

  constructor(url: string, from: string) {
    this.#transport = nodemailer.createTransport(smtpOptions(url));
    this.#from = from;
  }

  async send(message: MailMessage): Promise<void> {
    await this.#transport.sendMail({
      from: this.#from,
      // An address object: never parsed as a list of recipients.
      to: { name: '', address: message.to },
      subject: oneLine(message.subject),
      text: message.text,
    });
  }
}
