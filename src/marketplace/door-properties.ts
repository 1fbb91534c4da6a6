import type { DbOrTrx } from '../storage/schema.ts';
import type { Address } from './records.ts';

/** Where a door is, as a guest's page and a pass's times need it: its property's name, address, zone. */
export interface DoorPlace {
  propertyId: string;
  name: string;
  address: Address;
  /** IANA zone: naive times of a pass on this door are read in it. */
  timeZone: string;
}

/**
 * The property each door is a gate of (the oldest when several), by door id; doors of no property
 * are absent. A read GuestParq needs for a pass's zone and its guest page (products.md §2: "times
 * are read in the zone of the first door's property"): the Marketplace keeps its tables to itself.
 */
export async function placesOfDoors(
  db: DbOrTrx,
  doorIds: readonly string[],
): Promise<Map<string, DoorPlace>> {
  const places = new Map<string, DoorPlace>();
  if (doorIds.length === 0) return places;
  const rows = await db
    .selectFrom('property_doors as pd')
    .innerJoin('properties as p', 'p.id', 'pd.property_id')
    .select(['pd.door_id', 'p.id', 'p.name', 'p.address', 'p.time_zone'])
    .where('pd.door_id', 'in', [...new Set(doorIds)])
    .orderBy('p.created_at')
    .orderBy('p.id')
    .execute();
  for (const row of rows) {
    if (places.has(row.door_id)) continue;
    places.set(row.door_id, {
      propertyId: row.id,
      name: row.name,
      address: JSON.parse(row.address) as Address,
      timeZone: row.time_zone,
    });
  }
  return places;
}
