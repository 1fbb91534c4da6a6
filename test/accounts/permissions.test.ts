import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  getPermissions,
  listMembers,
  mayCreateGuestPasses,
  mayEnforce,
  setPermissions,
} from '../../src/accounts/permissions.ts';
import { guestWorld } from '../guests/guest-fixtures.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

describe("members' permissions (products.md §0): the Admin has all, a User what the Admin gives", () => {
  let app: TestApp;
  let w: Awaited<ReturnType<typeof guestWorld>>;
  before(async () => {
    app = await startTestApp();
    w = await guestWorld(app);
  });
  after(() => app.close());

  test('the Admin lists the account’s people, the Admin first; a User sees only themself', async () => {
    const all = await listMembers(app.ctx.db, w.owner);
    assert.deepEqual(
      all.map((m) => [m.email, m.role, m.permissions]),
      [
        ['test@parqex.com', 'admin', { guests: true, enforce: true }],
        ['john.doe@parqex.com', 'user', { guests: false, enforce: false }],
      ],
    );
    assert.deepEqual(all[1], {
      userId: w.john.userId,
      email: 'john.doe@parqex.com',
      firstName: 'John',
      lastName: 'Doe',
      role: 'user',
      permissions: { guests: false, enforce: false },
    });
    assert.deepEqual(
      (await listMembers(app.ctx.db, w.john)).map((m) => m.email),
      ['john.doe@parqex.com'],
    );
    assert.deepEqual(
      (await listMembers(app.ctx.db, w.production)).map((m) => m.email),
      ['production@parqex.com'],
      'another account lists its own people only',
    );
  });

  test('the Admin gives and takes back each permission; a field left out keeps its value', async () => {
    assert.deepEqual(
      (await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: true })).permissions,
      { guests: true, enforce: false },
    );
    assert.equal(await mayCreateGuestPasses(app.ctx.db, w.john), true);
    assert.equal(await mayEnforce(app.ctx.db, w.john), false);
    assert.deepEqual(
      (await setPermissions(app.ctx.db, w.owner, w.john.userId, { enforce: true })).permissions,
      { guests: true, enforce: true },
    );
    assert.deepEqual(
      (await setPermissions(app.ctx.db, w.owner, w.john.userId, { guests: false, enforce: false }))
        .permissions,
      { guests: false, enforce: false },
    );
    assert.deepEqual(await getPermissions(app.ctx.db, w.john.userId), { guests: false, enforce: false });
    assert.equal(await mayCreateGuestPasses(app.ctx.db, w.owner), true, 'the Admin, by role');
  });

  test('only the Admin sets; another account’s person is not found; the Admin’s own cannot be lowered; nothing written', async () => {
    const unchanged = async () =>
      assert.deepEqual(await getPermissions(app.ctx.db, w.john.userId), { guests: false, enforce: false });
    await assert.rejects(setPermissions(app.ctx.db, w.john, w.john.userId, { guests: true }), {
      code: 'forbidden',
      kind: 'forbidden',
    });
    await unchanged();
    await assert.rejects(setPermissions(app.ctx.db, w.production, w.john.userId, { guests: true }), {
      code: 'member_not_found',
      kind: 'not_found',
    });
    await unchanged();
    await assert.rejects(setPermissions(app.ctx.db, w.owner, w.production.userId, { guests: true }), {
      code: 'member_not_found',
    });
    await assert.rejects(setPermissions(app.ctx.db, w.owner, w.owner.userId, { guests: false }), {
      code: 'admin_permissions_fixed',
      kind: 'unprocessable',
    });
    assert.deepEqual(
      (await setPermissions(app.ctx.db, w.owner, w.owner.userId, { guests: true })).permissions,
      { guests: true, enforce: true },
      'asking the Admin for what they hold is a no-op',
    );
    for (const bad of [{}, { guests: 'yes' }, { admin: true }] as object[]) {
      await assert.rejects(setPermissions(app.ctx.db, w.owner, w.john.userId, bad), {
        code: 'invalid_permissions',
      });
    }
    await unchanged();
  });
});
