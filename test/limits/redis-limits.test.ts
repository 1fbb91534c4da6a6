import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { historyOf, testingDoors } from '../api/access-fixtures.ts';
import { formField } from '../helpers/http.ts';
import { JOHN, startTestApp, TEST_OWNER, type TestApp } from '../helpers/test-app.ts';
import { TEST_DIALECT } from '../helpers/test-database.ts';
import { freshPrefix, redisFor, redisKeys } from '../helpers/test-redis.ts';

/** A login with the wrong password, as a browser sends it. */
async function failLogin(app: TestApp, email: string) {
  const browser = app.browser();
  const page = await browser.get('/login');
  return browser.post('/login', {
    csrf: formField(page.text_, 'csrf'),
    return_to: '/account',
    email,
    password: 'wrong-password',
  });
}

const toggle = (app: TestApp, token: string, doorId: string, state = 'OPEN') =>
  app.api('/oauth/v1/endpoint/toggle', token, { body: { door_id: doorId, door_state: state } });

async function loginAttemptRows(app: TestApp): Promise<number> {
  const rows = await app.ctx.db.selectFrom('login_attempts').select('id').execute();
  return rows.length;
}

async function cooldownInDatabase(app: TestApp, doorId: string): Promise<number | null> {
  const row = await app.ctx.db
    .selectFrom('doors')
    .select('cooldown_until')
    .where('id', '=', doorId)
    .executeTakeFirstOrThrow();
  return row.cooldown_until;
}

describe('with PARQEX_REDIS_URL: the login throttle and door cooldowns are counted in Redis', () => {
  test('five failures lock the account, counted in Redis (nothing in the database)', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const prefix = freshPrefix();
    const app = await startTestApp({ env: { PARQEX_REDIS_URL: url, PARQEX_REDIS_PREFIX: prefix } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      const locked = await app.signIn(app.browser());
      assert.equal(locked.status, 429);
      const wait = Number(locked.headers.get('retry-after'));
      assert.ok(wait > 0 && wait <= 900, `Retry-After ${wait}`);
      assert.match(locked.text_, /Too many attempts, try again in 15 minutes/);
      // Another account is not locked by John's failures, and its success is forgiven.
      assert.equal((await app.signIn(app.browser(), TEST_OWNER)).status, 303);
      assert.deepEqual(await redisKeys(url, prefix), [
        `${prefix}login:account:${JOHN.email}`,
        `${prefix}login:ip:127.0.0.1`,
      ]);
      assert.equal(await loginAttemptRows(app), 0, 'the database counted nothing');
    } finally {
      await app.close();
    }
  });

  test('concurrent guesses cannot slip past the limit', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const app = await startTestApp({ env: { PARQEX_REDIS_URL: url, PARQEX_REDIS_PREFIX: freshPrefix() } });
    try {
      const results = await Promise.all(Array.from({ length: 12 }, () => failLogin(app, JOHN.email)));
      assert.equal(results.filter((r) => r.status === 401).length, 5, 'exactly five password checks');
      assert.equal(results.filter((r) => r.status === 429).length, 7);
      // Refused attempts were given back: the account stays locked, not more.
      assert.equal((await app.signIn(app.browser())).status, 429);
    } finally {
      await app.close();
    }
  });

  test('a success clears the account counter', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const app = await startTestApp({ env: { PARQEX_REDIS_URL: url, PARQEX_REDIS_PREFIX: freshPrefix() } });
    try {
      for (let i = 0; i < 4; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser())).status, 303);
      for (let i = 0; i < 4; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser())).status, 303);
    } finally {
      await app.close();
    }
  });

  test('the throttle and the cooldown hold across two servers sharing one Redis', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const env = {
      PARQEX_REDIS_URL: url,
      PARQEX_REDIS_PREFIX: freshPrefix(),
      PARQEX_SIMULATOR_TRAVEL_MS: '0',
    };
    const dir = mkdtempSync(join(tmpdir(), 'parqex-redis-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startTestApp({
      env,
      ...(TEST_DIALECT === 'sqlite' ? { sqliteFile: join(dir, 'shared.db') } : {}),
    });
    const second = await startTestApp({ env, shareDatabaseWith: first });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await failLogin(first, JOHN.email)).status, 401);
      for (let i = 0; i < 2; i++) assert.equal((await failLogin(second, JOHN.email)).status, 401);
      assert.equal((await first.signIn(first.browser())).status, 429);
      assert.equal((await second.signIn(second.browser())).status, 429);

      const { garage } = await testingDoors(first);
      const token = (await first.tokensFor({ user: TEST_OWNER })).access_token;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => toggle(i % 2 ? first : second, token, garage.id)),
      );
      assert.equal(answers.filter((r) => r.status === 200).length, 1, 'one toggle accepted');
      const refused = answers.filter((r) => r.status === 429);
      assert.equal(refused.length, 19);
      for (const r of refused) {
        const wait = Number(r.headers.get('retry-after'));
        assert.ok(wait >= 1 && wait <= 20, `Retry-After ${wait}`);
      }
      assert.equal(await cooldownInDatabase(first, garage.id), null, 'the cooldown lives in Redis');
      const history = await historyOf(first, garage.id);
      assert.equal(history.filter((e) => e.outcome === 'done').length, 1);
      assert.equal(history.filter((e) => e.outcome === 'cooldown').length, 19);
    } finally {
      await second.app.close();
      await second.ctx.redis?.close();
      await first.close();
    }
  });

  test('a command that never reached the door gives the cooldown back', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const app = await startTestApp({ env: { PARQEX_REDIS_URL: url, PARQEX_REDIS_PREFIX: freshPrefix() } });
    try {
      const { elevator } = await testingDoors(app);
      const token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
      // The elevator has no paired sensor: 428, twice — the first refusal held no cooldown.
      assert.equal((await toggle(app, token, elevator.id)).status, 428);
      assert.equal((await toggle(app, token, elevator.id)).status, 428);
    } finally {
      await app.close();
    }
  });
});

describe('losing Redis degrades the limits to the database; it does not take the API down', () => {
  test('Redis unreachable from the start: the database throttles and cools down', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const app = await startTestApp({
      env: { PARQEX_REDIS_URL: 'redis://127.0.0.1:1', PARQEX_SIMULATOR_TRAVEL_MS: '0' },
    });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser())).status, 429);
      assert.ok((await loginAttemptRows(app)) >= 5, 'counted in the database');

      const { garage } = await testingDoors(app);
      const token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
      assert.equal((await toggle(app, token, garage.id)).status, 200);
      assert.equal((await toggle(app, token, garage.id)).status, 429);
      assert.notEqual(await cooldownInDatabase(app, garage.id), null, 'the cooldown is in the database');

      const warnings = app.logs
        .join('')
        .split('\n')
        .filter((l) => l.includes('Redis cannot answer'));
      assert.equal(warnings.length, 1, 'said once, not once per request');
    } finally {
      await app.close();
    }
  });

  test('Redis lost while serving: toggles and logins go on; when it answers again it is used again', async (t) => {
    const url = redisFor(t);
    if (!url) return;
    const prefix = freshPrefix();
    const app = await startTestApp({
      env: { PARQEX_REDIS_URL: url, PARQEX_REDIS_PREFIX: prefix, PARQEX_SIMULATOR_TRAVEL_MS: '0' },
    });
    try {
      const { garage, lobby } = await testingDoors(app);
      const token = (await app.tokensFor({ user: TEST_OWNER })).access_token;
      assert.equal((await toggle(app, token, garage.id)).status, 200);

      app.ctx.redis!.client.disconnect(); // as if Redis went away
      assert.equal((await toggle(app, token, lobby.id)).status, 200);
      assert.equal((await toggle(app, token, lobby.id)).status, 429, 'the database cools the door down');
      assert.equal((await failLogin(app, JOHN.email)).status, 401);
      assert.equal((await app.signIn(app.browser(), TEST_OWNER)).status, 303);

      await app.ctx.redis!.client.connect();
      assert.equal((await toggle(app, token, garage.id)).status, 429, 'Redis still holds the garage');
      const log = app.logs.join('');
      assert.match(log, /Redis cannot answer: the limits use the database meanwhile/);
      assert.match(log, /Redis answers again: the limits use it/);
    } finally {
      await app.close();
    }
  });
});
