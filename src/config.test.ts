import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, unknownSettings } from './config.ts';

test('an unknown PARQEX_ variable stops the start with one line naming the closest setting (running.md)', () => {
  assert.throws(
    () => loadConfig({ PARQEX_TOGGLE_COOLDOWN: '5' }),
    /^ConfigError: PARQEX_TOGGLE_COOLDOWN is not a ParqEx setting — did you mean `PARQEX_TOGGLE_COOLDOWN_S`\?$/,
  );
});

test('the line names the closest setting when one is near enough', () => {
  assert.deepEqual(unknownSettings({ PARQEX_TOGGLE_COOLDOWN: '5' }), [
    'PARQEX_TOGGLE_COOLDOWN is not a ParqEx setting — did you mean `PARQEX_TOGGLE_COOLDOWN_S`?',
  ]);
  assert.match(unknownSettings({ PARQEX_EVN: 'x' })[0]!, /did you mean `PARQEX_ENV`/);
  assert.match(unknownSettings({ PARQEX_LOGLEVEL: 'x' })[0]!, /did you mean `PARQEX_LOG_LEVEL`/);
  assert.match(unknownSettings({ PARQEX_METRICS_TOKNE: 'x' })[0]!, /did you mean `PARQEX_METRICS_TOKEN`/);
  assert.match(unknownSettings({ PARQEX_HOST: 'x' })[0]!, /did you mean `HOST`/);
  assert.match(
    unknownSettings({ PARQEX_FOO: 'x' })[0]!,
    /^PARQEX_FOO is not a ParqEx setting \(see the README/,
  );
});

test('known settings, other variables and PARQEX_TEST_* are accepted', () => {
  assert.deepEqual(
    unknownSettings({
      PARQEX_ENV: 'development',
      PORT: '1',
      PATH: '/bin',
      PARQEX_TEST_DATABASE_URL: 'x',
      PARQEX_TEST_WHATEVER: 'x',
    }),
    [],
  );
});

test('PARQEX_STRIPE_SECRET_KEY: unset means the simulator; a malformed key stops the start without echoing it', () => {
  assert.equal(loadConfig({}).stripeSecretKey, undefined);
  assert.equal(loadConfig({ PARQEX_STRIPE_SECRET_KEY: 'sk_test_abc123' }).stripeSecretKey, 'sk_test_abc123');
  assert.deepEqual(unknownSettings({ PARQEX_STRIPE_SECRET_KEY: 'sk_test_abc123' }), []);
  assert.throws(
    () => loadConfig({ PARQEX_STRIPE_SECRET_KEY: 'pk_test_public-key' }),
    (error: Error) =>
      /PARQEX_STRIPE_SECRET_KEY must be/.test(error.message) && !error.message.includes('pk_test'),
  );
});
