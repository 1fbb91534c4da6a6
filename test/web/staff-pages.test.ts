import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JOHN, startTestApp, TEST_OWNER } from '../helpers/test-app.ts';

test('staff see every webhook endpoint and why one was disabled; nobody else does', async () => {
  const app = await startTestApp({ env: { PARQEX_STAFF_EMAILS: ' Test@ParqEx.com , ops@example.com' } });
  try {
    const client = await app.registerClient({
      name: 'Door <Watch>',
      environment: 'development',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    const healthy = await app.ctx.webhooks.create(
      { clientId: client.id, url: 'http://127.0.0.1:9/healthy', families: ['door'] },
      Date.now(),
    );
    const gone = await app.ctx.webhooks.create(
      { clientId: client.id, url: 'http://127.0.0.1:9/gone', families: ['door', 'access'] },
      Date.now(),
    );
    app.remember(healthy.apiKey, healthy.signingSecret, gone.apiKey, gone.signingSecret);
    await app.ctx.webhooks.disable(gone.endpoint.id, 'the receiver answered 410 Gone', Date.now());

    const visitor = await app.browser().get('/staff/webhooks');
    assert.equal(visitor.status, 303);
    assert.equal(visitor.headers.get('location'), '/login?return_to=%2Fstaff%2Fwebhooks');

    const john = app.browser();
    await app.signIn(john, JOHN);
    const refused = await john.get('/staff/webhooks');
    assert.equal(refused.status, 403);
    assert.doesNotMatch(refused.text_, /127\.0\.0\.1:9/);

    const staff = app.browser();
    await app.signIn(staff, TEST_OWNER);
    const page = await staff.get('/staff/webhooks');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.text_, /Door &lt;Watch&gt; \(development\)/);
    assert.ok(!page.text_.includes('Door <Watch>'), 'names are escaped');
    assert.match(page.text_, /http:\/\/127\.0\.0\.1:9\/healthy/);
    assert.match(page.text_, /Disabled [^<]*: the receiver answered 410 Gone/);
    assert.match(page.text_, new RegExp(gone.endpoint.id));
    for (const secret of [healthy.apiKey, healthy.signingSecret, gone.apiKey, gone.signingSecret]) {
      assert.ok(!page.text_.includes(secret), 'no secret on the page');
    }
  } finally {
    await app.close();
  }
});
