import type { Clock } from '../lib/clock.ts';
import { hexId } from '../lib/crypto.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import type { Mailer, MailMessage } from './mailer.ts';
import { oneLine } from './one-line.ts';

export interface StoredMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: number;
}

/**
 * Development without `PARQEX_SMTP_URL`: mail is kept in the database (table `dev_mailbox`) and shown
 * at `/dev/mailbox` in development mode, so the invitation flow can be followed by hand.
 */
export class DevMailbox implements Mailer {
  readonly #db: Db;
  readonly #clock: Clock;
  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async send(message: MailMessage): Promise<void> {
    await this.#db
      .insertInto('dev_mailbox')
      .values({
        id: hexId(),
        to_address: message.to,
        subject: oneLine(message.subject),
        body_text: message.text,
        created_at: this.#clock.now(),
      })
      .execute();
  }
}

/** The development mailbox, newest first. */
export async function listDevMailbox(db: DbOrTrx, limit = 50): Promise<StoredMail[]> {
  const rows = await db
    .selectFrom('dev_mailbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    text: r.body_text,
    createdAt: Number(r.created_at),
  }));
}
