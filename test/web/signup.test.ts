import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createDevice } from '../../src/access/devices.ts';
import { INVITATION_TTL_MS } from '../../src/access/invitation-records.ts';
import { createUser } from '../../src/accounts/users.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { DevMailbox, listDevMailbox } from '../../src/mail/dev-mailbox.ts';
import { formField } from '../helpers/http.ts';
import {
  PRODUCTION_OWNER,
  type RegisteredClient,
  startTestApp,
  TEST_OWNER,
  type TestApp,
} from '../helpers/test-app.ts';

const INVITE = '/oauth/v1/endpoints/invite';

function assertPageHeaders(response: Response) {
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
}

function registerInternalClient(app: TestApp): Promise<RegisteredClient> {
  return app.registerClient({
    name: 'ParqEx Web',
    isInternal: true,
    environment: 'development',
    redirectUris: ['http://127.0.0.1/cb'],
  });
}

async function doorsSeenBy(app: TestApp, token: string): Promise<Map<string, string>> {
  const sync = await app.api('/oauth/v1/endpoints/sync', token);
  assert.equal(sync.status, 200);
  return new Map(
    sync.body.devices.flatMap((d: any) =>
      d.doors.map((door: any) => [door.name, door.id] as [string, string]),
    ),
  );
}

/** Invites `email` and returns the sign-up link's path, read from the development mailbox. */
async function invite(app: TestApp, adminToken: string, email: string, doorIds: string[]): Promise<string> {
  const response = await app.api(INVITE, adminToken, { body: { email, door_ids: doorIds } });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  const mail = (await listDevMailbox(app.ctx.db)).find((m) => m.to === email);
  assert.ok(mail, `no mail to ${email}`);
  const link = new RegExp(`${app.baseUrl}(/signup\\?invitation=([A-Za-z0-9_-]+))`).exec(mail.text);
  assert.ok(link, mail.text);
  app.remember(link[2]);
  return link[1]!;
}

function tokenOf(path: string): string {
  return new URL(path, 'http://x').searchParams.get('invitation')!;
}

describe('the sign-up page of an invitation', () => {
  let app: TestApp;
  let admin: string;
  let producer: string;
  let doors: Map<string, string>;
  let mainGate: string;
  let testAccountId: string;

  before(async () => {
    app = await startTestApp();
    const internal = await registerInternalClient(app);
    admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
    producer = (await app.tokensFor({ client: internal, user: PRODUCTION_OWNER })).access_token;
    doors = await doorsSeenBy(app, admin);
    mainGate = (await doorsSeenBy(app, producer)).get('Main Gate')!;
    testAccountId = (
      await app.ctx.db
        .selectFrom('users')
        .select('account_id')
        .where('email', '=', TEST_OWNER.email)
        .executeTakeFirstOrThrow()
    ).account_id;
  });
  after(() => app.close());

  test('from the email link to a signed-in User who sees exactly the invited doors', async () => {
    const email = 'newcomer@example.com';
    const password = 'newcomer-password';
    app.remember(password);
    const link = await invite(app, admin, email, [doors.get('Lobby Door')!, doors.get('Back Gate')!]);

    const browser = app.browser();
    const page = await browser.get(link);
    assert.equal(page.status, 200);
    assertPageHeaders(page);
    assert.match(page.text_, /<title>Create your account · ParqEx<\/title>/);
    assert.match(
      page.text_,
      /<input id="email" type="email" autocomplete="username" value="newcomer@example.com" readonly>/,
    );
    assert.doesNotMatch(page.text_, /name="email"/, 'the address is the invited one, not a form field');
    assert.match(page.text_, /<strong>ParqEx Test<\/strong> invited you/);
    assert.match(page.text_, /<li>Lobby Door<\/li><li>Back Gate<\/li>/);
    assert.equal(formField(page.text_, 'invitation'), tokenOf(link));

    const created = await browser.post('/signup', {
      csrf: formField(page.text_, 'csrf'),
      invitation: formField(page.text_, 'invitation'),
      email: 'attacker@example.com',
      first_name: ' Nina ',
      last_name: 'Newcomer',
      password,
    });
    assert.equal(created.status, 303);
    assert.equal(created.headers.get('location'), '/account');
    const account = await browser.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.text_, /Nina Newcomer/);

    const user = await app.ctx.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    assert.equal(user.account_id, testAccountId, 'a User of the inviting account');
    assert.equal(user.role, 'user');
    assert.equal(user.first_name, 'Nina');
    const attacker = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'attacker@example.com')
      .executeTakeFirst();
    assert.equal(attacker, undefined, 'a posted email is ignored');

    const token = (await app.tokensFor({ user: { email, password } })).access_token;
    const sync = await app.api('/oauth/v1/endpoints/sync', token);
    assert.deepEqual(
      sync.body.devices
        .flatMap((d: any) => d.doors.map((door: any) => [door.name, door.user_relationship]))
        .sort(),
      [
        ['Back Gate', 'Has Access'],
        ['Lobby Door', 'Has Access'],
      ],
    );
    const listed = await app.api(INVITE, admin, { method: 'GET' });
    assert.ok(!listed.body.data.invitations.some((i: any) => i.email === email), 'no longer pending');
    assert.deepEqual(
      listed.body.data.shared_access
        .find((s: any) => s.user.email === email)
        .doors.map((d: any) => d.name)
        .sort(),
      ['Back Gate', 'Lobby Door'],
    );
  });

  test('a sign-up link works once: a second use is refused and creates nobody', async () => {
    const link = await invite(app, admin, 'once@example.com', [doors.get('Garage')!]);
    const browser = app.browser();
    const page = await browser.get(link);
    const form = {
      csrf: formField(page.text_, 'csrf'),
      invitation: tokenOf(link),
      first_name: 'Olive',
      last_name: 'Once',
      password: 'once-password',
    };
    app.remember(form.password);
    assert.equal((await browser.post('/signup', form)).status, 303);

    // Replayed from another browser, with a valid CSRF token of its own session.
    const other = app.browser();
    const csrf = formField((await other.get('/login')).text_, 'csrf');
    const replay = await other.post('/signup', { ...form, csrf, password: 'another-password' });
    assert.equal(replay.status, 410);
    assertPageHeaders(replay);
    assert.match(replay.text_, /This invitation was already used/);
    const reopened = await app.browser().get(link);
    assert.equal(reopened.status, 410);
    assert.match(reopened.text_, /Invitation already used/);
    const users = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'once@example.com')
      .execute();
    assert.equal(users.length, 1);
  });

  test('two simultaneous submissions of one link: exactly one account', async () => {
    const link = await invite(app, admin, 'race@example.com', [doors.get('Garage')!]);
    const forms = await Promise.all(
      ['Rae', 'Ray'].map(async (firstName) => {
        const browser = app.browser();
        const page = await browser.get(link);
        const form = {
          csrf: formField(page.text_, 'csrf'),
          invitation: tokenOf(link),
          first_name: firstName,
          last_name: 'Race',
          password: `race-password-${firstName}`,
        };
        app.remember(form.password);
        return { browser, form };
      }),
    );
    const outcomes = await Promise.all(forms.map(({ browser, form }) => browser.post('/signup', form)));
    assert.deepEqual(outcomes.map((r) => r.status).sort(), [303, 410]);
    const users = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'race@example.com')
      .execute();
    assert.equal(users.length, 1);
  });

  test('a refused form keeps the link usable: short password, missing name, missing CSRF token', async () => {
    const link = await invite(app, admin, 'careful@example.com', [doors.get('Garage')!]);
    const browser = app.browser();
    const page = await browser.get(link);
    const form = {
      csrf: formField(page.text_, 'csrf'),
      invitation: tokenOf(link),
      first_name: 'Cara',
      last_name: 'Careful',
      password: 'careful-password',
    };
    app.remember(form.password);

    const short = await browser.post('/signup', { ...form, password: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.text_, /The password must be at least 8 characters\./);
    assert.match(short.text_, /value="Cara"/, 'what was typed is kept');
    const noName = await browser.post('/signup', { ...form, last_name: '  ' });
    assert.equal(noName.status, 400);
    assert.match(noName.text_, /First and last name are required\./);
    const longName = await browser.post('/signup', { ...form, first_name: 'x'.repeat(101) });
    assert.equal(longName.status, 400);
    const noCsrf = await browser.post('/signup', { ...form, csrf: '' });
    assert.equal(noCsrf.status, 403);
    const otherSession = await app.browser().post('/signup', form);
    assert.equal(otherSession.status, 403, "another browser cannot use this session's token");
    const crossSite = await browser.post('/signup', form, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const nobody = await app.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'careful@example.com')
      .execute();
    assert.deepEqual(nobody, []);

    assert.equal((await browser.post('/signup', form)).status, 303, 'still usable');
  });

  test('a withdrawn invitation, an unknown token and a missing token each get a clear page', async () => {
    const link = await invite(app, admin, 'withdrawn@example.com', [doors.get('Garage')!]);
    const browser = app.browser();
    const page = await browser.get(link);
    const removed = await app.api(INVITE, admin, {
      method: 'DELETE',
      body: { email: 'withdrawn@example.com' },
    });
    assert.equal(removed.status, 200);

    const reopened = await app.browser().get(link);
    assert.equal(reopened.status, 410);
    assertPageHeaders(reopened);
    assert.match(reopened.text_, /<h1>Invitation withdrawn<\/h1>/);
    const submitted = await browser.post('/signup', {
      csrf: formField(page.text_, 'csrf'),
      invitation: tokenOf(link),
      first_name: 'Will',
      last_name: 'Withdrawn',
      password: 'withdrawn-password',
    });
    assert.equal(submitted.status, 410);
    app.remember('withdrawn-password');

    const unknown = await app.browser().get(`/signup?invitation=${'A'.repeat(43)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.text_, /This invitation link is not valid/);
    for (const path of ['/signup', '/signup?invitation=', '/signup?invitation=%3Cscript%3E']) {
      const response = await app.browser().get(path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(response.text_, /<script>/);
    }
  });

  test('an address that got an account meanwhile is sent to sign in', async () => {
    const link = await invite(app, admin, 'meanwhile@example.com', [doors.get('Garage')!]);
    await createUser(
      app.ctx.db,
      { email: 'meanwhile@example.com', password: 'meanwhile-password', firstName: 'Mia', lastName: 'While' },
      app.ctx.clock.now(),
    );
    app.remember('meanwhile-password');
    const page = await app.browser().get(link);
    assert.equal(page.status, 409);
    assert.match(page.text_, /A ParqEx account with this email already exists/);
  });

  test('signing up accepts every pending invitation to the address, from any account', async () => {
    const email = 'popular@example.com';
    const password = 'popular-password';
    app.remember(password);
    const fromTest = await invite(app, admin, email, [doors.get('Garage')!]);
    await invite(app, producer, email, [mainGate]);
    const browser = app.browser();
    const page = await browser.get(fromTest);
    const created = await browser.post('/signup', {
      csrf: formField(page.text_, 'csrf'),
      invitation: tokenOf(fromTest),
      first_name: 'Polly',
      last_name: 'Popular',
      password,
    });
    assert.equal(created.status, 303);
    const token = (await app.tokensFor({ user: { email, password } })).access_token;
    assert.deepEqual([...(await doorsSeenBy(app, token)).keys()].sort(), ['Garage', 'Main Gate']);
    const pending = await app.ctx.db
      .selectFrom('invitations')
      .select('id')
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .execute();
    assert.deepEqual(pending, []);
  });

  test('names chosen by an Admin are escaped on the sign-up page, in the mail and in the mailbox', async () => {
    const evil = { email: 'evil@example.com', password: 'evil-admin-password' };
    app.remember(evil.password);
    const { accountId } = await createUser(
      app.ctx.db,
      {
        ...evil,
        firstName: '<img src=x onerror=alert(1)>',
        lastName: 'Admin',
        accountName: '"><script>alert(2)</script>',
      },
      app.ctx.clock.now(),
    );
    const { doorIds } = await createDevice(
      app.ctx.db,
      { accountId, doorCount: 1, doorNames: ['<script>alert(3)</script>'] },
      app.ctx.clock.now(),
    );
    const internal = await registerInternalClient(app);
    const token = (await app.tokensFor({ client: internal, user: evil })).access_token;
    const link = await invite(app, token, 'target@example.com', doorIds);

    const page = await app.browser().get(link);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text_, /<script>alert|<img src=x/);
    assert.match(page.text_, /&lt;script&gt;alert\(3\)&lt;\/script&gt;/);
    assert.match(page.text_, /&lt;img src=x onerror=alert\(1\)&gt; Admin/);

    const mailbox = await app.browser().get('/dev/mailbox');
    assert.equal(mailbox.status, 200);
    assertPageHeaders(mailbox);
    assert.doesNotMatch(mailbox.text_, /<script>alert|<img src=x/);
    assert.match(mailbox.text_, /&lt;img src=x onerror=alert\(1\)&gt; Admin invited you to ParqEx/);
    const href = `${app.baseUrl}${link}`.replace(/&/g, '&amp;');
    assert.ok(
      mailbox.text_.includes(`<a href="${href}" rel="noreferrer">${href}</a>`),
      'the link is clickable',
    );
  });

  test('the development mailbox shows the newest mail first', async () => {
    const later = new ManualClock(Date.now() + 86_400_000);
    const mailbox = new DevMailbox(app.ctx.db, later);
    await mailbox.send({ to: 'first@example.com', subject: 'Sent first', text: 'one' });
    later.advance(1000);
    await mailbox.send({ to: 'second@example.com', subject: 'Sent second', text: 'two' });
    const page = await app.browser().get('/dev/mailbox');
    const subjects = [...page.text_.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.deepEqual(subjects.slice(0, 2), ['Sent second', 'Sent first']);
  });
});

describe('invitation expiry', () => {
  test('a link works until 14 days after the invitation, not a moment longer', async () => {
    const clock = new ManualClock();
    const app = await startTestApp({ clock });
    try {
      const internal = await registerInternalClient(app);
      const admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
      const garage = (await doorsSeenBy(app, admin)).get('Garage')!;
      const early = await invite(app, admin, 'early@example.com', [garage]);
      clock.advance(1);
      const late = await invite(app, admin, 'late@example.com', [garage]);

      clock.advance(INVITATION_TTL_MS - 1);
      const expired = await app.browser().get(early);
      assert.equal(expired.status, 410);
      assert.match(expired.text_, /This invitation has expired/);
      const stillValid = await app.browser().get(late);
      assert.equal(stillValid.status, 200);

      const fresh = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
      const listed = await app.api(INVITE, fresh, { method: 'GET' });
      assert.deepEqual(
        listed.body.data.invitations.map((i: any) => i.email),
        ['late@example.com'],
        'an expired invitation is not pending',
      );

      const browser = app.browser();
      const page = await browser.get(late);
      clock.advance(1);
      const submitted = await browser.post('/signup', {
        csrf: formField(page.text_, 'csrf'),
        invitation: tokenOf(late),
        first_name: 'Lee',
        last_name: 'Late',
        password: 'late-password',
      });
      app.remember('late-password');
      assert.equal(submitted.status, 410);
      assert.match(submitted.text_, /This invitation has expired/);
    } finally {
      await app.close();
    }
  });
});

describe('the development mailbox outside development', () => {
  test('is not there in production', async () => {
    const app = await startTestApp({
      env: { PARQEX_ENV: 'production', PARQEX_PUBLIC_URL: 'https://parqex.example' },
    });
    try {
      const response = await app.app.inject({ method: 'GET', url: '/dev/mailbox' });
      assert.equal(response.statusCode, 404);
      assert.match(response.body, /Page not found/);
    } finally {
      await app.close();
    }
  });
});
