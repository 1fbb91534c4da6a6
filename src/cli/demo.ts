import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import {
  DEMO_CLIENT,
  DEMO_LISTINGS,
  DEMO_PROPERTY,
  demoClientId,
  demoRedirectUri,
  JOHN,
  seedDemo,
  TESTING_ACCOUNTS,
} from '../demo/seed.ts';
import { openContext } from './context.ts';
import { print, UsageError } from './output.ts';

export const DEMO_HELP = `parqex demo — (re)create the testing accounts, their Marketplace and the demo application

Removes and recreates production@parqex.com, test@parqex.com and john.doe@parqex.com (with
their accounts, controllers, history, properties, listings and bookings — bookings anyone made
of the demo listings go too) and the demo application. "ParqEx Test" gets its property again,
"ParqEx Test Garage" in Midtown New York, whose gate is its Garage door, with two published
listings: a pool of 10 spaces and a driveway space.
The demo application's webhook endpoints are deleted with it, with their deliveries (register a
receiver again with parqex webhooks create); other applications' endpoints are kept. Refused
when PARQEX_ENV=production. Takes --json.`;

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const config = loadConfig();
  // Refused before the database is touched.
  if (config.env === 'production') throw new UsageError('demo data is refused when PARQEX_ENV=production');
  const { ctx, close } = await openContext(config);
  try {
    const { deletedWebhookEndpoints } = await seedDemo(ctx.db, ctx.clients, ctx.publicUrl, ctx.clock.now());
    const result = {
      accounts: [
        ...TESTING_ACCOUNTS.map((a) => ({ email: a.email, password: a.password })),
        { email: JOHN.email, password: JOHN.password },
      ],
      client_id: demoClientId(ctx.publicUrl),
      client_secret: DEMO_CLIENT.secret,
      redirect_uri: demoRedirectUri(ctx.publicUrl),
      deleted_webhook_endpoints: deletedWebhookEndpoints,
    };
    print(values.json ?? false, result, () =>
      [
        'testing accounts recreated:',
        ...result.accounts.map((a) => `  ${a.email} / ${a.password}`),
        `demo Marketplace: ${DEMO_PROPERTY.name} (${DEMO_PROPERTY.address.line1}, ${DEMO_PROPERTY.address.city}): ${DEMO_LISTINGS.map((l) => JSON.stringify(l.title)).join(', ')}`,
        `demo application: client_id ${result.client_id}, client_secret ${result.client_secret}`,
        `  redirect_uri ${result.redirect_uri}`,
        ...(deletedWebhookEndpoints.length > 0
          ? [`deleted the demo application's webhook endpoints: ${deletedWebhookEndpoints.join(', ')}`]
          : []),
      ].join('\n'),
    );
  } finally {
    await close();
  }
}
