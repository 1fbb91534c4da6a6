import { InvalidPageRequest } from './errors.ts';
import type { PageRequest } from './records.ts';

/** products.md §0: `limit` default 50, at most 200. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

// A cursor is opaque to clients: base64url of "1:<sort key>:<id>" (1 = this format).
const CURSOR = /^1:(-?\d{1,16}):([0-9a-f]{32})$/;

export function encodeCursor(key: number, id: string): string {
  return Buffer.from(`1:${key}:${id}`, 'utf8').toString('base64url');
}

/** The page's limit and where it starts (after `{key, id}`); `InvalidPageRequest` (400 `invalid_request`) for a foreign cursor or a bad limit. */
export function readPage(page: PageRequest): { limit: number; after: { key: number; id: string } | null } {
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new InvalidPageRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  if (page.cursor === null || page.cursor === undefined || page.cursor === '') return { limit, after: null };
  const match = /^[A-Za-z0-9_-]{1,200}$/.test(page.cursor)
    ? CURSOR.exec(Buffer.from(page.cursor, 'base64url').toString('utf8'))
    : null;
  if (!match) throw new InvalidPageRequest('the cursor is not one this list returned');
  return { limit, after: { key: Number(match[1]), id: match[2]! } };
}
