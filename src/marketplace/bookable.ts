import type { DbOrTrx } from '../storage/schema.ts';
import { type Listing, listingOf, type Property, propertyDoorIds, propertyOf } from './records.ts';

/**
 * A listing with its property, whatever its status or account (callers check `published` and who
 * asks). A stand-in for listings.ts `findBookableListing` until that lands; same shape.
 */
export async function bookableListing(
  db: DbOrTrx,
  listingId: string,
): Promise<{ listing: Listing; property: Property } | undefined> {
  if (!/^[0-9a-f]{32}$/i.test(listingId)) return undefined;
  const listingRow = await db
    .selectFrom('listings')
    .selectAll()
    .where('id', '=', listingId.toLowerCase())
    .executeTakeFirst();
  if (!listingRow) return undefined;
  const propertyRow = await db
    .selectFrom('properties')
    .selectAll()
    .where('id', '=', listingRow.property_id)
    .executeTakeFirstOrThrow();
  const doors = await propertyDoorIds(db, [propertyRow.id]);
  return {
    listing: listingOf(listingRow),
    property: propertyOf(propertyRow, doors.get(propertyRow.id) ?? []),
  };
}
