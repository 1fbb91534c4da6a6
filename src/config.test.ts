import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig, unknownSettingWarnings } from './config.ts';

test('an unknown PARQEX_ variable no longer stops the process: it is a warning', () => {
  assert.doesNotThrow(() => loadConfig({ PARQEX_TOGGLE_COOLDOWN: '5' }));
  assert.equal(loadConfig({ PARQEX_TOGGLE_COOLDOWN: '5' }).toggleCooldownS, 20);
});

test('the warning names the closest setting when one is near enough', () => {
  assert.deepEqual(unknownSettingWarnings({ PARQEX_TOGGLE_COOLDOWN: '5' }), [
    'unknown variable PARQEX_TOGGLE_COOLDOWN — did you mean `PARQEX_TOGGLE_COOLDOWN_S`? (PARQEX_TOGGLE_COOLDOWN is ignored)',
  ]);
  assert.match(unknownSettingWarnings({ PARQEX_EVN: 'x' })[0]!, /did you mean `PARQEX_ENV`/);
  assert.match(unknownSettingWarnings({ PARQEX_LOGLEVEL: 'x' })[0]!, /did you mean `PARQEX_LOG_LEVEL`/);
  assert.match(
    unknownSettingWarnings({ PARQEX_METRICS_TOKNE: 'x' })[0]!,
    /did you mean `PARQEX_METRICS_TOKEN`/,
  );
  assert.match(unknownSettingWarnings({ PARQEX_HOST: 'x' })[0]!, /did you mean `HOST`/);
  assert.match(unknownSettingWarnings({ PARQEX_FOO: 'x' })[0]!, /PARQEX_FOO: not a ParqEx setting/);
});

test('known settings, other variables and PARQEX_TEST_* give no warning', () => {
  assert.deepEqual(
    unknownSettingWarnings({
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
  assert.deepEqual(unknownSettingWarnings({ PARQEX_STRIPE_SECRET_KEY: 'sk_test_abc123' }), []);
  assert.throws(
    () => loadConfig({ PARQEX_STRIPE_SECRET_KEY: 'pk_test_public-key' }),
    (error: Error) =>
      /PARQEX_STRIPE_SECRET_KEY must be/.test(error.message) && !error.message.includes('pk_test'),
  );
});
