import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { listVisibleDoors } from '../../src/access/visible-doors.ts';
import { migrate, openDatabase } from '../../src/storage/database.ts';
import { MIGRATIONS } from '../../src/storage/migrations/index.ts';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/test-database.ts';

const hex = () => randomBytes(16).toString('hex');

/** A database as it stood at migration 004 (before access grants), holding door_access rows. */
async function databaseAt004() {
  const schema = TEST_DATABASE_URL ? `g_${randomBytes(6).toString('hex')}` : undefined;
  if (schema) await adminQuery(`create schema ${schema}`);
  const database = openDatabase(TEST_DATABASE_URL ?? 'sqlite::memory:', { searchPath: schema, poolSize: 1 });
  const old = database.db as unknown as Kysely<any>;
  await old.transaction().execute(async (trx) => {
    await sql`create table parqex_migrations (name text primary key, applied_at bigint not null)`.execute(
      trx,
    );
    for (const name of Object.keys(MIGRATIONS)
      .sort()
      .filter((n) => n < '005')) {
      await MIGRATIONS[name]!.up(trx, database.dialect);
      await sql`insert into parqex_migrations (name, applied_at) values (${name}, ${Date.now()})`.execute(
        trx,
      );
    }
  });
  return {
    ...database,
    old,
    close: async () => {
      await database.close();
      if (schema) await adminQuery(`drop schema ${schema} cascade`);
    },
  };
}

test('migration 005 keeps every existing access: each door_access row becomes an open-ended invitation grant', async () => {
  const database = await databaseAt004();
  try {
    const { old } = database;
    const accountId = hex();
    const [admin, ann, bob] = [randomUUID(), randomUUID(), randomUUID()];
    await old.insertInto('accounts').values({ id: accountId, name: 'Old Account', created_at: 1 }).execute();
    for (const [id, role, email] of [
      [admin, 'admin', 'admin@old.example'],
      [ann, 'user', 'ann@old.example'],
      [bob, 'user', 'bob@old.example'],
    ]) {
      await old
        .insertInto('users')
        .values({
          id,
          account_id: accountId,
          role,
          email,
          password_hash: 'x',
          first_name: 'A',
          last_name: 'B',
          created_at: 1,
        })
        .execute();
    }
    const deviceId = hex();
    await old
      .insertInto('devices')
      .values({
        id: deviceId,
        account_id: accountId,
        blackbox_code: randomBytes(8).toString('hex'),
        created_at: 1,
      })
      .execute();
    const [gate, lobby] = [hex(), hex()];
    for (const [n, id] of [gate, lobby].entries()) {
      await old
        .insertInto('doors')
        .values({ id, device_id: deviceId, entity_number: n + 1, name: `Door ${n + 1}`, created_at: 1 })
        .execute();
    }
    const rows = [
      { door_id: gate, user_id: ann, granted_by: admin, granted_at: 1_000 },
      { door_id: lobby, user_id: ann, granted_by: admin, granted_at: 2_000 },
      { door_id: gate, user_id: bob, granted_by: null, granted_at: 3_000 },
    ];
    await old.insertInto('door_access').values(rows).execute();
    const event = {
      account_id: accountId,
      device_id: deviceId,
      door_id: gate,
      client_id: null,
      channel: 'x',
    };
    const common = { door_state: 'OPEN', was_success: 1, occurred_at: 5 };
    await old
      .insertInto('access_events')
      .values([
        { id: hex(), ...event, ...common, user_id: ann, outcome: 'done' },
        { id: hex(), ...event, ...common, user_id: null, outcome: 'sensor' },
      ])
      .execute();

    // 005 and every migration after it run; 005 is the one that moves access onto grants.
    assert.deepEqual((await migrate(database.db, database.dialect))[0], '005-access-grants');

    const grants = await database.db.selectFrom('access_grants').selectAll().orderBy('starts_at').execute();
    assert.deepEqual(
      grants.map((g) => [
        g.door_id,
        g.holder_kind,
        g.user_id,
        g.starts_at,
        g.ends_at,
        g.source,
        g.granted_by,
        g.created_at,
      ]),
      rows.map((r) => [
        r.door_id,
        'person',
        r.user_id,
        r.granted_at,
        null,
        'invitation',
        r.granted_by,
        r.granted_at,
      ]),
    );
    assert.equal(new Set(grants.map((g) => g.id)).size, 3, 'each grant has its own id');
    await assert.rejects(sql`select 1 from door_access`.execute(database.db), 'door_access is gone');
    const kinds = await database.db
      .selectFrom('access_events')
      .select(['user_id', 'actor_kind'])
      .orderBy('outcome')
      .execute();
    assert.deepEqual(
      kinds.map((k) => k.actor_kind),
      ['person', 'sensor'],
    );
    // The access reads as it did: Ann sees both doors, Bob the gate, from their grant's start on.
    const seen = async (userId: string, at: number) =>
      (await listVisibleDoors(database.db, { userId, accountId, role: 'user' }, { apiOnly: false, at })).map(
        (d) => d.door.id,
      );
    assert.deepEqual(await seen(ann, Date.now()), [gate, lobby]);
    assert.deepEqual(await seen(bob, Date.now()), [gate]);
    assert.deepEqual(await seen(bob, 2_999), []);
  } finally {
    await database.close();
  }
});
