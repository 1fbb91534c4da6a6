import { normalizeHexId } from '../access/ids.ts';
import { hexId } from '../lib/crypto.ts';
import { isTimeZone } from '../lib/time.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { InvalidProperty, NotListingsAdmin, PropertyDoorNotFound, PropertyNotFound } from './errors.ts';
import { afterIdOf, pageOf } from './keyset.ts';
import {
  type Actor,
  type Address,
  type Page,
  type PageRequest,
  type Property,
  propertyDoorIds,
  propertyOf,
} from './records.ts';

// products.md §1 "Property": a site (garage, lot, driveway) of an account, `{id, name, address{…},
// latitude, longitude, time_zone, door_ids[]}`; its doors (the account's own) are the gates a
// booking opens. Only the account's Admin manages them (products.md §0); another account's
// property is reported exactly like one that does not exist (404 `property_not_found`).
//
// Decisions:
// - PATCH semantics: a field left out keeps its value; `address`, when given, is replaced whole
//   (it is checked as a whole: a city without its country means nothing); `door_ids`, when given,
//   replaces the gates (an empty list: no gates).
// - A gate that is not a door of the account → 404 `door_not_found`, whether it is another
//   account's or none (products.md §0: another account's anything is 404). A door may be the gate of
//   several properties.
// - `time_zone` is stored in its canonical IANA spelling (`america/new_york` → `America/New_York`).

export const MAX_NAME_LENGTH = 200;
export const MAX_ADDRESS_FIELD_LENGTH = 200;
export const MAX_GATES = 100;

/** Control characters (a NUL cannot even be stored on PostgreSQL): refused in every name and line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f]/;

export interface AddressInput {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postal_code?: string | null;
  country: string;
}

export interface PropertyInput {
  name: string;
  address: AddressInput;
  latitude: number;
  longitude: number;
  timeZone: string;
  doorIds?: readonly string[];
}

export type PropertyPatch = Partial<PropertyInput>;

/** Only the account's Admin manages its properties and listings (products.md §0); `NotListingsAdmin` otherwise. */
export function requireListingsAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new NotListingsAdmin();
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new InvalidProperty(`${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidProperty(`${field} must not be empty`);
  if (trimmed.length > max) throw new InvalidProperty(`${field} must be at most ${max} characters`);
  if (CONTROL.test(trimmed)) throw new InvalidProperty(`${field} must not contain control characters`);
  return trimmed;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  return text(value, field, max);
}

/** The address, checked and trimmed; `country` an ISO 3166-1 alpha-2 code, stored upper case. */
export function checkAddress(input: unknown): Address {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidProperty('address must be an object {line1, line2, city, region, postal_code, country}');
  }
  const a = input as Record<string, unknown>;
  const known = ['line1', 'line2', 'city', 'region', 'postal_code', 'country'];
  for (const key of Object.keys(a)) {
    if (!known.includes(key))
      throw new InvalidProperty(`address has an unknown field ${JSON.stringify(key)}`);
  }
  const country = text(a.country, 'address.country', 2).toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new InvalidProperty('address.country must be an ISO 3166-1 alpha-2 code such as US');
  }
  return {
    line1: text(a.line1, 'address.line1', MAX_ADDRESS_FIELD_LENGTH),
    line2: optionalText(a.line2, 'address.line2', MAX_ADDRESS_FIELD_LENGTH),
    city: text(a.city, 'address.city', MAX_ADDRESS_FIELD_LENGTH),
    region: optionalText(a.region, 'address.region', MAX_ADDRESS_FIELD_LENGTH),
    postal_code: optionalText(a.postal_code, 'address.postal_code', 32),
    country,
  };
}

function coordinate(value: unknown, field: string, limit: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -limit || value > limit) {
    throw new InvalidProperty(`${field} must be a number from -${limit} to ${limit}`);
  }
  return value;
}

/** The zone's canonical IANA name; `InvalidProperty` if the runtime does not know it. */
export function checkTimeZone(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || !isTimeZone(value.trim())) {
    throw new InvalidProperty(
      `time_zone must be an IANA time zone such as America/New_York, got ${JSON.stringify(value)}`,
    );
  }
  return new Intl.DateTimeFormat('en-US', { timeZone: value.trim() }).resolvedOptions().timeZone;
}

/** The gates asked for, each a door of the account, sorted and without repeats. */
async function checkGates(db: DbOrTrx, accountId: string, doorIds: unknown): Promise<string[]> {
  if (!Array.isArray(doorIds)) throw new InvalidProperty('door_ids must be a list of door ids');
  if (doorIds.length > MAX_GATES) throw new InvalidProperty(`door_ids may name at most ${MAX_GATES} doors`);
  const wanted: string[] = [];
  for (const raw of doorIds) {
    const id = normalizeHexId(raw);
    if (id === undefined) throw new InvalidProperty(`door_ids: ${JSON.stringify(raw)} is not a door id`);
    if (!wanted.includes(id)) wanted.push(id);
  }
  if (wanted.length === 0) return [];
  const found = await db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select('d.id')
    .where('v.account_id', '=', accountId)
    .where('d.id', 'in', wanted)
    .execute();
  const known = new Set(found.map((r) => r.id));
  const missing = wanted.find((id) => !known.has(id));
  if (missing !== undefined) throw new PropertyDoorNotFound(missing);
  return wanted.sort();
}

async function replaceGates(db: DbOrTrx, propertyId: string, doorIds: readonly string[]): Promise<void> {
  await db.deleteFrom('property_doors').where('property_id', '=', propertyId).execute();
  if (doorIds.length > 0) {
    await db
      .insertInto('property_doors')
      .values(doorIds.map((door_id) => ({ property_id: propertyId, door_id })))
      .execute();
  }
}

/** The account's property with this id (any spelling of it), else `PropertyNotFound`. Admin only. */
export async function getProperty(db: DbOrTrx, actor: Actor, id: string): Promise<Property> {
  requireListingsAdmin(actor);
  const found = await findAccountProperty(db, actor.accountId, id);
  if (!found) throw new PropertyNotFound(id);
  return found;
}

/** The account's property with this id, or undefined (no actor check: the caller did it). */
export async function findAccountProperty(
  db: DbOrTrx,
  accountId: string,
  rawId: string,
): Promise<Property | undefined> {
  const id = normalizeHexId(rawId);
  if (id === undefined) return undefined;
  const row = await db
    .selectFrom('properties')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return undefined;
  return propertyOf(row, (await propertyDoorIds(db, [row.id])).get(row.id) ?? []);
}

/** Any property by id (no account check), for the booking side. */
export async function findPropertyById(db: DbOrTrx, id: string): Promise<Property | undefined> {
  const row = await db.selectFrom('properties').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return propertyOf(row, (await propertyDoorIds(db, [row.id])).get(row.id) ?? []);
}

/** A new property of the Admin's account (products.md §1). */
export async function createProperty(
  db: DbOrTrx,
  actor: Actor,
  input: PropertyInput,
  now: number,
): Promise<Property> {
  requireListingsAdmin(actor);
  const name = text(input.name, 'name', MAX_NAME_LENGTH);
  const address = checkAddress(input.address);
  const latitude = coordinate(input.latitude, 'latitude', 90);
  const longitude = coordinate(input.longitude, 'longitude', 180);
  const timeZone = checkTimeZone(input.timeZone);
  const id = hexId();
  await inTransaction(db, async (trx) => {
    const gates = await checkGates(trx, actor.accountId, input.doorIds ?? []);
    await trx
      .insertInto('properties')
      .values({
        id,
        account_id: actor.accountId,
        name,
        address: JSON.stringify(address),
        latitude,
        longitude,
        time_zone: timeZone,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await replaceGates(trx, id, gates);
  });
  return getProperty(db, actor, id);
}

/** Changes the fields given (PATCH semantics, see the decisions above). */
export async function updateProperty(
  db: DbOrTrx,
  actor: Actor,
  id: string,
  patch: PropertyPatch,
  now: number,
): Promise<Property> {
  requireListingsAdmin(actor);
  const current = await getProperty(db, actor, id);
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = text(patch.name, 'name', MAX_NAME_LENGTH);
  if (patch.address !== undefined) changes.address = JSON.stringify(checkAddress(patch.address));
  if (patch.latitude !== undefined) changes.latitude = coordinate(patch.latitude, 'latitude', 90);
  if (patch.longitude !== undefined) changes.longitude = coordinate(patch.longitude, 'longitude', 180);
  if (patch.timeZone !== undefined) changes.time_zone = checkTimeZone(patch.timeZone);
  await inTransaction(db, async (trx) => {
    const gates =
      patch.doorIds === undefined ? undefined : await checkGates(trx, actor.accountId, patch.doorIds);
    await trx
      .updateTable('properties')
      .set({ ...changes, updated_at: now })
      .where('id', '=', current.id)
      .where('account_id', '=', actor.accountId)
      .execute();
    if (gates !== undefined) await replaceGates(trx, current.id, gates);
  });
  return getProperty(db, actor, current.id);
}

/** The account's properties, a keyset page (ordered by id). Admin only. */
export async function listProperties(db: DbOrTrx, actor: Actor, page: PageRequest): Promise<Page<Property>> {
  requireListingsAdmin(actor);
  let query = db
    .selectFrom('properties')
    .selectAll()
    .where('account_id', '=', actor.accountId)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor !== null) query = query.where('id', '>', afterIdOf(page.cursor));
  const rows = await query.execute();
  const result = pageOf(rows, page, (r) => r.id);
  const gates = await propertyDoorIds(
    db,
    result.items.map((r) => r.id),
  );
  return {
    items: result.items.map((r) => propertyOf(r, gates.get(r.id) ?? [])),
    nextCursor: result.nextCursor,
  };
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one. */
export async function inTransaction<T>(db: DbOrTrx, work: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}
