import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../helpers/http.ts';
import {
  api,
  authorizationPath,
  authorizeDemo,
  type Cluster,
  DIALECT,
  exchangeCode,
  JOHN,
  refresh,
  startCluster,
  statusCounts,
} from './cluster.ts';

const REQUESTS = 20;
const ROUNDS = 40;

describe(`one authorization code redeemed at once on three parqex serve processes (${DIALECT})`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(3);
  });
  after(() => cluster?.close());

  test(`${REQUESTS} redemptions: one 200, the rest 400 invalid_grant; the replay revokes what the code issued (RFC 6749 §4.1.2)`, async () => {
    const [a, b, c] = cluster.urls as [string, string, string];
    const code = await authorizeDemo({ login: a, page: b, consent: c });

    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) => exchangeCode(cluster.url(i), code)),
    );
    assert.deepEqual(
      statusCounts(answers),
      { 200: 1, 400: REQUESTS - 1 },
      JSON.stringify(answers.map((x) => x.body)),
    );
    for (const refused of answers.filter((x) => x.status === 400))
      assert.equal(refused.body.error, 'invalid_grant');
    const winner = answers.find((x) => x.status === 200)!.body;

    // The code was presented more than once: the tokens it issued are revoked, on every process.
    for (const host of cluster.urls) {
      const userInfo = await api(host, '/oauth/v1/endpoints/user-info', winner.access_token);
      assert.equal(userInfo.status, 401, `${host}: the access token issued for a replayed code`);
    }
    const refreshed = await refresh(c, winner.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');

    assert.deepEqual(cluster.errors(), [], 'no process logged an error');
  });

  test(`two redemptions at once, ${ROUNDS} rounds: always one 200, and its tokens never outlive the replay`, async () => {
    const [a, b] = cluster.urls as [string, string];
    const browser = new Browser(a);
    await authorizeDemo({ login: a, page: b, consent: a }, JOHN, browser);
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Consent is remembered: the authorization endpoint answers with a new code straight away.
      const page = await browser.get(`${cluster.url(round)}${authorizationPath()}`);
      assert.equal(page.status, 302, page.text_.slice(0, 500));
      const code = new URL(page.headers.get('location')!).searchParams.get('code')!;

      const answers = await Promise.all([exchangeCode(a, code), exchangeCode(b, code)]);
      const issued = answers.filter((x) => x.status === 200);
      if (issued.length !== 1) {
        wrong.push(`round ${round}: ${JSON.stringify(answers.map((x) => [x.status, x.body]))}`);
        continue;
      }
      const userInfo = await api(b, '/oauth/v1/endpoints/user-info', issued[0]!.body.access_token);
      if (userInfo.status !== 401)
        wrong.push(
          `round ${round}: the access token issued for the replayed code answers ${userInfo.status}`,
        );
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${ROUNDS} rounds went wrong`);
  });
});
