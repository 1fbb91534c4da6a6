import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256 } from '../../src/lib/crypto.ts';
import { assertJson, assertRefused, field, type Sandbox, sandbox } from './parqex-process.ts';

// ParqEx docs, Requesting an Account: 18 digits, a dot, the API host (PARQEX_PUBLIC_URL's, localhost by default).
const CLIENT_ID = /^\d{18}\.localhost$/;

const PRODUCTION_APP = [
  '--name',
  'Gate Opener',
  '--environment',
  'production',
  '--redirect-uri',
  'https://gate-opener.example/oauth/callback',
];

async function storedSecretHash(box: Sandbox, clientId: string): Promise<string | null> {
  const row = await box
    .db()
    .selectFrom('clients')
    .select('secret_hash')
    .where('id', '=', clientId)
    .executeTakeFirstOrThrow();
  return row.secret_hash;
}

describe('parqex clients create', () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.close());

  test('prints the client_id (18 digits and the host) and the secret, this once', async () => {
    const created = await box.run([
      'clients',
      'create',
      ...PRODUCTION_APP,
      '--website',
      'https://gate-opener.example',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    const clientId = field(created.stdout, 'client_id');
    assert.match(clientId, CLIENT_ID);
    const secret = field(created.stdout, 'client_secret');
    assert.ok(secret.length >= 32, `a long random secret, got ${secret}`);
    assert.match(created.stdout, /shown once/);
    assert.equal(await storedSecretHash(box, clientId), sha256(secret), 'only its hash is kept');

    // Never again: show, show --json and list know the client but not its secret.
    const shown = await box.run(['clients', 'show', clientId]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(field(shown.stdout, 'name'), 'Gate Opener');
    assert.equal(field(shown.stdout, 'environment'), 'production');
    assert.equal(field(shown.stdout, 'redirect_uris'), 'https://gate-opener.example/oauth/callback');
    assert.equal(field(shown.stdout, 'status'), 'enabled');
    const shownJson = assertJson(await box.run(['clients', 'show', clientId, '--json']));
    const listed = await box.run(['clients', 'list']);
    for (const output of [shown.stdout, JSON.stringify(shownJson), listed.stdout]) {
      assert.ok(!output.includes(secret), 'the secret is not shown again');
    }
    assert.equal('client_secret' in shownJson, false);
  });

  test('--json prints exactly one JSON document on stdout and nothing else', async () => {
    const result = await box.run(
      [
        'clients',
        'create',
        '--json',
        '--name',
        'Valet Desk',
        '--environment',
        'certification',
        '--redirect-uri',
        'https://valet.example/cb',
        '--redirect-uri',
        'https://valet.example/cb2',
        '--website',
        'https://valet.example',
        '--description',
        'Opens the garage for the valet',
        '--contact-name',
        'Vera Valet',
        '--contact-email',
        'vera@valet.example',
      ],
      { PARQEX_PUBLIC_URL: 'https://api.parqex.example' },
    );
    const created = assertJson(result);
    assert.ok(result.stdout.trimStart().startsWith('{') && result.stdout.endsWith('}\n'));
    assert.match(created.client_id, /^\d{18}\.api\.parqex\.example$/, 'the host of PARQEX_PUBLIC_URL');
    assert.equal(typeof created.client_secret, 'string');
    assert.equal(await storedSecretHash(box, created.client_id), sha256(created.client_secret));
    assert.deepEqual(
      { ...created, client_id: 'ID', client_secret: 'SECRET', created_at: 'T' },
      {
        client_id: 'ID',
        client_secret: 'SECRET',
        name: 'Valet Desk',
        environment: 'certification',
        redirect_uris: ['https://valet.example/cb', 'https://valet.example/cb2'],
        website: 'https://valet.example',
        description: 'Opens the garage for the valet',
        contact_name: 'Vera Valet',
        contact_email: 'vera@valet.example',
        public: false,
        internal: false,
        created_at: 'T',
        disabled_at: null,
      },
    );
    assert.ok(!Number.isNaN(Date.parse(created.created_at)));
  });

  test('a development client may use loopback http redirect URIs, any port', async () => {
    const loopback = ['http://localhost:3000/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'];
    const created = assertJson(
      await box.run([
        'clients',
        'create',
        '--json',
        '--name',
        'Local Dev',
        '--environment',
        'development',
        ...loopback.flatMap((uri) => ['--redirect-uri', uri]),
      ]),
    );
    assert.equal(created.environment, 'development');
    assert.deepEqual(created.redirect_uris, loopback);
  });

  test('--public (no secret, PKCE) and --internal (first party) show in show --json', async () => {
    const publicApp = assertJson(
      await box.run(['clients', 'create', '--json', ...PRODUCTION_APP, '--name', 'Phone App', '--public']),
    );
    assert.equal(publicApp.client_secret, null);
    assert.equal(await storedSecretHash(box, publicApp.client_id), null);
    const internalApp = assertJson(
      await box.run(['clients', 'create', '--json', ...PRODUCTION_APP, '--name', 'ParqEx Web', '--internal']),
    );
    assert.equal(typeof internalApp.client_secret, 'string');

    const shownPublic = assertJson(await box.run(['clients', 'show', publicApp.client_id, '--json']));
    assert.equal(shownPublic.public, true);
    assert.equal(shownPublic.internal, false);
    const shownInternal = assertJson(await box.run(['clients', 'show', internalApp.client_id, '--json']));
    assert.equal(shownInternal.public, false);
    assert.equal(shownInternal.internal, true);

    const human = await box.run(['clients', 'show', publicApp.client_id]);
    assert.equal(field(human.stdout, 'type'), 'public');

    // A public client has no secret to rotate.
    assertRefused(await box.run(['clients', 'rotate-secret', publicApp.client_id]), /public client/);
  });

  test('a refused create registers nothing, even when an earlier redirect URI was fine', async () => {
    const before = assertJson(await box.run(['clients', 'list', '--json']));
    assertRefused(
      await box.run([
        ...['clients', 'create', ...PRODUCTION_APP],
        '--redirect-uri',
        'http://gate-opener.example/cb',
      ]),
      /https:\/\//,
    );
    assert.deepEqual(assertJson(await box.run(['clients', 'list', '--json'])), before);
  });
});

describe('parqex clients list, show, rotate-secret, disable', () => {
  let box: Sandbox;
  let first: any;
  let second: any;
  before(async () => {
    box = await sandbox();
    first = assertJson(await box.run(['clients', 'create', '--json', ...PRODUCTION_APP]));
    second = assertJson(
      await box.run([
        'clients',
        'create',
        '--json',
        ...['--name', 'Gate Opener (dev)', '--environment', 'development'],
        ...['--redirect-uri', 'http://localhost:3000/cb'],
      ]),
    );
  });
  after(() => box.close());

  test('list shows every application, oldest first; --json gives the same as show --json', async () => {
    const listed = await box.run(['clients', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, ...lines] = listed.stdout.trimEnd().split('\n');
    assert.match(header!, /^CLIENT_ID\s+ENVIRONMENT\s+STATUS\s+NAME$/);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^${first.client_id}\\s+production\\s+enabled\\s+Gate Opener$`));
    assert.match(
      lines[1]!,
      new RegExp(`^${second.client_id}\\s+development\\s+enabled\\s+Gate Opener \\(dev\\)$`),
    );

    const json = assertJson(await box.run(['clients', 'list', '--json']));
    const { client_secret: _, ...firstShown } = first;
    assert.deepEqual(json[0], firstShown);
    assert.deepEqual(
      json.map((c: any) => c.client_id),
      [first.client_id, second.client_id],
    );
  });

  test('rotate-secret prints a new secret once; only the new hash is kept', async () => {
    const rotated = await box.run(['clients', 'rotate-secret', first.client_id]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(field(rotated.stdout, 'client_id'), first.client_id);
    const secret = field(rotated.stdout, 'client_secret');
    assert.notEqual(secret, first.client_secret);
    assert.match(rotated.stdout, /shown once/);
    assert.equal(await storedSecretHash(box, first.client_id), sha256(secret));

    const again = assertJson(await box.run(['clients', 'rotate-secret', first.client_id, '--json']));
    assert.deepEqual(Object.keys(again).sort(), ['client_id', 'client_secret']);
    assert.equal(again.client_id, first.client_id);
    assert.notEqual(again.client_secret, secret);
    assert.equal(await storedSecretHash(box, first.client_id), sha256(again.client_secret));
    assert.equal(
      await storedSecretHash(box, second.client_id),
      sha256(second.client_secret),
      'others untouched',
    );
  });

  test('disable marks the application disabled; list and show say so; disabling again changes nothing', async () => {
    const disabled = await box.run(['clients', 'disable', second.client_id]);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, new RegExp(`disabled ${second.client_id.replace('.', '\\.')}`));

    const shown = assertJson(await box.run(['clients', 'show', second.client_id, '--json']));
    assert.ok(!Number.isNaN(Date.parse(shown.disabled_at)), 'disabled_at is set');
    assert.match(
      field((await box.run(['clients', 'show', second.client_id])).stdout, 'status'),
      /^disabled /,
    );
    const listed = await box.run(['clients', 'list']);
    assert.match(listed.stdout, new RegExp(`${second.client_id}\\s+development\\s+disabled`));
    assert.match(listed.stdout, new RegExp(`${first.client_id}\\s+production\\s+enabled`));

    const again = assertJson(await box.run(['clients', 'disable', second.client_id, '--json']));
    assert.equal(again.disabled_at, shown.disabled_at);
  });

  test('show, rotate-secret and disable of an unknown id, or without one, are refused', async () => {
    const results = await Promise.all(
      ['show', 'rotate-secret', 'disable'].flatMap((command) => [
        box.run(['clients', command, '999999999999999999.localhost']),
        box.run(['clients', command]),
      ]),
    );
    for (const [i, result] of results.entries()) {
      assertRefused(
        result,
        i % 2 === 0 ? /no client with id 999999999999999999\.localhost/ : /needs a client id/,
      );
    }
  });
});

describe('parqex clients create refuses, naming the problem', { concurrency: true }, () => {
  const app = (environment: string, uri: string) => [
    'create',
    '--name',
    'App',
    '--environment',
    environment,
    '--redirect-uri',
    uri,
  ];
  const cases: Array<[string, string[], RegExp]> = [
    [
      'an http redirect URI for a production client',
      app('production', 'http://app.example/cb'),
      /http:\/\/app\.example\/cb must start with https:\/\//,
    ],
    [
      'a loopback http redirect URI for a production client',
      app('production', 'http://localhost:3000/cb'),
      /allowed only for development clients/,
    ],
    [
      'a loopback http redirect URI for a certification client',
      app('certification', 'http://127.0.0.1/cb'),
      /allowed only for development clients/,
    ],
    [
      'a non-loopback http redirect URI for a development client',
      app('development', 'http://dev.app.example/cb'),
      /allowed only for localhost, 127\.0\.0\.1 and \[::1\]/,
    ],
    ['a fragment', app('production', 'https://app.example/cb#done'), /fragment \(#\)/],
    ['a wildcard', app('production', 'https://*.app.example/cb'), /wildcard \(\*\)/],
    ['user information', app('production', 'https://user:pw@app.example/cb'), /user information/],
    [
      'a custom scheme',
      app('production', 'com.example.app:/cb'),
      /must be an https:\/\/ URL, not com\.example\.app:/,
    ],
    ['an ftp URI', app('development', 'ftp://app.example/cb'), /must be an https:\/\/ URL, not ftp:/],
    ['a relative URI', app('production', '/cb'), /"\/cb" is not an absolute URL/],
    [
      'a website that is not http(s)',
      [...app('production', 'https://app.example/cb'), '--website', 'javascript:alert(1)'],
      /website/,
    ],
    [
      'a missing --name',
      ['create', '--environment', 'production', '--redirect-uri', 'https://app.example/cb'],
      /needs --name/,
    ],
    [
      'a missing --environment',
      ['create', '--name', 'App', '--redirect-uri', 'https://app.example/cb'],
      /needs --environment development\|certification\|production/,
    ],
    ['an unknown environment', app('staging', 'https://app.example/cb'), /--environment .*"staging"/],
    [
      'a missing --redirect-uri',
      ['create', '--name', 'App', '--environment', 'production'],
      /needs at least one --redirect-uri/,
    ],
    ['an unknown option', [...app('production', 'https://app.example/cb'), '--colour', 'red'], /--colour/],
    ['an unknown subcommand', ['delete', '123'], /unknown command: clients delete/],
    ['a second client id', ['show', '1.localhost', '2.localhost'], /unexpected argument "2\.localhost"/],
    [
      'a bad redirect URI with --json: still one line on stderr, nothing on stdout',
      ['create', '--json', ...app('production', 'http://app.example/cb').slice(1)],
      /must start with https:\/\//,
    ],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const box = await sandbox();
      try {
        assertRefused(await box.run(['clients', ...args]), message);
      } finally {
        await box.close();
      }
    });
  }
});
