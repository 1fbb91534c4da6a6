import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertRefused, type Sandbox, sandbox } from './parqex-process.ts';

// running.md: "Every command has --help". It prints on stdout, exits 0 and touches no database.
const HELP: Array<[string[], RegExp]> = [
  [['--help'], /^parqex — /],
  [['-h'], /^parqex — /],
  [['help'], /^parqex — /],
  [[], /^parqex — /],
  [['serve', '--help'], /^parqex serve — /],
  [['migrate', '--help'], /^parqex migrate — /],
  [['demo', '--help'], /^parqex demo — /],
  [['clients', '--help'], /^parqex clients — /],
  [['clients', 'create', '--help'], /^parqex clients — /],
  [['clients', 'list', '--help'], /^parqex clients — /],
  [['clients', 'show', '--help'], /^parqex clients — /],
  [['clients', 'rotate-secret', '-h'], /^parqex clients — /],
  [['clients', 'disable', '--help'], /^parqex clients — /],
  [['users', '--help'], /^parqex users — /],
  [['users', 'create', '--help'], /^parqex users — /],
  [['devices', '--help'], /^parqex devices — /],
];

describe('parqex --help', { concurrency: true }, () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.close());

  for (const [args, title] of HELP) {
    test(`parqex ${args.join(' ')}`.trimEnd(), async () => {
      const result = await box.run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, title);
      if (box.file) assert.equal(existsSync(box.file), false, 'no database was opened');
    });
  }

  test('the overview names every command', async () => {
    const { stdout } = await box.run(['--help']);
    for (const command of ['serve', 'migrate', 'demo', 'clients', 'users', 'devices']) {
      assert.match(stdout, new RegExp(`^ {2}${command}\\b`, 'm'), command);
    }
  });

  test('clients and users help name every option of running.md', async () => {
    const clients = await box.run(['clients', '--help']);
    for (const option of [
      '--name',
      '--environment development|certification|production',
      '--redirect-uri',
      '--website',
      '--description',
      '--contact-name',
      '--contact-email',
      '--public',
      '--internal',
      'list',
      'show ID',
      'rotate-secret ID',
      'disable ID',
    ]) {
      assert.ok(clients.stdout.includes(option), `clients --help mentions ${option}`);
    }
    const users = await box.run(['users', '--help']);
    for (const option of [
      '--email',
      '--password',
      '--first-name',
      '--last-name',
      '--account',
      '--role user',
    ]) {
      assert.ok(users.stdout.includes(option), `users --help mentions ${option}`);
    }
  });

  test('an unknown command is refused, pointing at --help', async () => {
    assertRefused(await box.run(['frobnicate']), /unknown command: frobnicate \(see parqex --help\)/);
  });
});
