import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import {
  DEMO_CLIENT,
  demoClientId,
  demoRedirectUri,
  JOHN,
  seedDemo,
  TESTING_ACCOUNTS,
} from '../demo/seed.ts';
import { openContext } from './context.ts';
import { print, UsageError } from './output.ts';

export const DEMO_HELP = `parqex demo — (re)create the testing accounts and the demo application

Removes and recreates production@parqex.com, test@parqex.com and john.doe@parqex.com (with
their accounts) and the demo application. Refused when PARQEX_ENV=production. Takes --json.`;

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const config = loadConfig();
  // Refused before the database is touched.
  if (config.env === 'production') throw new UsageError('demo data is refused when PARQEX_ENV=production');
  const { ctx, close } = await openContext(config);
  try {
    await seedDemo(ctx.db, ctx.clients, ctx.publicUrl, ctx.clock.now());
    const result = {
      accounts: [
        ...TESTING_ACCOUNTS.map((a) => ({ email: a.email, password: a.password })),
        { email: JOHN.email, password: JOHN.password },
      ],
      client_id: demoClientId(ctx.publicUrl),
      client_secret: DEMO_CLIENT.secret,
      redirect_uri: demoRedirectUri(ctx.publicUrl),
    };
    print(values.json ?? false, result, () =>
      [
        'testing accounts recreated:',
        ...result.accounts.map((a) => `  ${a.email} / ${a.password}`),
        `demo application: client_id ${result.client_id}, client_secret ${result.client_secret}`,
        `  redirect_uri ${result.redirect_uri}`,
      ].join('\n'),
    );
  } finally {
    await close();
  }
}
