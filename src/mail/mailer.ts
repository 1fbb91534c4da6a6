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
