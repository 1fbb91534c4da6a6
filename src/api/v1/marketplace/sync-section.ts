import { upcomingBookingsOf } from '../../../marketplace/bookings.ts';
import { listListings } from '../../../marketplace/listings.ts';
import type { Listing } from '../../../marketplace/records.ts';
import type { AuthContext } from '../../../oauth/bearer.ts';
import type { ApiDeps } from '../api-deps.ts';
import { toWireBooking } from './renter-wire.ts';
import { listingWire } from './wire-owner.ts';

/** Pages of the account's listings read for one `sync` (200 each, the lists' maximum). */
const LISTING_PAGE = 200;

/**
 * `sync`'s `marketplace` section (products.md §1): the person's bookings that are upcoming or
 * running (theirs only, whoever owns the listing), and, for an account's Admin, every listing of the
 * account (any status). Read fresh on every `sync` (no cache: a booking turns `completed` by the
 * clock, and `sync` answers `no-store`).
 */
export async function marketplaceSection(ctx: ApiDeps, auth: AuthContext, now: number) {
  const actor = { userId: auth.userId, accountId: auth.accountId, role: auth.role };
  const bookings = await upcomingBookingsOf(ctx.db, auth.userId, now);
  const listings: Listing[] = [];
  if (auth.role === 'admin') {
    let cursor: string | null = null;
    do {
      const page = await listListings(ctx.db, actor, {}, { limit: LISTING_PAGE, cursor });
      listings.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return {
    bookings: bookings.map((b) => toWireBooking(b, ctx.publicUrl)),
    listings: listings.map(listingWire),
  };
}
