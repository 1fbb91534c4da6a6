import { parseArgs } from 'node:util';
import { createUser } from '../accounts/users.ts';
import { openContext } from './context.ts';
import { print, UsageError } from './output.ts';

export const USERS_HELP = `parqex users — manage people

  parqex users create --email E --password P --first-name F --last-name L [--account ACCOUNT_ID --role user]
      Without --account: a new account with this user as its Admin.
      With --account: a User of that account (--role user; an account has exactly one Admin).
      Prints user_id and account_id.

Takes --json (one JSON document on stdout) and --help.`;

export async function usersCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${USERS_HELP}\n`);
    return;
  }
  if (sub !== 'create') throw new UsageError(`unknown command: users ${sub} (see parqex users --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      account: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USERS_HELP}\n`);
    return;
  }
  for (const required of ['email', 'password', 'first-name', 'last-name'] as const) {
    if (!values[required]) throw new UsageError(`users create needs --${required}`);
  }
  if (values.role !== undefined && values.role !== 'user') {
    throw new UsageError('--role must be user (the Admin is the user who creates the account)');
  }
  if (values.role !== undefined && !values.account) throw new UsageError('--role goes with --account');
  const { ctx, close } = await openContext();
  try {
    const created = await createUser(
      ctx.db,
      {
        email: values.email!,
        password: values.password!,
        firstName: values['first-name']!,
        lastName: values['last-name']!,
        accountId: values.account,
      },
      ctx.clock.now(),
    );
    print(
      json(values),
      { user_id: created.userId, account_id: created.accountId },
      () => `user_id:    ${created.userId}\naccount_id: ${created.accountId}`,
    );
  } finally {
    await close();
  }
}

function json(values: { json?: boolean }): boolean {
  return values.json ?? false;
}
