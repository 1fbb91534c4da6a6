import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyPassword } from '../../src/accounts/passwords.ts';
import { assertJson, assertRefused, field, type Sandbox, sandbox } from './parqex-process.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const person = (email: string, first = 'Jane', last = 'Roe') => [
  ...['--email', email],
  ...['--password', 'correct horse battery'],
  ...['--first-name', first],
  ...['--last-name', last],
];

async function storedUser(box: Sandbox, email: string) {
  return box.db().selectFrom('users').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
}

describe('parqex users create', () => {
  let box: Sandbox;
  let jane: { userId: string; accountId: string };
  before(async () => {
    box = await sandbox();
  });
  after(() => box.close());

  test('without --account: a new account with this person as its Admin; prints user_id and account_id', async () => {
    const created = await box.run(['users', 'create', ...person('Jane.Roe@Example.com')]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    jane = { userId: field(created.stdout, 'user_id'), accountId: field(created.stdout, 'account_id') };
    assert.match(jane.userId, UUID);
    assert.match(jane.accountId, UUID);

    const user = await storedUser(box, 'jane.roe@example.com');
    assert.equal(user.id, jane.userId, 'the email is kept in lower case');
    assert.equal(user.account_id, jane.accountId);
    assert.equal(user.role, 'admin');
    assert.equal(user.first_name, 'Jane');
    assert.equal(user.last_name, 'Roe');
    assert.notEqual(user.password_hash, 'correct horse battery');
    assert.ok(await verifyPassword('correct horse battery', user.password_hash), 'she can sign in with it');
    const account = await box
      .db()
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', jane.accountId)
      .executeTakeFirstOrThrow();
    assert.equal(account.name, 'Jane Roe');
  });

  test('with --account ID --role user: a User of that account; --json prints {user_id, account_id}', async () => {
    const result = await box.run([
      'users',
      'create',
      '--json',
      ...person('sam@example.com', 'Sam', 'Poe'),
      ...['--account', jane.accountId, '--role', 'user'],
    ]);
    const created = assertJson(result);
    assert.deepEqual(Object.keys(created).sort(), ['account_id', 'user_id']);
    assert.match(created.user_id, UUID);
    assert.equal(created.account_id, jane.accountId);

    const sam = await storedUser(box, 'sam@example.com');
    assert.equal(sam.account_id, jane.accountId);
    assert.equal(sam.role, 'user');
    const admins = await box
      .db()
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', jane.accountId)
      .where('role', '=', 'admin')
      .execute();
    assert.deepEqual(
      admins.map((a) => a.id),
      [jane.userId],
      'the account keeps exactly one Admin',
    );
  });

  test('an email already taken is refused, whatever its case; nothing is created', async () => {
    const countBefore = (await box.db().selectFrom('users').select('id').execute()).length;
    assertRefused(
      await box.run(['users', 'create', ...person('JANE.ROE@example.com', 'Other', 'Jane')]),
      /a user with email jane\.roe@example\.com already exists/,
    );
    assertRefused(
      await box.run(['users', 'create', ...person('sam@example.com'), '--account', jane.accountId]),
      /already exists/,
    );
    assert.equal((await box.db().selectFrom('users').select('id').execute()).length, countBefore);
    assert.equal(
      (await box.db().selectFrom('accounts').select('id').execute()).length,
      1,
      'no account left behind by the refused create',
    );
  });
});

describe('parqex users create refuses, naming the problem', { concurrency: true }, () => {
  const named = ['--first-name', 'Jane', '--last-name', 'Roe'];
  const cases: Array<[string, string[], RegExp]> = [
    [
      'a bad email',
      ['--email', 'jane.example.com', '--password', 'long enough', ...named],
      /"jane\.example\.com" is not an email address/,
    ],
    [
      'a password shorter than 8 characters',
      ['--email', 'jane@example.com', '--password', 'short12', ...named],
      /password must be at least 8 characters/,
    ],
    ['a missing --email', ['--password', 'long enough', ...named], /needs --email/],
    ['a missing --password', ['--email', 'jane@example.com', ...named], /needs --password/],
    [
      'a missing --first-name',
      ['--email', 'jane@example.com', '--password', 'long enough', '--last-name', 'Roe'],
      /needs --first-name/,
    ],
    [
      'a blank last name',
      [
        '--email',
        'jane@example.com',
        '--password',
        'long enough',
        '--first-name',
        'Jane',
        '--last-name',
        ' ',
      ],
      /first and last name are required/,
    ],
    [
      'an unknown account',
      [...person('jane@example.com'), '--account', '00000000-0000-0000-0000-000000000000', '--role', 'user'],
      /account 00000000-0000-0000-0000-000000000000 does not exist/,
    ],
    [
      '--role admin (the Admin is whoever creates the account)',
      [...person('jane@example.com'), '--account', '00000000-0000-0000-0000-000000000000', '--role', 'admin'],
      /--role must be user/,
    ],
    [
      '--role without --account',
      [...person('jane@example.com'), '--role', 'user'],
      /--role goes with --account/,
    ],
    ['an unknown option', [...person('jane@example.com'), '--age', '42'], /--age/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const box = await sandbox();
      try {
        assertRefused(await box.run(['users', 'create', ...args]), message);
      } finally {
        await box.close();
      }
    });
  }
  test('an unknown subcommand', async () => {
    const box = await sandbox();
    try {
      assertRefused(await box.run(['users', 'delete', 'jane@example.com']), /unknown command: users delete/);
    } finally {
      await box.close();
    }
  });
});
