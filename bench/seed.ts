/**
 * The data the rows need, written before the server starts (SQLite allows one connection per
 * process, and the server must not share the file with a second one of ours). The small things go
 * through the project's own services, so they are exactly what the server expects; the big ones
 * (tokens, codes, history) are bulk inserts of the same rows those services write.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDevice } from '../src/access/devices.ts';
import { createUser } from '../src/accounts/users.ts';
import { addVehicle } from '../src/accounts/vehicles.ts';
import { sha256, uuid } from '../src/lib/crypto.ts';
import { ClientRegistry } from '../src/oauth/client-registry.ts';
import { mintTokenPair } from '../src/oauth/issue-tokens.ts';
import type { Scope } from '../src/oauth/scopes.ts';
import { SqlOAuthStore } from '../src/oauth/sql-oauth-store.ts';
import type { Db } from '../src/storage/schema.ts';
import { insertGenerated } from './bulk-insert.ts';
import { RandomPool } from './random-pool.ts';

const SCOPES: Scope[] = ['OPENDOOR', 'CLOSEDOOR'];
const STORED_SCOPES = SCOPES.join(' ');
const ACCESS_TTL_MS = 3600 * 1000;
const REFRESH_IDLE_TTL_MS = 90 * 86_400 * 1000;
/** The longest a code may live (PARQEX_CODE_TTL_S is at most 600). */
export const CODE_TTL_MS = 600 * 1000;
const DAY_MS = 86_400_000;
const random = new RandomPool();

export interface BenchPerson {
  userId: string;
  accountId: string;
  email: string;
  timeZone: string;
}

export interface BenchClient {
  id: string;
  secret: string;
  redirectUri: string;
}

/** The Admin of an account, with an address and a vehicle (user-info and sync return both). */
export async function seedPerson(db: Db, now: number): Promise<BenchPerson> {
  const email = 'bench@parqex.test';
  const { userId, accountId } = await createUser(
    db,
    {
      email,
      password: 'bench-password',
      firstName: 'Bench',
      lastName: 'Marker',
      phone: '+1 555 0199',
      address: {
        line1: '1 Load Street',
        city: 'Springfield',
        region: 'NY',
        postalCode: '10001',
        country: 'US',
      },
      accountName: 'Bench Parking',
    },
    now,
  );
  await addVehicle(
    db,
    userId,
    { plate: 'BENCH01', region: 'NY', make: 'Toyota', model: 'Prius', color: 'Blue' },
    now,
  );
  const { time_zone: timeZone } = await db
    .selectFrom('users')
    .select('time_zone')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return { userId, accountId, email, timeZone };
}

/** A confidential third-party application, registered as staff would. */
export async function seedClient(db: Db, now: number): Promise<BenchClient> {
  const redirectUri = 'https://bench.parqex.test/oauth/callback';
  const registry = new ClientRegistry(new SqlOAuthStore(db), 'localhost');
  const { client, clientSecret } = await registry.create(
    { name: 'ParqEx Bench', environment: 'production', redirectUris: [redirectUri] },
    now,
  );
  return { id: client.id, secret: clientSecret!, redirectUri };
}

/** One authorization of the application by the person, and the access token it issued. */
export async function seedAccessToken(
  db: Db,
  person: BenchPerson,
  client: BenchClient,
  now: number,
  scopes: Scope[] = SCOPES,
): Promise<string> {
  const store = new SqlOAuthStore(db);
  const grantId = uuid();
  await store.createGrant({ id: grantId, userId: person.userId, clientId: client.id, scopes, now });
  const pair = mintTokenPair({ grantId, clientId: client.id, userId: person.userId, scopes }, now, {
    // Long enough for any run.
    accessS: 86_400,
    refreshIdleS: 90 * 86_400,
  });
  await store.saveTokens(pair.access, pair.refresh);
  return pair.response.access_token;
}

/** `devices` controllers of `doorsEach` doors, owned by the person's account, in order. */
export async function seedDoors(
  db: Db,
  person: BenchPerson,
  devices: number,
  doorsEach: number,
  now: number,
): Promise<{ deviceId: string; doorIds: string[] }[]> {
  const created: { deviceId: string; doorIds: string[] }[] = [];
  for (let d = 0; d < devices; d++) {
    created.push(await createDevice(db, { accountId: person.accountId, doorCount: doorsEach }, now));
  }
  return created;
}

/**
 * `count` events on one door over the last 30 days: toggles by the person through the application
 * and the sensor reports that followed them, as the toggle and the simulator write them.
 */
export async function seedHistory(
  db: Db,
  target: { accountId: string; deviceId: string; doorId: string; userId: string; clientId: string },
  count: number,
  now: number,
): Promise<void> {
  const spacing = Math.max(1, Math.floor((30 * DAY_MS) / count));
  await db.transaction().execute((trx) =>
    insertGenerated(trx, 'access_events', count, (i) => {
      const bySensor = i % 2 === 1;
      return {
        id: random.hexId(),
        account_id: target.accountId,
        device_id: target.deviceId,
        door_id: target.doorId,
        user_id: bySensor ? null : target.userId,
        client_id: bySensor ? null : target.clientId,
        channel: bySensor ? 'Door Sensor' : 'ParqEx Bench',
        door_state: i % 4 < 2 ? ('OPEN' as const) : ('CLOSED' as const),
        was_success: 1,
        outcome: bySensor ? 'sensor' : 'done',
        occurred_at: now - 60_000 - i * spacing,
      };
    }),
  );
}

/**
 * `count` refresh tokens, each of its own authorization (as many people's apps would hold), written
 * raw to `file`, one per line, and one more kept apart to check the row with.
 */
export async function seedRefreshTokens(
  db: Db,
  person: BenchPerson,
  client: BenchClient,
  count: number,
  file: string,
  now: number,
): Promise<{ file: string; check: string }> {
  const total = count + 1;
  const tokens = Array.from({ length: total }, () => random.token());
  const grants = Array.from({ length: total }, () => uuid());
  await db.transaction().execute(async (trx) => {
    await insertGenerated(trx, 'grants', total, (i) => ({
      id: grants[i]!,
      user_id: person.userId,
      client_id: client.id,
      scopes: STORED_SCOPES,
      created_at: now,
    }));
    await insertGenerated(trx, 'refresh_tokens', total, (i) => ({
      token_hash: sha256(tokens[i]!),
      grant_id: grants[i]!,
      client_id: client.id,
      user_id: person.userId,
      scopes: STORED_SCOPES,
      created_at: now,
      expires_at: now + REFRESH_IDLE_TTL_MS,
    }));
  });
  writeLines(file, tokens.slice(0, count));
  return { file, check: tokens[count]! };
}

/**
 * `count` unredeemed authorization codes, each of its own authorization, with an S256 PKCE
 * challenge as a standard client library sends; `file` gets `code=…&code_verifier=…` per line, and
 * one more is kept apart to check the row with.
 */
export async function seedCodes(
  db: Db,
  person: BenchPerson,
  client: BenchClient,
  count: number,
  file: string,
  now: number,
): Promise<{ file: string; check: string; expiresAt: number }> {
  const total = count + 1;
  const codes = Array.from({ length: total }, () => random.token());
  const verifiers = Array.from({ length: total }, () => random.token());
  const grants = Array.from({ length: total }, () => uuid());
  const expiresAt = now + CODE_TTL_MS;
  await db.transaction().execute(async (trx) => {
    await insertGenerated(trx, 'grants', total, (i) => ({
      id: grants[i]!,
      user_id: person.userId,
      client_id: client.id,
      scopes: STORED_SCOPES,
      created_at: now,
    }));
    await insertGenerated(trx, 'authorization_codes', total, (i) => ({
      code_hash: sha256(codes[i]!),
      grant_id: grants[i]!,
      client_id: client.id,
      user_id: person.userId,
      redirect_uri: client.redirectUri,
      scopes: STORED_SCOPES,
      // RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier)))
      code_challenge: createHash('sha256').update(verifiers[i]!, 'ascii').digest('base64url'),
      created_at: now,
      expires_at: expiresAt,
    }));
  });
  const lines = codes.map((code, i) => `code=${code}&code_verifier=${verifiers[i]}`);
  writeLines(file, lines.slice(0, count));
  return { file, check: lines[count]!, expiresAt };
}

/** `count` access tokens spread over `users` people and their authorizations; raw tokens to `file`. */
export async function seedAccessTokens(
  db: Db,
  owners: { userIds: string[]; clientId: string; tokensPerGrant: number },
  count: number,
  file: string,
  now: number,
): Promise<void> {
  const grantCount = Math.ceil(count / owners.tokensPerGrant);
  const grants = Array.from({ length: grantCount }, () => uuid());
  const userOf = (grant: number) => owners.userIds[grant % owners.userIds.length]!;
  const tokens: string[] = [];
  await db.transaction().execute(async (trx) => {
    await insertGenerated(trx, 'grants', grantCount, (g) => ({
      id: grants[g]!,
      user_id: userOf(g),
      client_id: owners.clientId,
      scopes: STORED_SCOPES,
      created_at: now,
    }));
    await insertGenerated(trx, 'access_tokens', count, (i) => {
      const token = random.token();
      tokens.push(token);
      const grant = Math.floor(i / owners.tokensPerGrant);
      return {
        token_hash: sha256(token),
        grant_id: grants[grant]!,
        client_id: owners.clientId,
        user_id: userOf(grant),
        scopes: STORED_SCOPES,
        created_at: now,
        expires_at: now + ACCESS_TTL_MS,
      };
    });
  });
  writeLines(file, tokens);
}

/** Toggle bodies for every door but the history's, each door asked to open, then to close. */
export function writeToggleBodies(runDir: string, doorIds: string[]): string {
  const bodies = ['OPEN', 'CLOSED'].flatMap((state) =>
    doorIds.map((id) => JSON.stringify({ door_id: id, door_state: state })),
  );
  const file = join(runDir, 'toggle-bodies.txt');
  writeLines(file, bodies);
  return file;
}

function writeLines(file: string, lines: string[]): void {
  writeFileSync(file, `${lines.join('\n')}\n`);
}
