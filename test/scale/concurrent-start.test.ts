import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../helpers/http.ts';
import { type Cluster, DEMO, DIALECT, JOHN, postLogin, startCluster } from './cluster.ts';

// README, Running on PostgreSQL: "several hosts may start at once". A deployment rolls out its hosts
// together, so the first start of an empty development database is raced by all of them.

describe(`three parqex serve processes started at once on an empty ${DIALECT} database`, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(3, {}, { together: true });
  });
  after(() => cluster?.close());

  test('all listen; the testing accounts and the demo application are created once', async () => {
    const seeded = cluster.servers.filter((s) => s.stdout.includes('Created the testing accounts'));
    assert.equal(seeded.length, 1, `one process seeds:\n${cluster.output()}`);
    for (const server of cluster.servers) assert.equal(server.stderr, '', server.output());
    const db = cluster.box.db();
    const users = await db.selectFrom('users').select('email').where('email', '=', JOHN.email).execute();
    assert.equal(users.length, 1);
    const clients = await db.selectFrom('clients').select('id').where('id', '=', DEMO.id).execute();
    assert.equal(clients.length, 1);
  });

  test('they share one generated secret key: a session cookie from A is good on B and C', async () => {
    const [a, b, c] = cluster.urls as [string, string, string];
    const browser = new Browser(a);
    const signedIn = await postLogin(browser, a, JOHN, '/account');
    assert.equal(signedIn.status, 303, signedIn.text_.slice(0, 500));
    for (const host of [b, c]) {
      const account = await browser.get(`${host}/account`);
      assert.equal(account.status, 200, `${host}: ${account.status} ${account.headers.get('location')}`);
    }
  });
});
