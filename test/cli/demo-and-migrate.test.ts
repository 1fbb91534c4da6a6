import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { verifyPassword } from '../../src/accounts/passwords.ts';
import { sha256 } from '../../src/lib/crypto.ts';
import { MIGRATIONS } from '../../src/storage/migrations/index.ts';
import { assertJson, assertRefused, type Sandbox, sandbox } from './parqex-process.ts';

const EVERY_MIGRATION = Object.keys(MIGRATIONS).sort();

const TESTING_PEOPLE = [
  { email: 'production@parqex.com', password: 'parqex-production' },
  { email: 'test@parqex.com', password: 'parqex-test' },
  { email: 'john.doe@parqex.com', password: 'parqex-john' },
];
const DEMO_CLIENT_ID = '555555555555555555.localhost';

async function inSandbox(run: (box: Sandbox) => Promise<void>): Promise<void> {
  const box = await sandbox();
  try {
    await run(box);
  } finally {
    await box.close();
  }
}

/** The testing people as stored: email → account name and role. */
async function testingPeople(box: Sandbox) {
  const rows = await box
    .db()
    .selectFrom('users')
    .innerJoin('accounts', 'accounts.id', 'users.account_id')
    .select(['users.id', 'users.email', 'users.role', 'users.password_hash', 'accounts.id as accountId'])
    .select('accounts.name as account')
    .where(
      'users.email',
      'in',
      TESTING_PEOPLE.map((p) => p.email),
    )
    .orderBy('users.email')
    .execute();
  return rows;
}

describe('parqex migrate', { concurrency: true }, () => {
  test('applies every migration once; run again, it says the database is up to date', () =>
    inSandbox(async (box) => {
      const first = await box.run(['migrate']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      assert.equal(first.stdout, `applied: ${EVERY_MIGRATION.join(', ')}\n`);

      const second = await box.run(['migrate']);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, 'database is up to date\n');

      assert.deepEqual(assertJson(await box.run(['migrate', '--json'])), { applied: [] });
    }));

  test('--json: {applied: [...]} and nothing else', () =>
    inSandbox(async (box) => {
      assert.deepEqual(assertJson(await box.run(['migrate', '--json'])), { applied: EVERY_MIGRATION });
    }));

  test('an unreachable database: one line naming PARQEX_DATABASE_URL', () =>
    inSandbox(async (box) => {
      // A directory where the SQLite file should be: SQLite cannot open it.
      assertRefused(
        await box.run(['migrate'], { PARQEX_DATABASE_URL: `sqlite:${box.dir}` }),
        /PARQEX_DATABASE_URL: cannot open the database/,
      );
    }));
});

describe('parqex demo', { concurrency: true }, () => {
  test('creates the testing accounts and the demo application; run again, it recreates them', () =>
    inSandbox(async (box) => {
      const created = assertJson(await box.run(['demo', '--json']));
      assert.deepEqual(created, {
        accounts: TESTING_PEOPLE,
        client_id: DEMO_CLIENT_ID,
        client_secret: 'parqex-demo-secret',
        redirect_uri: 'http://localhost:8080/demo/callback',
        deleted_webhook_endpoints: [],
      });
      const people = await testingPeople(box);
      assert.deepEqual(
        people.map((p) => [p.email, p.account, p.role]),
        [
          ['john.doe@parqex.com', 'ParqEx Test', 'user'],
          ['production@parqex.com', 'ParqEx Production', 'admin'],
          ['test@parqex.com', 'ParqEx Test', 'admin'],
        ],
      );
      const demoClient = await box
        .db()
        .selectFrom('clients')
        .selectAll()
        .where('id', '=', DEMO_CLIENT_ID)
        .executeTakeFirstOrThrow();
      assert.equal(demoClient.secret_hash, sha256('parqex-demo-secret'));
      assert.equal(demoClient.environment, 'development');

      // Someone else's registrations are not the demo's business.
      const other = assertJson(
        await box.run([
          'users',
          'create',
          '--json',
          ...['--email', 'jane@example.com', '--password', 'long enough'],
          ...['--first-name', 'Jane', '--last-name', 'Roe'],
        ]),
      );
      const otherClient = assertJson(
        await box.run([
          'clients',
          'create',
          '--json',
          ...[
            '--name',
            'Jane App',
            '--environment',
            'production',
            '--redirect-uri',
            'https://jane.example/cb',
          ],
        ]),
      );

      const again = await box.run(['demo']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stderr, '');
      assert.match(again.stdout, /^testing accounts recreated:$/m);
      for (const { email, password } of TESTING_PEOPLE)
        assert.match(again.stdout, new RegExp(`${email} / ${password}`));
      assert.match(
        again.stdout,
        /demo application: client_id 555555555555555555\.localhost, client_secret parqex-demo-secret/,
      );

      const recreated = await testingPeople(box);
      assert.deepEqual(
        recreated.map((p) => [p.email, p.account, p.role]),
        people.map((p) => [p.email, p.account, p.role]),
        'the same people, once each',
      );
      for (const [i, person] of recreated.entries()) {
        assert.notEqual(person.id, people[i]!.id, `${person.email} was recreated`);
        const { password } = TESTING_PEOPLE.find((p) => p.email === person.email)!;
        assert.ok(
          await verifyPassword(password, person.password_hash),
          `${person.email} signs in with ${password}`,
        );
      }
      const accounts = await box.db().selectFrom('accounts').select('name').orderBy('name').execute();
      assert.deepEqual(
        accounts.map((a) => a.name),
        ['Jane Roe', 'ParqEx Production', 'ParqEx Test'],
        'the old testing accounts are gone, not left beside the new ones',
      );
      // The demo marketplace came back once: one property of "ParqEx Test", gated by its Garage,
      // with its two published listings.
      const listings = await box
        .db()
        .selectFrom('listings')
        .innerJoin('properties', 'properties.id', 'listings.property_id')
        .innerJoin('accounts', 'accounts.id', 'properties.account_id')
        .innerJoin('property_doors', 'property_doors.property_id', 'properties.id')
        .innerJoin('doors', 'doors.id', 'property_doors.door_id')
        .select(['accounts.name as account', 'properties.name as property', 'doors.name as gate'])
        .select(['listings.title', 'listings.kind', 'listings.capacity', 'listings.status'])
        .orderBy('listings.title')
        .execute();
      assert.deepEqual(
        listings.map((l) => [l.account, l.property, l.gate, l.title, l.kind, Number(l.capacity), l.status]),
        [
          ['ParqEx Test', 'ParqEx Test Garage', 'Garage', 'Driveway space', 'space', 1, 'published'],
          [
            'ParqEx Test',
            'ParqEx Test Garage',
            'Garage',
            'Garage — any of 10 spaces',
            'pool',
            10,
            'published',
          ],
        ],
      );
      const clients = await box.db().selectFrom('clients').select('id').orderBy('id').execute();
      assert.deepEqual(clients.map((c) => c.id).sort(), [DEMO_CLIENT_ID, otherClient.client_id].sort());
      const jane = await box
        .db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'jane@example.com')
        .executeTakeFirst();
      assert.equal(jane?.id, other.user_id);
    }));

  test('a testing account that someone was added to is recreated whole, one account per name', () =>
    inSandbox(async (box) => {
      assertJson(await box.run(['demo', '--json']));
      const testAccount = (await testingPeople(box)).find((p) => p.email === 'test@parqex.com')!.accountId;
      assertJson(
        await box.run([
          'users',
          'create',
          '--json',
          ...[
            '--email',
            'guest@example.com',
            '--password',
            'long enough',
            '--first-name',
            'Gus',
            '--last-name',
            'Guest',
          ],
          ...['--account', testAccount, '--role', 'user'],
        ]),
      );
      assertJson(await box.run(['demo', '--json']));
      const accounts = await box.db().selectFrom('accounts').select('name').orderBy('name').execute();
      assert.deepEqual(
        accounts.map((a) => a.name),
        ['ParqEx Production', 'ParqEx Test'],
      );
      const admins = await box.db().selectFrom('users').select('email').where('role', '=', 'admin').execute();
      assert.equal(admins.length, 2, 'every account keeps exactly one Admin');
    }));

  test('a plain-http, non-loopback public URL in development still seeds the demo application', () =>
    inSandbox(async (box) => {
      const created = assertJson(
        await box.run(['demo', '--json'], { PARQEX_PUBLIC_URL: 'http://192.168.1.10:8080' }),
      );
      assert.equal(created.redirect_uri, 'http://192.168.1.10:8080/demo/callback');
      const client = await box.db().selectFrom('clients').select('redirect_uris').executeTakeFirstOrThrow();
      assert.ok(JSON.parse(client.redirect_uris).includes('http://192.168.1.10:8080/demo/callback'));
    }));

  test('the demo client follows PARQEX_PUBLIC_URL', () =>
    inSandbox(async (box) => {
      const created = assertJson(
        await box.run(['demo', '--json'], { PARQEX_PUBLIC_URL: 'https://parqex.test:9000/' }),
      );
      assert.equal(created.client_id, '555555555555555555.parqex.test');
      assert.equal(created.redirect_uri, 'https://parqex.test:9000/demo/callback');
    }));

  test('is refused with PARQEX_ENV=production, before the database is touched', () =>
    inSandbox(async (box) => {
      assertRefused(
        await box.run(['demo'], {
          PARQEX_ENV: 'production',
          PARQEX_PUBLIC_URL: 'https://parqex.example',
          PARQEX_SECRET_KEY: 'k'.repeat(64),
        }),
        /demo data is refused when PARQEX_ENV=production/,
      );
      if (box.file) assert.equal(existsSync(box.file), false, 'no database file was created');
    }));
});
