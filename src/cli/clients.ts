import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../oauth/client-registry.ts';
import type { Client, ClientEnvironment } from '../oauth/ports.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

export const CLIENTS_HELP = `parqex clients — manage registered applications (one registration per environment)

  parqex clients create --name N --environment development|certification|production
                        --redirect-uri U [--redirect-uri U …] [--website URL] [--description T]
                        [--contact-name N] [--contact-email E] [--public] [--internal]
      Registers one environment of an application; prints client_id and client_secret (shown once).
      Redirect URIs must be https:// (development clients may also use http://localhost,
      http://127.0.0.1 or http://[::1], any port). --public: no secret, PKCE required.
      --internal: a first-party application (no consent page, may call internal endpoints).
  parqex clients list                 every application
  parqex clients show ID              one application
  parqex clients rotate-secret ID     a new secret, shown once; the old one stops working
  parqex clients disable ID           refuse the application and revoke all its tokens

Every command takes --json (one JSON document on stdout) and --help.`;

function describe(client: Client) {
  return {
    client_id: client.id,
    name: client.name,
    environment: client.environment,
    redirect_uris: client.redirectUris,
    website: client.website,
    description: client.description,
    contact_name: client.contactName,
    contact_email: client.contactEmail,
    public: client.isPublic,
    internal: client.isInternal,
    created_at: new Date(client.createdAt).toISOString(),
    disabled_at: client.disabledAt === null ? null : new Date(client.disabledAt).toISOString(),
  };
}

function humanClient(client: Client): string {
  const d = describe(client);
  return [
    `client_id:     ${d.client_id}`,
    `name:          ${d.name}`,
    `environment:   ${d.environment}`,
    `redirect_uris: ${d.redirect_uris.join(', ')}`,
    `website:       ${d.website ?? '-'}`,
    `type:          ${[d.public ? 'public' : 'confidential', d.internal ? 'internal' : ''].filter(Boolean).join(', ')}`,
    `status:        ${d.disabled_at ? `disabled ${d.disabled_at}` : 'enabled'}`,
  ].join('\n');
}

const SUBCOMMANDS = ['create', 'list', 'show', 'rotate-secret', 'disable'];
const TAKE_AN_ID = ['show', 'rotate-secret', 'disable'];

export async function clientsCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${CLIENTS_HELP}\n`);
    return;
  }
  if (!SUBCOMMANDS.includes(sub))
    throw new UsageError(`unknown command: clients ${sub} (see parqex clients --help)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      environment: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      website: { type: 'string' },
      description: { type: 'string' },
      'contact-name': { type: 'string' },
      'contact-email': { type: 'string' },
      public: { type: 'boolean' },
      internal: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${CLIENTS_HELP}\n`);
    return;
  }
  const json = values.json ?? false;
  const id = positionals[0];
  if (TAKE_AN_ID.includes(sub) && !id) throw new UsageError(`clients ${sub} needs a client id`);
  const extra = positionals.slice(TAKE_AN_ID.includes(sub) ? 1 : 0);
  if (extra.length > 0)
    throw new UsageError(
      `clients ${sub}: unexpected argument ${JSON.stringify(extra[0])} (see parqex clients --help)`,
    );
  if (sub === 'create') {
    if (!values.name) throw new UsageError('clients create needs --name');
    if (!values.environment)
      throw new UsageError(`clients create needs --environment ${ENVIRONMENTS.join('|')}`);
    if (!ENVIRONMENTS.includes(values.environment as ClientEnvironment)) {
      throw new UsageError(
        `--environment must be ${ENVIRONMENTS.join(', ')}, got ${JSON.stringify(values.environment)}`,
      );
    }
    if (!values['redirect-uri']?.length)
      throw new UsageError('clients create needs at least one --redirect-uri');
  }

  const { ctx, close } = await openContext();
  try {
    const now = ctx.clock.now();
    switch (sub) {
      case 'create': {
        const { client, clientSecret } = await ctx.clients.create(
          {
            name: values.name!,
            environment: values.environment as ClientEnvironment,
            redirectUris: values['redirect-uri']!,
            website: values.website,
            description: values.description,
            contactName: values['contact-name'],
            contactEmail: values['contact-email'],
            isPublic: values.public,
            isInternal: values.internal,
          },
          now,
        );
        print(json, { ...describe(client), client_secret: clientSecret }, () =>
          [
            humanClient(client),
            clientSecret === null
              ? 'client_secret: none (public client: PKCE required)'
              : `client_secret: ${clientSecret}\n(shown once: store it now; it cannot be displayed again)`,
          ].join('\n'),
        );
        break;
      }
      case 'list': {
        const clients = await ctx.clients.list();
        print(json, clients.map(describe), () =>
          clients.length === 0
            ? 'no applications registered'
            : table(
                ['CLIENT_ID', 'ENVIRONMENT', 'STATUS', 'NAME'],
                clients.map((c) => [c.id, c.environment, c.disabledAt ? 'disabled' : 'enabled', c.name]),
              ),
        );
        break;
      }
      case 'show': {
        const client = await ctx.clients.get(id!);
        print(json, describe(client), () => humanClient(client));
        break;
      }
      case 'rotate-secret': {
        const secret = await ctx.clients.rotateSecret(id!, now);
        print(
          json,
          { client_id: id, client_secret: secret },
          () =>
            `client_id:     ${id}\nclient_secret: ${secret}\n(shown once; the previous secret no longer works)`,
        );
        break;
      }
      case 'disable': {
        const client = await ctx.clients.disable(id!, now);
        print(json, describe(client), () => `disabled ${client.id}; its tokens are revoked`);
        break;
      }
    }
  } finally {
    await close();
  }
}
