import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SERVER_NODE_FLAGS, withServerNodeFlags } from './server-node-flags.ts';

test('npm start runs the server with the server flags', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  // `exec`: no shell between npm and the server, so npm's SIGTERM reaches it (issue 9 §4.4).
  assert.equal(pkg.scripts.start, `exec node ${SERVER_NODE_FLAGS.join(' ')} src/cli/main.ts serve`);
});

test("a worker gets the server flags, unless the operator's own value is there", () => {
  assert.deepEqual(withServerNodeFlags(['--inspect']), ['--inspect', '--max-semi-space-size=8']);
  assert.deepEqual(withServerNodeFlags(['--max-semi-space-size=32']), ['--max-semi-space-size=32']);
});
