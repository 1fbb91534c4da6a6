import type { GuestLinkView } from './guest-link-page.ts';

/** RFC 5545 §3.3.11 TEXT escaping. */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    const limit = parts.length === 0 ? 75 : 74;
    if (Buffer.byteLength(current + char, 'utf8') > limit) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function utcStamp(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The pass as a calendar event (RFC 5545), in UTC so every calendar shows it in its own zone. The
 * link's secret is not in it: calendars are synced and shared more widely than a message.
 */
export function passIcs(view: GuestLinkView, uidHost: string, now: number): string {
  const where = [view.placeName, view.address].filter((p): p is string => !!p).join(', ');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//ParqEx//GuestParq//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:guest-pass-${view.code.toLowerCase()}@${uidHost}`,
    `DTSTAMP:${utcStamp(now)}`,
    `DTSTART:${utcStamp(view.startsAt)}`,
    `DTEND:${utcStamp(view.endsAt)}`,
    `SUMMARY:${text(`Guest pass${view.placeName ? `: ${view.placeName}` : ''} (invited by ${view.hostName})`)}`,
    ...(where ? [`LOCATION:${text(where)}`] : []),
    `DESCRIPTION:${text(
      `${view.hostName} invited ${view.guestName}. Pass code ${view.code}. Doors: ${view.doors.map((d) => d.name).join(', ') || 'none'}. Open them with the link you were sent.`,
    )}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
