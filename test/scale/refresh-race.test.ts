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
  revoke,
  startCluster,
} from './cluster.ts';
import { PER_PROCESS, raceOneRefreshToken } from './races.ts';

const ROUNDS = 20;

describe(`one refresh token raced from two parqex serve processes on ${DIALECT}`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2);
  });
  after(() => cluster?.close());

  test(`2 processes × ${PER_PROCESS} requests at once: every one 200 with the same successor pair; it works once; the original dies after the grace window`, async () => {
    await raceOneRefreshToken(cluster);
    assert.deepEqual(cluster.errors(), [], 'no process logged an error');
  });

  test(`a refresh racing the revocation of its grant on the other process, ${ROUNDS} rounds: afterwards no token of the grant works`, async () => {
    const [a, b] = cluster.urls as [string, string];
    const browser = new Browser(a);
    await authorizeDemo({ login: a, page: b, consent: a }, JOHN, browser);
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Consent is remembered: a new code (a new grant) straight from the authorization endpoint.
      const page = await browser.get(`${a}${authorizationPath()}`);
      assert.equal(page.status, 302, page.text_.slice(0, 500));
      const tokens = await exchangeCode(b, new URL(page.headers.get('location')!).searchParams.get('code')!);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));

      // RFC 7009 §2.1: revoking the refresh token revokes the grant, with every token it issued.
      const [refreshed, revoked] = await Promise.all([
        refresh(b, tokens.body.refresh_token),
        revoke(a, tokens.body.refresh_token),
      ]);
      assert.equal(revoked.status, 200);
      if (refreshed.status !== 200) continue; // the revocation came first: nothing was issued
      const userInfo = await api(b, '/oauth/v1/endpoints/user-info', refreshed.body.access_token);
      if (userInfo.status !== 401)
        wrong.push(`round ${round}: the access token of the racing refresh answers ${userInfo.status}`);
    }
    assert.deepEqual(wrong, [], `${wrong.length} of ${ROUNDS} rounds left a live token`);
  });
});
