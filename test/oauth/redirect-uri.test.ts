import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// RFC 9700 §4.1 (insufficient redirect URI validation) and RFC 6749 §4.1.2.1: when the client or
// its redirect URI is in doubt, the error is shown at ParqEx and the browser goes nowhere.
describe('no open redirect from the authorization endpoint', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  async function expectErrorPage(url: string, text: RegExp) {
    const response = await app.browser().get(url);
    assert.equal(response.status, 400, url);
    assert.equal(response.headers.get('location'), null, 'never a redirect');
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(response.text_, text);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
  }

  test('an unknown client gets an error page, not a redirect', async () => {
    const url = app
      .authorizationUrl({ redirectUri: 'https://evil.example/cb' })
      .replace(encodeURIComponent(app.demoClient.id), '999999999999999999.evil.example');
    await expectErrorPage(url, /not registered with ParqEx/);
  });

  test('a missing client_id gets an error page', async () => {
    await expectErrorPage(
      '/oauth/v2/endpoints/authorization/?response_type=code&scope=opendoor',
      /client_id is missing/,
    );
  });

  test('an unregistered or altered redirect URI gets an error page', async () => {
    const client = await app.registerClient({ redirectUris: ['https://app.example.com/oauth/callback'] });
    for (const altered of [
      'https://evil.example/oauth/callback',
      'https://app.example.com/oauth/callback/',
      'https://app.example.com/oauth/callback?next=https://evil.example',
      'https://app.example.com/oauth/callbackx',
      'https://APP.example.com/oauth/callback',
      'http://app.example.com/oauth/callback',
      'https://app.example.com:444/oauth/callback',
      'https://app.example.com.evil.example/oauth/callback',
      'https://app.example.com@evil.example/oauth/callback',
      'https://app.example.com/oauth/callback#frag',
      'https://app.example.com/oauth/../oauth/callback',
    ]) {
      await expectErrorPage(
        app.authorizationUrl({ client, redirectUri: altered }),
        /redirect_uri is not registered/,
      );
    }
  });

  test('a missing redirect_uri gets an error page', async () => {
    const url = `/oauth/v2/endpoints/authorization/?response_type=code&client_id=${encodeURIComponent(app.demoClient.id)}&scope=opendoor`;
    await expectErrorPage(url, /redirect_uri is missing/);
  });

  test('a repeated client_id or redirect_uri gets an error page', async () => {
    const url = app.authorizationUrl();
    await expectErrorPage(
      `${url}&client_id=${encodeURIComponent(app.demoClient.id)}`,
      /client_id is repeated/,
    );
    await expectErrorPage(
      `${url}&redirect_uri=${encodeURIComponent(app.demoClient.redirectUri)}`,
      /redirect_uri is repeated/,
    );
  });

  test('a disabled client gets an error page', async () => {
    const client = await app.registerClient();
    await app.ctx.clients.disable(client.id, Date.now());
    await expectErrorPage(app.authorizationUrl({ client }), /not registered with ParqEx/);
  });

  test('other errors, once client and redirect are known, redirect back to the registered URI', async () => {
    const response = await app.browser().get(`${app.authorizationUrl({ rawState: 's1' })}&scope=opendoor`);
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, app.demoClient.redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('state'), 's1');
  });

  test('a development client on loopback may use any port (RFC 8252 §7.3), nothing else varies', async () => {
    const client = await app.registerClient({
      environment: 'development',
      redirectUris: ['http://127.0.0.1/callback', 'http://localhost:3000/cb'],
    });
    for (const ok of [
      'http://127.0.0.1:51234/callback',
      'http://127.0.0.1/callback',
      'http://localhost:9999/cb',
    ]) {
      const page = await app.browser().get(app.authorizationUrl({ client, redirectUri: ok }));
      assert.equal(page.status, 200, ok);
      assert.match(page.text_, /Sign in to ParqEx/);
    }
    for (const bad of [
      'http://127.0.0.1:51234/callback2',
      'http://localhost:3000/cb/',
      'http://127.0.0.2/callback',
    ]) {
      await expectErrorPage(
        app.authorizationUrl({ client, redirectUri: bad }),
        /redirect_uri is not registered/,
      );
    }
  });

  test('registration refuses what could be abused', async () => {
    const refused: [string, string, RegExp][] = [
      ['production', 'http://app.example.com/cb', /must start with https/],
      ['production', 'http://localhost/cb', /loopback http is allowed only for development/],
      ['development', 'http://app.example.com/cb', /must start with https/],
      ['production', 'https://app.example.com/cb#x', /fragment/],
      ['production', 'https://*.example.com/cb', /wildcard/],
      ['production', 'https://user:pw@app.example.com/cb', /user information/],
      ['production', 'javascript:alert(1)', /must be an https:\/\/ URL/],
      ['production', 'com.example.app:/cb', /must be an https:\/\/ URL/],
      ['production', '/relative', /not an absolute URL/],
    ];
    for (const [environment, uri, message] of refused) {
      await assert.rejects(
        app.registerClient({ environment: environment as 'production', redirectUris: [uri] }),
        message,
        `${environment} ${uri}`,
      );
    }
  });
});
