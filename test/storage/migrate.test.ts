import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { MIGRATIONS } from '../../src/storage/migrations/index.ts';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/test-database.ts';

const run = promisify(execFile);
const HOST = new URL('./migrate-host.ts', import.meta.url).pathname;

test('five hosts migrating one empty database at once apply each migration exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parqex-migrate-'));
  const schema = `m_${process.pid}_${Date.now()}`;
  const url = TEST_DATABASE_URL ?? `sqlite:${join(dir, 'parqex.db')}`;
  if (TEST_DATABASE_URL) await adminQuery(`create schema ${schema}`);
  const migrateOnce = async () => {
    const { stdout } = await run(process.execPath, [HOST, url, TEST_DATABASE_URL ? schema : '']);
    return JSON.parse(stdout) as string[];
  };
  try {
    const results = await Promise.all(Array.from({ length: 5 }, migrateOnce));
    assert.deepEqual(
      results.flat().sort(),
      Object.keys(MIGRATIONS).sort(),
      'each migration applied by one host',
    );
    assert.deepEqual(await migrateOnce(), [], 'nothing left to apply');
  } finally {
    if (TEST_DATABASE_URL) await adminQuery(`drop schema ${schema} cascade`);
    rmSync(dir, { recursive: true, force: true });
  }
});
