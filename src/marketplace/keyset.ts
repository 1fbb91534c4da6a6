import { InvalidPageRequest } from './errors.ts';
import type { Page, PageRequest } from './records.ts';

// products.md §0 "Lists": `?limit=` (default 50, max 200) and `?cursor=`, answering `items` and
// `next_cursor` (null at the end). The owners' lists (properties, listings) are keyset-paginated on
// their id (ascending): a page never repeats or skips a row however the rows before it change.
// The cursor is opaque to clients: base64url of "p1:<last id handed out>".

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** A page request from the edge's raw values; `InvalidPageRequest` for a limit outside 1–200 or a foreign cursor. */
export function pageRequest(limit: number | undefined, cursor: string | undefined | null): PageRequest {
  const wanted = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_PAGE_LIMIT) {
    throw new InvalidPageRequest(`limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (cursor !== undefined && cursor !== null && cursor !== '') afterIdOf(cursor);
  return { limit: wanted, cursor: cursor === undefined || cursor === '' ? null : cursor };
}

/** The id a cursor points after (`InvalidPageRequest` if this list did not hand it out). */
export function afterIdOf(cursor: string): string {
  const decoded = /^[A-Za-z0-9_-]{1,100}$/.test(cursor)
    ? /^p1:([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  if (!decoded) throw new InvalidPageRequest('the cursor is not one this list returned');
  return decoded[1]!;
}

export function cursorAfter(id: string): string {
  return Buffer.from(`p1:${id}`, 'utf8').toString('base64url');
}

/** The page from rows fetched with `limit + 1` (the extra row only says there is more). */
export function pageOf<T>(rows: readonly T[], page: PageRequest, idOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, page.limit);
  const more = rows.length > page.limit;
  return { items, nextCursor: more ? cursorAfter(idOf(items[items.length - 1]!)) : null };
}
