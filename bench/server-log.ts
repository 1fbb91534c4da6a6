/**
 * The server's log (pino JSON lines on its stdout, sent to a file): what it said at level error or
 * fatal while a row ran. A row whose server logged errors is not to be trusted.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface LogErrors {
  count: number;
  /** The first few, as logged. */
  first: string[];
}

/** The log's current size: where the next row's lines will start. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

// pino: 50 = error, 60 = fatal.
const ERROR_LEVEL = /"level":\s*(50|60)\b/;

/** Error and fatal lines written to `file` from byte `from` on. */
export function errorsSince(file: string, from: number, keep = 3): LogErrors {
  const found: LogErrors = { count: 0, first: [] };
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(1024 * 1024);
  let position = from;
  let rest = '';
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      position += read;
      const lines = (rest + chunk.toString('utf8', 0, read)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) count(line, found, keep);
    }
    count(rest, found, keep);
  } finally {
    closeSync(fd);
  }
  return found;
}

function count(line: string, found: LogErrors, keep: number): void {
  if (!ERROR_LEVEL.test(line)) return;
  found.count++;
  if (found.first.length < keep) found.first.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
}
