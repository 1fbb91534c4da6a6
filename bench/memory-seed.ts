/**
 * The memory scenario's data: a million access tokens, a hundred thousand doors and a million
 * history events, in bulk. The bench person of the rows (50 doors on 10 controllers, 100,000 events
 * on one door) is among them, so sync and history answer what they answer in the rows.
 */
import { join } from 'node:path';
import { hashPassword } from '../src/accounts/passwords.ts';
import { uuid } from '../src/lib/crypto.ts';
import { localDate } from '../src/lib/time.ts';
import type { Db } from '../src/storage/schema.ts';
import { insertGenerated } from './bulk-insert.ts';
import { RandomPool } from './random-pool.ts';
import type { RowFixture } from './rows.ts';
import {
  seedAccessToken,
  seedAccessTokens,
  seedClient,
  seedDoors,
  seedHistory,
  seedPerson,
  writeToggleBodies,
} from './seed.ts';

export const MEMORY_DATA = {
  accessTokens: 1_000_000,
  doors: 100_000,
  historyEvents: 1_000_000,
  /** Each other account: one controller with this many doors. */
  doorsPerController: 10,
  /** Access tokens per authorization (each refresh issues one more). */
  tokensPerGrant: 10,
} as const;

const BENCH_DOORS = 50;
const BENCH_HISTORY = 100_000;
const DAY_MS = 86_400_000;
const random = new RandomPool();

export interface MemorySeed {
  fixture: RowFixture;
  /** The million raw access tokens, one per line. */
  accessTokensFile: string;
  people: number;
  seconds: number;
}

export async function seedMemoryData(
  db: Db,
  runDir: string,
  log: (line: string) => void,
): Promise<MemorySeed> {
  const started = performance.now();
  let stepStarted = started;
  const stepDone = (what: string) => {
    const at = performance.now();
    log(`  ${what}: ${((at - stepStarted) / 1000).toFixed(1)} s`);
    stepStarted = at;
  };
  const now = Date.now();
  const person = await seedPerson(db, now);
  const client = await seedClient(db, now);
  const accessToken = await seedAccessToken(db, person, client, now);
  const devices = await seedDoors(db, person, 10, 5, now);
  const historyDevice = devices[0]!;
  const historyDoorId = historyDevice.doorIds[0]!;
  stepDone('the bench person, application and 50 doors');

  // Everyone else: an account per Admin, each with one controller of 10 doors.
  const others = (MEMORY_DATA.doors - BENCH_DOORS) / MEMORY_DATA.doorsPerController;
  const accounts = Array.from({ length: others }, () => uuid());
  const users = Array.from({ length: others }, () => uuid());
  const controllers = Array.from({ length: others }, () => random.hexId());
  // Door n of controller c: 32 hex characters like every door id, unique because the controller's is.
  const doorId = (c: number, n: number) =>
    `${controllers[c]!.slice(0, 30)}${n.toString(16).padStart(2, '0')}`;
  const passwordHash = await hashPassword('bench-password');
  await db.transaction().execute(async (trx) => {
    await insertGenerated(trx, 'accounts', others, (i) => ({
      id: accounts[i]!,
      name: `Lot ${i}`,
      created_at: now,
    }));
    await insertGenerated(trx, 'users', others, (i) => ({
      id: users[i]!,
      account_id: accounts[i]!,
      role: 'admin' as const,
      email: `owner-${i}@bench.parqex.test`,
      password_hash: passwordHash,
      first_name: 'Lot',
      last_name: `Owner ${i}`,
      phone: null,
      address_line1: null,
      address_line2: null,
      address_city: null,
      address_region: null,
      address_postal_code: null,
      address_country: null,
      created_at: now,
    }));
    await insertGenerated(trx, 'devices', others, (i) => ({
      id: controllers[i]!,
      account_id: accounts[i]!,
      blackbox_code: `b${i.toString(16).padStart(15, '0')}`,
      last_contact: now,
      created_at: now,
    }));
    await insertGenerated(trx, 'doors', others * MEMORY_DATA.doorsPerController, (i) => {
      const c = Math.floor(i / MEMORY_DATA.doorsPerController);
      const n = i % MEMORY_DATA.doorsPerController;
      return {
        id: doorId(c, n),
        device_id: controllers[c]!,
        entity_number: n + 1,
        name: `Door ${n + 1}`,
        created_at: now,
      };
    });
  });
  stepDone(
    `${others.toLocaleString('en-US')} more accounts with ${(others * MEMORY_DATA.doorsPerController).toLocaleString('en-US')} doors`,
  );

  await seedHistory(
    db,
    {
      accountId: person.accountId,
      deviceId: historyDevice.deviceId,
      doorId: historyDoorId,
      userId: person.userId,
      clientId: client.id,
    },
    BENCH_HISTORY,
    now,
  );
  // The rest of the history: sensor reports on everyone else's doors over the last 30 days.
  const otherEvents = MEMORY_DATA.historyEvents - BENCH_HISTORY;
  const otherDoors = others * MEMORY_DATA.doorsPerController;
  await db.transaction().execute((trx) =>
    insertGenerated(trx, 'access_events', otherEvents, (i) => {
      const door = i % otherDoors;
      const c = Math.floor(door / MEMORY_DATA.doorsPerController);
      return {
        id: random.hexId(),
        account_id: accounts[c]!,
        device_id: controllers[c]!,
        door_id: doorId(c, door % MEMORY_DATA.doorsPerController),
        user_id: null,
        client_id: null,
        channel: 'Door Sensor',
        door_state: i % 2 === 0 ? ('OPEN' as const) : ('CLOSED' as const),
        was_success: 1,
        outcome: 'sensor',
        occurred_at: now - 60_000 - ((i * 2591) % (30 * DAY_MS)),
      };
    }),
  );
  stepDone(`${MEMORY_DATA.historyEvents.toLocaleString('en-US')} history events`);

  const accessTokensFile = join(runDir, 'access-tokens.txt');
  await seedAccessTokens(
    db,
    { userIds: [person.userId, ...users], clientId: client.id, tokensPerGrant: MEMORY_DATA.tokensPerGrant },
    MEMORY_DATA.accessTokens,
    accessTokensFile,
    now,
  );
  stepDone(`${MEMORY_DATA.accessTokens.toLocaleString('en-US')} access tokens`);

  const doorIds = devices.flatMap((d) => d.doorIds);
  return {
    fixture: {
      person,
      client,
      accessToken,
      doorIds,
      historyDoorId,
      historyStartDate: localDate(now - 31 * DAY_MS, person.timeZone),
      toggleBodiesFile: writeToggleBodies(runDir, doorIds),
    },
    accessTokensFile,
    people: others + 1,
    seconds: (performance.now() - started) / 1000,
  };
}
