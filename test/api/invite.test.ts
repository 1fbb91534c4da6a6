import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createUser } from '../../src/accounts/users.ts';
import { listDevMailbox } from '../../src/mail/dev-mailbox.ts';
import { smtpOptions } from '../../src/mail/smtp-mailer.ts';
import {
  JOHN,
  PRODUCTION_OWNER,
  type RegisteredClient,
  startTestApp,
  TEST_OWNER,
  type TestApp,
} from '../helpers/test-app.ts';

const INVITE = '/oauth/v1/endpoints/invite';
const SYNC = '/oauth/v1/endpoints/sync';
const TOGGLE = '/oauth/v1/endpoint/toggle';
const FAST_DOORS = { PARQEX_SIMULATOR_TRAVEL_MS: '0', PARQEX_TOGGLE_COOLDOWN_S: '0' };

function registerInternalClient(app: TestApp): Promise<RegisteredClient> {
  return app.registerClient({
    name: 'ParqEx Web',
    isInternal: true,
    environment: 'development',
    redirectUris: ['http://127.0.0.1/cb'],
  });
}

/** Door ids by name, as a person's apps see them (Get User Devices). */
async function doorsSeenBy(app: TestApp, token: string): Promise<Map<string, string>> {
  const sync = await app.api(SYNC, token);
  assert.equal(sync.status, 200);
  return new Map(
    sync.body.devices.flatMap((d: any) =>
      d.doors.map((door: any) => [door.name, door.id] as [string, string]),
    ),
  );
}

/** Everything an invitation request could change, to show that a refused one changed nothing. */
async function sharingState(app: TestApp) {
  const db = app.ctx.db;
  return {
    access: await db.selectFrom('access_grants').selectAll().orderBy('id').execute(),
    invitations: await db.selectFrom('invitations').selectAll().orderBy('id').execute(),
    mail: await db.selectFrom('dev_mailbox').selectAll().orderBy('id').execute(),
  };
}

let personCounter = 0;
/** A person with a ParqEx account of their own (another account than the inviter's). */
async function newPerson(app: TestApp) {
  personCounter++;
  const person = {
    email: `person${personCounter}@example.com`,
    password: `person-password-${personCounter}`,
  };
  const { userId } = await createUser(
    app.ctx.db,
    { ...person, firstName: 'Pat', lastName: `Person${personCounter}` },
    app.ctx.clock.now(),
  );
  app.remember(person.password);
  return { ...person, userId };
}

function errors(code: string, message: string) {
  return { errors: [{ code, message }] };
}

describe('Invite User (spec §5.6)', () => {
  let app: TestApp;
  let internal: RegisteredClient;
  let admin: string;
  let adminViaThirdParty: string;
  let john: string;
  let producer: string;
  let doors: Map<string, string>;
  let mainGate: string;
  let adminId: string;

  before(async () => {
    app = await startTestApp({ env: FAST_DOORS });
    internal = await registerInternalClient(app);
    admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
    adminViaThirdParty = (await app.tokensFor({ user: TEST_OWNER })).access_token;
    john = (await app.tokensFor({ client: internal, user: JOHN })).access_token;
    producer = (await app.tokensFor({ client: internal, user: PRODUCTION_OWNER })).access_token;
    doors = await doorsSeenBy(app, admin);
    mainGate = (await doorsSeenBy(app, producer)).get('Main Gate')!;
    adminId = (await app.api('/oauth/v1/endpoints/user-info', admin)).body.data.id;
  });
  after(() => app.close());

  test('an existing user gets access at once: the door is in their sync and they can toggle it', async () => {
    const person = await newPerson(app);
    const token = (await app.tokensFor({ user: person })).access_token;
    assert.equal((await doorsSeenBy(app, token)).size, 0);

    const response = await app.api(INVITE, admin, {
      body: { email: person.email.toUpperCase(), door_ids: [doors.get('Lobby Door')] },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(typeof response.body.timestamp, 'number');
    assert.deepEqual(response.body, {
      success: true,
      timestamp: response.body.timestamp,
      data: {
        result: 'access_granted',
        email: person.email,
        user_id: person.userId,
        door_ids: [doors.get('Lobby Door')],
        email_sent: true,
      },
    });

    const seen = await app.api(SYNC, token);
    const lobby = seen.body.devices.flatMap((d: any) => d.doors);
    assert.deepEqual(
      lobby.map((d: any) => [d.id, d.name, d.user_relationship]),
      [[doors.get('Lobby Door'), 'Lobby Door', 'Has Access']],
    );
    const toggle = await app.api(TOGGLE, token, {
      body: { door_id: doors.get('Lobby Door'), door_state: 'OPEN' },
    });
    assert.equal(toggle.status, 200);
    assert.equal(toggle.body.message, '200');

    const grant = await app.ctx.db
      .selectFrom('access_grants')
      .selectAll()
      .where('user_id', '=', person.userId)
      .executeTakeFirstOrThrow();
    assert.deepEqual([grant.source, grant.ends_at], ['invitation', null], 'an open-ended invitation grant');
    assert.equal(grant.granted_by, adminId, 'the inviter is recorded');
    const [mail] = await listDevMailbox(app.ctx.db, 1);
    assert.equal(mail!.to, person.email);
    assert.equal(mail!.subject, 'ParqEx Test shared doors with you on ParqEx');
    assert.match(mail!.text, /^ {2}- Lobby Door$/m);
    assert.ok(mail!.text.includes(`${app.baseUrl}/login`));
  });

  test('an unknown email gets a pending invitation and a sign-up email; the token is stored only as a hash', async () => {
    const response = await app.api(INVITE, admin, {
      body: { email: 'New.Comer@Example.com', door_ids: [doors.get('Garage'), doors.get('Elevator')] },
    });
    assert.equal(response.status, 201);
    const { invitation_id: invitationId, expires_at: expiresAt } = response.body.data;
    assert.match(invitationId, /^[0-9a-f]{32}$/);
    assert.match(expiresAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.deepEqual(response.body, {
      success: true,
      timestamp: response.body.timestamp,
      data: {
        result: 'invitation_sent',
        email: 'new.comer@example.com',
        invitation_id: invitationId,
        door_ids: [doors.get('Garage'), doors.get('Elevator')],
        expires_at: expiresAt,
        email_sent: true,
      },
    });

    const [mail] = await listDevMailbox(app.ctx.db, 1);
    assert.equal(mail!.to, 'new.comer@example.com');
    assert.equal(mail!.subject, 'ParqEx Test invited you to ParqEx');
    const link = new RegExp(`${app.baseUrl}/signup\\?invitation=([A-Za-z0-9_-]{43})`).exec(mail!.text);
    assert.ok(link, mail!.text);
    app.remember(link[1]);
    assert.match(mail!.text, /^ {2}- Garage\n {2}- Elevator$/m);

    const stored = await app.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', invitationId)
      .executeTakeFirstOrThrow();
    assert.equal(stored.email, 'new.comer@example.com');
    assert.deepEqual(JSON.parse(stored.door_ids), [doors.get('Garage'), doors.get('Elevator')]);
    assert.notEqual(stored.token_hash, link[1]);
    assert.match(stored.token_hash, /^[0-9a-f]{64}$/);
    assert.equal(stored.invited_by, adminId);
    assert.equal(stored.accepted_at, null);
  });

  test('both id forms are accepted and the same door twice counts once', async () => {
    const garage = doors.get('Garage')!;
    const dashedUpper =
      `${garage.slice(0, 8)}-${garage.slice(8, 12)}-${garage.slice(12, 16)}-${garage.slice(16, 20)}-${garage.slice(20)}`.toUpperCase();
    const response = await app.api(INVITE, admin, {
      body: { email: 'twice@example.com', door_ids: [dashedUpper, garage] },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.data.door_ids, [garage]);
  });

  test('an application not marked internal is refused, even with the Admin signed in', async () => {
    const before = await sharingState(app);
    const expected = errors('forbidden', 'Inviting users is available to ParqEx applications only.');
    for (const [method, body] of [
      ['POST', { email: 'nobody@example.com', door_ids: [doors.get('Garage')] }],
      ['GET', undefined],
      ['DELETE', { email: JOHN.email }],
    ] as const) {
      const response = await app.api(INVITE, adminViaThirdParty, { method, body });
      assert.equal(response.status, 403, method);
      assert.deepEqual(response.body, expected);
    }
    assert.deepEqual(await sharingState(app), before);
  });

  test('a User of the account (not its Admin) is refused, whatever the input', async () => {
    const before = await sharingState(app);
    const expected = errors('forbidden', "Only the account's Admin can share its doors.");
    for (const [method, body] of [
      ['POST', { email: 'nobody@example.com', door_ids: [doors.get('Garage')] }],
      ['POST', { email: 'not an email', door_ids: [] }],
      ['GET', undefined],
      ['DELETE', { email: TEST_OWNER.email }],
    ] as const) {
      const response = await app.api(INVITE, john, { method, body });
      assert.equal(response.status, 403, method);
      assert.deepEqual(response.body, expected);
    }
    assert.deepEqual(await sharingState(app), before);
  });

  test('no token, a bad token, a token in the query: RFC 6750 refusals', async () => {
    const none = await app.api(INVITE, undefined, { method: 'GET' });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm="parqex"/);
    const bad = await app.api(INVITE, 'not-a-real-token', { method: 'GET' });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const query = await app.api(`${INVITE}?access_token=${admin}`, undefined, { method: 'GET' });
    assert.equal(query.status, 400);
  });

  test("another account's door is not found, exactly like a door that does not exist; nothing changes", async () => {
    const before = await sharingState(app);
    const nowhere = 'f'.repeat(32);
    const theirs = await app.api(INVITE, admin, {
      body: { email: 'someone@example.com', door_ids: [doors.get('Garage'), mainGate] },
    });
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, errors('door_not_found', `No door with the id ${mainGate}.`));
    const missing = await app.api(INVITE, admin, {
      body: { email: 'someone@example.com', door_ids: [nowhere] },
    });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, errors('door_not_found', `No door with the id ${nowhere}.`));
    // John has access to Main Gate ("Kitty"): still not the Test account's to share or take away.
    const taking = await app.api(INVITE, admin, {
      method: 'DELETE',
      body: { email: JOHN.email, door_ids: [mainGate] },
    });
    assert.equal(taking.status, 404);
    assert.deepEqual(taking.body, errors('door_not_found', `No door with the id ${mainGate}.`));
    assert.deepEqual(await sharingState(app), before);
  });

  test("another account's Admin removing a person touches only their own doors", async () => {
    const johnDoors = async () => [...(await doorsSeenBy(app, john)).keys()].sort();
    assert.deepEqual(await johnDoors(), ['Garage', 'Kitty']);
    const removed = await app.api(INVITE, producer, { method: 'DELETE', body: { email: JOHN.email } });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.data, {
      email: JOHN.email,
      user_id: removed.body.data.user_id,
      removed_door_ids: [mainGate],
      revoked_invitations: 0,
    });
    assert.deepEqual(await johnDoors(), ['Garage']);
    const again = await app.api(INVITE, producer, { method: 'DELETE', body: { email: JOHN.email } });
    assert.equal(again.status, 404);
    assert.deepEqual(
      again.body,
      errors('not_found', 'Nobody with this email or id has access to these doors.'),
    );
    const listed = await app.api(INVITE, producer, { method: 'GET' });
    assert.deepEqual(listed.body.data, { invitations: [], shared_access: [] });
  });

  test('removing access stops the next toggle at once; removing again finds nothing', async () => {
    const person = await newPerson(app);
    const token = (await app.tokensFor({ user: person })).access_token;
    const garage = doors.get('Garage')!;
    const lobby = doors.get('Lobby Door')!;
    const granted = await app.api(INVITE, admin, {
      body: { email: person.email, door_ids: [garage, lobby] },
    });
    assert.equal(granted.status, 200);
    const open = await app.api(TOGGLE, token, { body: { door_id: garage, door_state: 'OPEN' } });
    assert.equal(open.status, 200);

    // By user id, dashes dropped: spec §4, both id forms.
    const removed = await app.api(INVITE, admin, {
      method: 'DELETE',
      body: { user_id: person.userId.replace(/-/g, '').toUpperCase(), door_ids: [garage] },
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, {
      success: true,
      timestamp: removed.body.timestamp,
      data: {
        email: person.email,
        user_id: person.userId,
        removed_door_ids: [garage],
        revoked_invitations: 0,
      },
    });
    const refused = await app.api(TOGGLE, token, { body: { door_id: garage, door_state: 'CLOSED' } });
    assert.equal(refused.status, 404);
    assert.deepEqual(refused.body, {
      errors: [{ code: 'door_not_found', message: 'No door with this id.' }],
    });
    assert.deepEqual([...(await doorsSeenBy(app, token)).keys()], ['Lobby Door'], 'the other door stays');

    const all = await app.api(INVITE, admin, { method: 'DELETE', body: { email: person.email } });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.data.removed_door_ids, [lobby]);
    const lobbyRefused = await app.api(TOGGLE, token, { body: { door_id: lobby, door_state: 'OPEN' } });
    assert.equal(lobbyRefused.status, 404);
    const nothing = await app.api(INVITE, admin, { method: 'DELETE', body: { email: person.email } });
    assert.equal(nothing.status, 404);
    assert.deepEqual(
      nothing.body,
      errors('not_found', 'Nobody with this email or id has access to these doors.'),
    );
    const unknownId = await app.api(INVITE, admin, {
      method: 'DELETE',
      body: { user_id: '00000000-0000-4000-8000-000000000000' },
    });
    assert.equal(unknownId.status, 404);
  });

  test('DELETE withdraws pending invitations: some doors, then all', async () => {
    const email = 'pending@example.com';
    const garage = doors.get('Garage')!;
    const lobby = doors.get('Lobby Door')!;
    const sent = await app.api(INVITE, admin, { body: { email, door_ids: [garage, lobby] } });
    assert.equal(sent.status, 201);
    const id = sent.body.data.invitation_id;
    const pendingOf = async () =>
      (await app.api(INVITE, admin, { method: 'GET' })).body.data.invitations.filter((i: any) => i.id === id);

    const narrowed = await app.api(INVITE, admin, { method: 'DELETE', body: { email, door_ids: [garage] } });
    assert.equal(narrowed.status, 200);
    assert.deepEqual(narrowed.body.data, {
      email,
      user_id: null,
      removed_door_ids: [],
      revoked_invitations: 1,
    });
    assert.deepEqual(
      (await pendingOf()).map((i: any) => i.door_ids),
      [[lobby]],
    );

    const revoked = await app.api(INVITE, admin, { method: 'DELETE', body: { email } });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.body.data, {
      email,
      user_id: null,
      removed_door_ids: [],
      revoked_invitations: 1,
    });
    assert.deepEqual(await pendingOf(), []);
    const row = await app.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(typeof row.revoked_at, 'number');
  });

  test('GET lists the pending invitations and who has access to which door, in the documented envelope', async () => {
    const listed = await app.api(INVITE, admin, { method: 'GET' });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(listed.body).sort(), ['data', 'success', 'timestamp']);
    const { invitations, shared_access: shared } = listed.body.data;

    const stored = await app.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(invitations.map((i: any) => i.email).sort(), stored.map((i) => i.email).sort());
    const newcomer = invitations.find((i: any) => i.email === 'new.comer@example.com');
    assert.deepEqual(Object.keys(newcomer).sort(), [
      'created_at',
      'door_ids',
      'email',
      'expires_at',
      'id',
      'invited_by',
    ]);
    assert.deepEqual(newcomer.door_ids, [doors.get('Garage'), doors.get('Elevator')]);
    assert.equal(newcomer.invited_by, adminId);
    assert.match(newcomer.created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.ok(
      !invitations.some((i: any) => i.email === 'pending@example.com'),
      'revoked ones are not listed',
    );

    // John's seeded Garage and the person of the first test's Lobby Door.
    const johnEntry = shared.find((s: any) => s.user.email === JOHN.email);
    assert.deepEqual(johnEntry, {
      user: { id: johnEntry.user.id, first_name: 'John', last_name: 'Doe', email: JOHN.email },
      doors: [
        {
          door_id: doors.get('Garage'),
          name: 'Garage',
          granted_by: null,
          granted_at: johnEntry.doors[0].granted_at,
        },
      ],
    });
    const firstPerson = shared.find((s: any) => s.user.email === 'person1@example.com');
    assert.deepEqual(
      firstPerson.doors.map((d: any) => [d.name, d.granted_by]),
      [['Lobby Door', adminId]],
    );
    // Only the Test account's doors: John's Main Gate access is not the Test Admin's business.
    assert.ok(shared.every((s: any) => s.doors.every((d: any) => d.door_id !== mainGate)));
  });

  test('bad input is refused with 400 and changes nothing', async () => {
    const garage = doors.get('Garage')!;
    const cases: [string, unknown, string][] = [
      ['POST', [], 'the body must be a JSON object {"email": "…", "door_ids": ["…"]}'],
      ['POST', '"a string"', 'the body must be a JSON object {"email": "…", "door_ids": ["…"]}'],
      ['POST', { door_ids: [garage] }, 'email is required'],
      ['POST', { email: 'x@example.com' }, 'door_ids is required'],
      ['POST', { email: 'not-an-email', door_ids: [garage] }, 'email must be an email address'],
      ['POST', { email: 'a@b', door_ids: [garage] }, 'email must be an email address'],
      ['POST', { email: 'a,b@example.com', door_ids: [garage] }, 'email must be an email address'],
      [
        'POST',
        { email: 'a@example.com, b@example.com', door_ids: [garage] },
        'email must be an email address',
      ],
      [
        'POST',
        { email: 'x@example.com\r\nBcc: y@example.com', door_ids: [garage] },
        'email must be an email address',
      ],
      [
        'POST',
        { email: `${'a'.repeat(250)}@example.com`, door_ids: [garage] },
        'email must be an email address',
      ],
      ['POST', { email: 42, door_ids: [garage] }, 'email must be an email address'],
      ['POST', { email: ['x@example.com'], door_ids: [garage] }, 'email must be an email address'],
      ['POST', { email: 'x@example.com', door_ids: [] }, 'door_ids must be a non-empty array of door ids'],
      [
        'POST',
        { email: 'x@example.com', door_ids: garage },
        'door_ids must be a non-empty array of door ids',
      ],
      ['POST', { email: 'x@example.com', door_ids: null }, 'door_ids must be a non-empty array of door ids'],
      [
        'POST',
        { email: 'x@example.com', door_ids: [garage, 'not-a-door'] },
        'door_ids[1] must be a door id (32 hexadecimal characters or a UUID)',
      ],
      [
        'POST',
        { email: 'x@example.com', door_ids: [12345] },
        'door_ids[0] must be a door id (32 hexadecimal characters or a UUID)',
      ],
      [
        'POST',
        { email: 'x@example.com', door_ids: Array.from({ length: 101 }, () => garage) },
        'door_ids may name at most 100 doors',
      ],
      [
        'POST',
        { email: 'x@example.com', door_ids: [garage], role: 'admin' },
        'unknown field "role"; expected {"email": "…", "door_ids": ["…"]}',
      ],
      [
        'POST',
        { email: 'x@example.com', door_id: garage },
        'unknown field "door_id"; expected {"email": "…", "door_ids": ["…"]}',
      ],
      [
        'DELETE',
        { email: JOHN.email, user_id: adminId },
        'name the person by exactly one of email or user_id',
      ],
      ['DELETE', { door_ids: [garage] }, 'name the person by exactly one of email or user_id'],
      ['DELETE', { user_id: 'john' }, 'user_id must be a user id (a UUID)'],
      ['DELETE', { user_id: 7 }, 'user_id must be a user id (a UUID)'],
      ['DELETE', { email: 'john' }, 'email must be an email address'],
      ['DELETE', { email: JOHN.email, door_ids: [] }, 'door_ids must be a non-empty array of door ids'],
      [
        'DELETE',
        { email: JOHN.email, door_ids: [garage], everything: true },
        'unknown field "everything"; expected {"email": "…" or "user_id": "…", "door_ids": ["…"] (optional)}',
      ],
      [
        'DELETE',
        undefined,
        'the body must be a JSON object {"email": "…" or "user_id": "…", "door_ids": ["…"] (optional)}',
      ],
    ];
    const before = await sharingState(app);
    for (const [method, body, message] of cases) {
      const response = await app.api(INVITE, admin, { method, body });
      assert.equal(response.status, 400, `${method} ${JSON.stringify(body)}`);
      assert.deepEqual(
        response.body,
        errors('invalid_request', message),
        `${method} ${JSON.stringify(body)}`,
      );
    }
    const malformed = await app.api(INVITE, admin, { method: 'POST', body: '{"email": "x@example.com",' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.errors[0].code, 'invalid_request');
    const self = await app.api(INVITE, admin, { body: { email: TEST_OWNER.email, door_ids: [garage] } });
    assert.equal(self.status, 400);
    assert.deepEqual(self.body, errors('invalid_request', 'You already have every door of your account.'));
    assert.deepEqual(await sharingState(app), before);
  });

  test('every documented spelling of the path answers', async () => {
    for (const path of [
      '/oauth/v1/endpoints/invite',
      '/oauth/v1/endpoints/invite/',
      '/oauth/v1/endpoint/invite',
      '/api/oauth/v1/endpoints/invite',
      '/api/oauth/v1/endpoint/invite/',
    ]) {
      const response = await app.api(path, admin, { method: 'GET' });
      assert.equal(response.status, 200, path);
      assert.equal(response.body.success, true, path);
    }
  });
});

describe('Invitation mail through a real SMTP server', () => {
  interface Received {
    from: string;
    to: string[];
    raw: string;
  }
  let smtp: SMTPServer;
  const received: Received[] = [];
  let app: TestApp;
  let admin: string;
  let doors: Map<string, string>;

  before(async () => {
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    app = await startTestApp({
      env: { PARQEX_SMTP_URL: `smtp://127.0.0.1:${port}`, PARQEX_MAIL_FROM: 'ParqEx <invites@parqex.test>' },
    });
    const internal = await registerInternalClient(app);
    admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
    doors = await doorsSeenBy(app, admin);
  });
  after(async () => {
    await app.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  /** A text/plain body as sent (quoted-printable or 7bit), decoded. */
  function bodyOf(raw: string): { headers: string; text: string } {
    const split = raw.indexOf('\r\n\r\n');
    const headers = raw.slice(0, split);
    let text = raw.slice(split + 4);
    if (/^Content-Transfer-Encoding: quoted-printable$/im.test(headers)) {
      text = text
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    return { headers, text: text.replace(/\r\n/g, '\n') };
  }

  test('the invitation reaches the SMTP server: recipient, sender, subject and a working sign-up link', async () => {
    const response = await app.api(INVITE, admin, {
      body: { email: 'smtp.invitee@example.com', door_ids: [doors.get('Back Gate')] },
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.data.email_sent, true);
    assert.equal(received.length, 1, 'handed over before the response');
    const [message] = received;
    assert.deepEqual(message!.to, ['smtp.invitee@example.com']);
    assert.equal(message!.from, 'invites@parqex.test');
    const { headers, text } = bodyOf(message!.raw);
    assert.match(headers, /^Subject: ParqEx Test invited you to ParqEx$/m);
    assert.match(headers, /^To: smtp\.invitee@example\.com$/m);
    assert.match(headers, /^From: ParqEx <invites@parqex\.test>$/m);
    const link = new RegExp(`^${app.baseUrl}/signup\\?invitation=([A-Za-z0-9_-]{43})$`, 'm').exec(text);
    assert.ok(link, text);
    app.remember(link[1]);
    assert.match(text, /^ {2}- Back Gate$/m);

    const page = await app.browser().get(link[0].slice(app.baseUrl.length));
    assert.equal(page.status, 200);
    assert.match(page.text_, /value="smtp\.invitee@example\.com" readonly/);
    assert.deepEqual(await listDevMailbox(app.ctx.db), [], 'nothing goes to the development mailbox');
  });

  test('STARTTLS is required over smtp:// unless the server is on this machine', () => {
    for (const [url, required] of [
      ['smtp://mail.example.com:587', true],
      ['smtp://user:pass@10.0.0.5', true],
      ['smtp://127.0.0.1:2525', false],
      ['smtp://localhost', false],
      ['smtp://[::1]:25', false],
    ] as const) {
      assert.equal(smtpOptions(url).requireTLS, required, url);
    }
  });

  test('a server without STARTTLS is refused when TLS is required', async () => {
    const { port } = smtp.server.address() as AddressInfo;
    const strict = await startTestApp({
      env: { PARQEX_SMTP_URL: `smtp://127.0.0.1:${port}?requireTLS=true` },
    });
    try {
      const internal = await registerInternalClient(strict);
      const token = (await strict.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
      const garage = (await doorsSeenBy(strict, token)).get('Garage');
      const before = received.length;
      const response = await strict.api(INVITE, token, {
        body: { email: 'tls@example.com', door_ids: [garage] },
      });
      assert.equal(response.status, 503);
      assert.equal(response.body.errors[0].code, 'mail_not_sent');
      assert.equal(received.length, before, 'nothing was sent in clear');
    } finally {
      await strict.close();
    }
  });

  test('an existing user is notified through SMTP too', async () => {
    const person = await newPerson(app);
    const before = received.length;
    const response = await app.api(INVITE, admin, {
      body: { email: person.email, door_ids: [doors.get('Garage')] },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.email_sent, true);
    assert.equal(received.length, before + 1);
    assert.deepEqual(received.at(-1)!.to, [person.email]);
    assert.match(
      bodyOf(received.at(-1)!.raw).headers,
      /^Subject: ParqEx Test shared doors with you on ParqEx$/m,
    );
  });
});

describe('when the mail server cannot be reached', () => {
  let app: TestApp;
  let admin: string;
  let doors: Map<string, string>;

  before(async () => {
    // A port that was free a moment ago: nothing listens there, the connection is refused.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    app = await startTestApp({ env: { PARQEX_SMTP_URL: `smtp://127.0.0.1:${port}` } });
    const internal = await registerInternalClient(app);
    admin = (await app.tokensFor({ client: internal, user: TEST_OWNER })).access_token;
    doors = await doorsSeenBy(app, admin);
  });
  after(() => app.close());

  test('an invitation nobody could receive is withdrawn and the Admin is told (503)', async () => {
    const response = await app.api(INVITE, admin, {
      body: { email: 'unreachable@example.com', door_ids: [doors.get('Garage')] },
    });
    assert.equal(response.status, 503);
    assert.deepEqual(
      response.body,
      errors(
        'mail_not_sent',
        'The invitation email could not be sent, so no invitation was made. Please try again later.',
      ),
    );
    const listed = await app.api(INVITE, admin, { method: 'GET' });
    assert.deepEqual(listed.body.data.invitations, []);
    const row = await app.ctx.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', 'unreachable@example.com')
      .executeTakeFirstOrThrow();
    assert.notEqual(row.revoked_at, null);
    assert.ok(app.logs.some((line) => line.includes('"event":"mail.failed"')));
  });

  test('access for an existing user stands; the response says the notification was not sent', async () => {
    const person = await newPerson(app);
    const response = await app.api(INVITE, admin, {
      body: { email: person.email, door_ids: [doors.get('Garage')] },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.data.result, 'access_granted');
    assert.equal(response.body.data.email_sent, false);
    const token = (await app.tokensFor({ user: person })).access_token;
    assert.deepEqual([...(await doorsSeenBy(app, token)).keys()], ['Garage']);
  });
});
