import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertJson, type Sandbox, sandbox } from './parqex-process.ts';

// Issue 9 §4.6: `parqex --version`; a misspelt PARQEX_ variable is named, with the real one.
const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

describe('parqex --version and unknown variables (issue 9 §4.6)', { concurrency: true }, () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.close());

  for (const flag of ['--version', '-v', 'version']) {
    test(`parqex ${flag} prints the version of package.json`, async () => {
      const result = await box.run([flag]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, `${VERSION}\n`);
    });
  }

  test('the overview names --version', async () => {
    assert.match((await box.run(['--help'])).stdout, /^ {2}--version, -v\s/m);
  });

  test('a misspelt variable stops the command with one line naming the closest setting (running.md)', async () => {
    for (const [env, line] of [
      [
        { PARQEX_TOGGLE_COOLDOWN: '5' },
        'PARQEX_TOGGLE_COOLDOWN is not a ParqEx setting — did you mean `PARQEX_TOGGLE_COOLDOWN_S`?',
      ],
      [{ PARQEX_PORT: '9000' }, 'PARQEX_PORT is not a ParqEx setting — did you mean `PORT`?'],
      [{ parqex_env: 'development' }, 'parqex_env is not a ParqEx setting — did you mean `PARQEX_ENV`?'],
      [{ PARQEX_FOO: '1' }, 'PARQEX_FOO is not a ParqEx setting (see the README, Configuration)'],
    ] as const) {
      const result = await box.run(['clients', 'list', '--json'], { ...env, PARQEX_TEST_SOMETHING: '1' });
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '', 'nothing on stdout');
      assert.deepEqual(result.stderr.trimEnd().split('\n'), [`parqex: ${line}`]);
    }
  });

  test('known settings and the test suite’s PARQEX_TEST_* are accepted', async () => {
    assertJson(
      await box.run(['clients', 'list', '--json'], {
        PARQEX_TOGGLE_COOLDOWN_S: '5',
        PARQEX_TEST_DATABASE_URL: 'postgres://nowhere/none',
        PARQEX_TEST_ANYTHING: '1',
      }),
    );
  });
});
