/**
 * Spec §4: ids appear as 32 lower-case hex characters and as dashed UUIDs; every id parameter
 * accepts both forms (dashes optional, any case). Returns the 32-hex form, or undefined if malformed.
 */
export function normalizeHexId(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const compact = raw.trim().toLowerCase().replace(/-/g, '');
  return /^[0-9a-f]{32}$/.test(compact) ? compact : undefined;
}
