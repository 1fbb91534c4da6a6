import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDevice } from '../../src/access/devices.ts';
import { DeviceInputError } from '../../src/access/errors.ts';
import { startTestApp } from '../helpers/test-app.ts';

test('two registrations racing with one blackbox code: one controller, one clear refusal', async () => {
  const app = await startTestApp();
  try {
    const account = await app.ctx.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    const register = () =>
      createDevice(
        app.ctx.db,
        { accountId: account.id, doorCount: 2, blackboxCode: 'aaaabbbbccccdddd' },
        Date.now(),
      );
    const results = await Promise.allSettled([register(), register()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const [refused] = results.filter((r) => r.status === 'rejected');
    assert.ok(refused!.reason instanceof DeviceInputError, String(refused!.reason));
    assert.match(refused!.reason.message, /already registered/);
    const devices = await app.ctx.db
      .selectFrom('devices')
      .select('id')
      .where('blackbox_code', '=', 'aaaabbbbccccdddd')
      .execute();
    assert.equal(devices.length, 1);
  } finally {
    await app.close();
  }
});
