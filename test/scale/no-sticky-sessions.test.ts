import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, formField } from '../helpers/http.ts';
import {
  api,
  authorizationPath,
  type Cluster,
  DEMO,
  DIALECT,
  exchangeCode,
  JOHN,
  postLogin,
  refresh,
  revoke,
  startCluster,
} from './cluster.ts';

describe(`two parqex serve processes on one ${DIALECT} database, no sticky sessions`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2);
  });
  after(() => cluster?.close());

  test('login on A, consent page on B, ALLOW on A, code on B, user-info on A, refresh on B, revoke on A → 401 on B', async () => {
    const [a, b] = cluster.urls as [string, string];
    const browser = new Browser(a);

    const signedIn = await postLogin(browser, a, JOHN, authorizationPath());
    assert.equal(signedIn.status, 303, signedIn.text_.slice(0, 500));
    assert.ok(browser.hasCookie('parqex_session'));

    // B knows the session A created, and keeps the pending authorization request where A finds it.
    const consentPage = await browser.get(`${b}${signedIn.headers.get('location')}`);
    assert.equal(consentPage.status, 200, consentPage.text_.slice(0, 500));
    assert.match(consentPage.text_, /ParqEx Demo App/);
    const decision = await browser.post(`${a}/oauth/v2/endpoints/authorization/decision`, {
      csrf: formField(consentPage.text_, 'csrf'),
      request_id: formField(consentPage.text_, 'request_id'),
      decision: 'allow',
    });
    assert.equal(decision.status, 303, decision.text_.slice(0, 500));
    const redirect = new URL(decision.headers.get('location')!);
    assert.equal(`${redirect.origin}${redirect.pathname}`, DEMO.redirectUri);
    assert.equal(redirect.searchParams.get('state'), 'scale-test');
    assert.equal(redirect.searchParams.get('iss'), 'http://parqex.localhost');

    const tokens = await exchangeCode(b, redirect.searchParams.get('code')!);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.token_type, 'Bearer');
    assert.equal(tokens.body.scope, 'OPENDOOR CLOSEDOOR');

    const userInfo = await api(a, '/oauth/v1/endpoints/user-info', tokens.body.access_token);
    assert.equal(userInfo.status, 200, JSON.stringify(userInfo.body));
    assert.equal(userInfo.body.data.email, JOHN.email);

    const refreshed = await refresh(b, tokens.body.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.access_token, tokens.body.access_token);
    assert.notEqual(refreshed.body.refresh_token, tokens.body.refresh_token);
    assert.equal((await api(b, '/oauth/v1/endpoints/user-info', refreshed.body.access_token)).status, 200);

    // RFC 7009 §2.1: revoking the refresh token revokes the grant, on every process at once.
    assert.equal((await revoke(a, refreshed.body.refresh_token)).status, 200);
    const afterRevoke = await api(b, '/oauth/v1/endpoints/user-info', refreshed.body.access_token);
    assert.equal(afterRevoke.status, 401);
    assert.match(afterRevoke.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await refresh(b, refreshed.body.refresh_token)).body.error, 'invalid_grant');
  });

  test('signing out on B ends the session A issued', async () => {
    const [a, b] = cluster.urls as [string, string];
    const browser = new Browser(a);
    const signedIn = await postLogin(browser, a, JOHN, '/account');
    assert.equal(signedIn.status, 303, signedIn.text_.slice(0, 500));
    const account = await browser.get(`${b}/account`);
    assert.equal(account.status, 200, 'B shows the account page of the session A issued');
    assert.match(account.text_, /John/);

    // The sign-out form's CSRF token comes from the session, wherever the page was rendered.
    const loggedOut = await browser.post(`${b}/logout`, { csrf: formField(account.text_, 'csrf') });
    assert.equal(loggedOut.status, 303);
    const again = await browser.get(`${a}/account`);
    assert.equal(again.status, 303, 'A no longer knows the session');
    assert.match(again.headers.get('location') ?? '', /^\/login/);
  });
});
