import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../src/lib/crypto.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { sharedDatabase, TEST_DIALECT, type TestDatabase } from '../helpers/test-database.ts';

const USER_INFO = '/oauth/v1/endpoints/user-info';

/**
 * The in-memory caches behind the bearer check and user-info (PARQEX_CACHE_TTL_MS) must never serve
 * what the database no longer says — whichever process changed it.
 */
describe('the hot caches are never stale', () => {
  let dir: string;
  let app: TestApp;
  /** Another process's connection to the same data. */
  let other: TestDatabase;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parqex-cache-'));
    app = await startTestApp({
      env: { PARQEX_CACHE_TTL_MS: '60000' },
      ...(TEST_DIALECT === 'sqlite' ? { sqliteFile: join(dir, 'parqex.db') } : {}),
    });
    other = sharedDatabase(app.database);
  });
  after(async () => {
    await other.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SQLite keeps them; PostgreSQL (no signal of another host’s commit) turns them off', async () => {
    const token = (await app.tokensFor()).access_token;
    assert.equal((await app.api(USER_INFO, token, { method: 'GET' })).status, 200);
    assert.equal(app.ctx.caches.accessTokens.size, TEST_DIALECT === 'sqlite' ? 1 : 0);
  });

  test('a token revoked by another process fails on the very next request', async () => {
    const token = (await app.tokensFor()).access_token;
    for (let i = 0; i < 3; i++)
      assert.equal((await app.api(USER_INFO, token, { method: 'GET' })).status, 200);
    await other.db
      .updateTable('access_tokens')
      .set({ revoked_at: Date.now() })
      .where('token_hash', '=', sha256(token))
      .execute();
    assert.equal((await app.api(USER_INFO, token, { method: 'GET' })).status, 401);
  });

  test('a profile changed by another process is served changed on the very next request', async () => {
    const token = (await app.tokensFor()).access_token;
    const before = await app.api(USER_INFO, token, { method: 'GET' });
    assert.equal(before.body.data.first_name, 'John');
    await other.db
      .updateTable('users')
      .set({ first_name: 'Johnny' })
      .where('email', '=', 'john.doe@parqex.com')
      .execute();
    try {
      const after = await app.api(USER_INFO, token, { method: 'GET' });
      assert.equal(after.body.data.first_name, 'Johnny');
    } finally {
      await other.db
        .updateTable('users')
        .set({ first_name: 'John' })
        .where('email', '=', 'john.doe@parqex.com')
        .execute();
    }
  });

  test("another process's change to a person's doors shows in the very next sync", async () => {
    const token = (await app.tokensFor()).access_token;
    const doorNames = async () => {
      const sync = await app.api('/oauth/v1/endpoints/sync', token, { method: 'GET' });
      assert.equal(sync.status, 200);
      return sync.body.devices.flatMap((d: any) => d.doors.map((door: any) => door.name)).sort();
    };
    assert.ok((await doorNames()).includes('Garage'));
    await other.db.updateTable('doors').set({ name: 'Garage West' }).where('name', '=', 'Garage').execute();
    try {
      assert.ok((await doorNames()).includes('Garage West'), 'renamed elsewhere: seen at once');
      const john = await other.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'john.doe@parqex.com')
        .executeTakeFirstOrThrow();
      const garage = await other.db
        .selectFrom('doors')
        .select('id')
        .where('name', '=', 'Garage West')
        .executeTakeFirstOrThrow();
      const grant = await other.db
        .selectFrom('access_grants')
        .selectAll()
        .where('door_id', '=', garage.id)
        .where('user_id', '=', john.id)
        .executeTakeFirstOrThrow();
      await other.db.deleteFrom('access_grants').where('id', '=', grant.id).execute();
      assert.ok(!(await doorNames()).includes('Garage West'), 'access removed elsewhere: gone at once');
      await other.db.insertInto('access_grants').values(grant).execute();
      assert.ok((await doorNames()).includes('Garage West'));
    } finally {
      await other.db.updateTable('doors').set({ name: 'Garage' }).where('name', '=', 'Garage West').execute();
    }
  });

  test('a token revoked through this process fails at once (RFC 7009)', async () => {
    const tokens = await app.tokensFor();
    assert.equal((await app.api(USER_INFO, tokens.access_token, { method: 'GET' })).status, 200);
    const revoked = await app.token(
      { token: tokens.access_token },
      {
        method: 'POST',
        path: '/oauth/v2/endpoints/revoke/',
        basic: { id: app.demoClient.id, secret: app.demoClient.secret! },
      },
    );
    assert.equal(revoked.status, 200);
    assert.equal((await app.api(USER_INFO, tokens.access_token, { method: 'GET' })).status, 401);
  });
});
