import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, formField } from '../helpers/http.ts';
import {
  type Cluster,
  DIALECT,
  JOHN,
  postLogin,
  sleepUntil,
  startCluster,
  statusCounts,
  waitUntil,
} from './cluster.ts';

/** PARQEX_LOGIN_MAX_FAILURES, its default. */
const MAX_FAILURES = 5;
/** PARQEX_LOGIN_WINDOW_S: short, so that the test also sees the lock end. */
const WINDOW_S = 30;
const GUESSES = 30;
const WRONG = { email: JOHN.email, password: 'not-johns-password' };

describe(`the sign-in throttle across three parqex serve processes (${DIALECT})`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(3, { PARQEX_LOGIN_WINDOW_S: String(WINDOW_S) });
  });
  after(() => cluster?.close());

  test(`${GUESSES} wrong passwords at once over the processes: at most ${MAX_FAILURES} are checked in all; then the right one is refused too, until the window passes`, async () => {
    const started = Date.now();
    // Each guesser has its own session and CSRF token, on the process it posts to.
    const guessers = await Promise.all(
      Array.from({ length: GUESSES }, async (_, i) => {
        const host = cluster.url(i);
        const browser = new Browser(host);
        const page = await browser.get(`${host}/login`);
        assert.equal(page.status, 200);
        return { host, browser, csrf: formField(page.text_, 'csrf') };
      }),
    );
    const answers = await Promise.all(
      guessers.map(({ host, browser, csrf }) =>
        browser.post(`${host}/login`, { csrf, return_to: '/account', ...WRONG }),
      ),
    );
    const counts = statusCounts(answers);
    assert.deepEqual(
      Object.keys(counts).filter((s) => s !== '401' && s !== '429'),
      [],
      JSON.stringify(counts),
    );
    const checked = counts[401] ?? 0;
    assert.ok(
      checked <= MAX_FAILURES,
      `${checked} wrong passwords were checked at once: ${JSON.stringify(counts)}`,
    );
    for (const refused of answers.filter((a) => a.status === 429))
      assert.match(refused.text_, /Too many attempts, try again in \d+ minutes?\./);

    // More guesses, one process after another: the account locks after the limit, in total.
    let more = 0;
    for (let i = 0; ; i++) {
      const answer = await postLogin(new Browser(cluster.url(i)), cluster.url(i), WRONG);
      if (answer.status === 429) break;
      assert.equal(answer.status, 401, answer.text_.slice(0, 500));
      more++;
      assert.ok(checked + more <= MAX_FAILURES, `wrong password number ${checked + more} was checked`);
    }
    assert.equal(checked + more, MAX_FAILURES, 'the lock came exactly at the limit');

    // The right password is refused on every process while the account is locked.
    let unlockAt = 0;
    for (const host of cluster.urls) {
      const answer = await postLogin(new Browser(host), host, JOHN);
      assert.equal(answer.status, 429, `${host}: ${answer.status}`);
      const retryAfter = Number(answer.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= WINDOW_S, `Retry-After ${retryAfter}`);
      unlockAt = Math.max(unlockAt, Date.now() + retryAfter * 1000);
    }
    assert.ok(
      Date.now() - started < WINDOW_S * 1000,
      'every attempt fell within one window (else more failures were rightly allowed)',
    );

    // Once the failures leave the window, the right password works again, on any process.
    await sleepUntil(unlockAt);
    let signedIn = 0;
    await waitUntil(
      'the lock to end',
      async () => {
        const host = cluster.url(signedIn++);
        return (await postLogin(new Browser(host), host, JOHN)).status === 303;
      },
      15_000,
      500,
    );
    assert.deepEqual(cluster.errors(), [], 'no process logged an error');
  });
});
