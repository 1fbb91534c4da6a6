import { type Kysely, sql } from 'kysely';

/**
 * Access grants (products.md §0): who may reach a door, from when until when, and why. A holder is a
 * person, a plate (stored as typed and in its match form) or a guest holding a link; the window is
 * half-open `[starts_at, ends_at)`, `ends_at` null for open-ended. Every `door_access` row becomes an
 * open-ended `invitation` grant starting at its creation, then `door_access` goes.
 *
 * The access history learns who acted when no person did: `actor_kind` (person, guest, plate, or
 * sensor for a door's own report) and `actor_label` (the guest's name, the plate as read).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and must not use the current types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('door_id', 'text', (c) => c.notNull().references('doors.id').onDelete('cascade'))
    .addColumn('holder_kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('plate', 'text')
    .addColumn('plate_match', 'text')
    .addColumn('holder_label', 'text')
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('granted_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint(
      'access_grants_holder',
      sql`(holder_kind = 'person' and user_id is not null and plate is null)
        or (holder_kind = 'plate' and user_id is null and plate is not null and plate_match is not null)
        or (holder_kind = 'guest' and user_id is null and plate is null)`,
    )
    .addCheckConstraint('access_grants_window', sql`ends_at is null or ends_at >= starts_at`)
    .execute();
  // A person's doors (the visibility rule), a door's plates (LPR), a product's grants (its record).
  await db.schema
    .createIndex('access_grants_person')
    .on('access_grants')
    .columns(['user_id', 'door_id'])
    .execute();
  await db.schema
    .createIndex('access_grants_door_plate')
    .on('access_grants')
    .columns(['door_id', 'plate_match'])
    .execute();
  await db.schema
    .createIndex('access_grants_source')
    .on('access_grants')
    .columns(['source', 'source_id'])
    .execute();
  // As door_access's primary key did: one running invitation grant per person and door.
  await db.schema
    .createIndex('access_grants_one_invitation')
    .on('access_grants')
    .columns(['door_id', 'user_id'])
    .unique()
    .where(sql.ref('source'), '=', sql.lit('invitation'))
    .where(sql.ref('ends_at'), 'is', null)
    .execute();

  // The ids only need to be unique and opaque: the door and person they came from make one.
  await sql`
    insert into access_grants
      (id, door_id, holder_kind, user_id, starts_at, ends_at, source, source_id, granted_by, created_at)
    select lower(substr(replace(user_id, '-', ''), 1, 16) || substr(door_id, 1, 16)),
           door_id, 'person', user_id, granted_at, null, 'invitation', null, granted_by, granted_at
    from door_access`.execute(db);
  await db.schema.dropTable('door_access').execute();

  await db.schema.alterTable('access_events').addColumn('actor_kind', 'text').execute();
  await db.schema.alterTable('access_events').addColumn('actor_label', 'text').execute();
  await sql`update access_events set actor_kind = case when user_id is null then 'sensor' else 'person' end`.execute(
    db,
  );
}
