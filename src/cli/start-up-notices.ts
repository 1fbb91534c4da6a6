import pino from 'pino';
import type { Config } from '../config.ts';

/** What `parqex serve` tells its operator while starting: the listening URL, the demo, warnings. */
export interface StartUpNotices {
  /** A line for the operator; `fields` go into the JSON line in production. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something the operator should fix (an unknown variable, mail not delivered, metrics off). */
  warn(message: string): void;
}

/**
 * Development: plain lines — on stdout, where people and outside tools read `ParqEx listening on
 * <url>` — and warnings on stderr (`parqex: warning: …`). Production: stdout carries JSON lines
 * only, so every notice is a pino line beside the request logs (the message is the same text:
 * `{"level":30,…,"msg":"ParqEx listening on http://…","url":"http://…"}`), and log shippers parse
 * every line. Production warnings are JSON lines on stdout too, at level `warn`.
 */
export function startUpNotices(config: Pick<Config, 'env' | 'logLevel'>): StartUpNotices {
  if (config.env === 'production') {
    const log = pino({ level: config.logLevel });
    return {
      info: (message, fields = {}) => log.info({ event: 'startup', ...fields }, message),
      warn: (message) => log.warn({ event: 'startup' }, message),
    };
  }
  return {
    info: (message) => process.stdout.write(`${message}\n`),
    warn: (message) => process.stderr.write(`parqex: warning: ${message}\n`),
  };
}
