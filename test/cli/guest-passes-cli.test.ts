import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ToggleDeps } from '../../src/access/toggle.ts';
import { createPass } from '../../src/guests/passes.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import { assertJson, assertRefused, type Sandbox, sandbox } from './parqex-process.ts';

describe('parqex guest-passes list|revoke', () => {
  let box: Sandbox;
  let accountId: string;
  let passId: string;
  before(async () => {
    box = await sandbox();
    assertJson(await box.run(['demo', '--json']));
    const db = box.db();
    const owner = await db
      .selectFrom('users')
      .select(['id', 'account_id'])
      .where('email', '=', 'test@parqex.com')
      .executeTakeFirstOrThrow();
    accountId = owner.account_id;
    const garage = await db
      .selectFrom('doors')
      .innerJoin('devices', 'devices.id', 'doors.device_id')
      .select('doors.id')
      .where('devices.account_id', '=', accountId)
      .where('doors.name', '=', 'Garage')
      .executeTakeFirstOrThrow();
    const now = Date.now();
    const { pass } = await createPass(
      {
        db,
        dialect: TEST_DIALECT,
        toggleDeps: undefined as unknown as ToggleDeps,
        marketplace: { bookingGraceMs: 0 },
      },
      { userId: owner.id, accountId, role: 'admin' },
      {
        guest: { firstName: 'Maya', lastName: 'Lindqvist' },
        starts: new Date(now + 3_600_000).toISOString(),
        ends: new Date(now + 7_200_000).toISOString(),
        doorIds: [garage.id],
      },
      now,
    );
    passId = pass.id;
  });
  after(() => box.close());

  test('list shows the account’s passes; revoke ends one; revoked passes are listed as such', async () => {
    const listed = assertJson(await box.run(['guest-passes', 'list', '--account', accountId, '--json']));
    assert.deepEqual(
      listed.map((p: any) => [p.id, p.status, p.guest.first_name]),
      [[passId, 'scheduled', 'Maya']],
    );
    const human = await box.run([
      'guest-passes',
      'list',
      '--account',
      accountId.replaceAll('-', '').toUpperCase(),
    ]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ID\s+STATUS\s+GUEST/);
    assert.match(human.stdout, new RegExp(`${passId}\\s+scheduled\\s+Maya Lindqvist`));

    const revoked = assertJson(
      await box.run(['guest-passes', 'revoke', passId, '--account', accountId, '--json']),
    );
    assert.equal(revoked.status, 'revoked');
    const row = await box
      .db()
      .selectFrom('guest_passes')
      .select('revoked_at')
      .where('id', '=', passId)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.revoked_at, null);
    const onlyRevoked = assertJson(
      await box.run(['guest-passes', 'list', '--account', accountId, '--status', 'revoked', '--json']),
    );
    assert.deepEqual(
      onlyRevoked.map((p: any) => p.id),
      [passId],
    );
  });

  test('refusals: no --account, a bad status, another account’s pass (nothing changed)', async () => {
    assertRefused(await box.run(['guest-passes', 'list']), /needs --account/);
    assertRefused(
      await box.run(['guest-passes', 'list', '--account', accountId, '--status', 'late']),
      /--status/,
    );
    const other = await box
      .db()
      .selectFrom('users')
      .select('account_id')
      .where('email', '=', 'production@parqex.com')
      .executeTakeFirstOrThrow();
    const before = await box.db().selectFrom('guest_passes').selectAll().execute();
    assertRefused(
      await box.run(['guest-passes', 'revoke', passId, '--account', other.account_id]),
      /not found/,
    );
    assert.deepEqual(await box.db().selectFrom('guest_passes').selectAll().execute(), before);
    const help = await box.run(['guest-passes', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /parqex guest-passes list --account ACCOUNT_ID/);
  });
});
