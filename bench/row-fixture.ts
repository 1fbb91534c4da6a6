/**
 * The data of the rows, seeded before the server starts: the bench person (Admin of an account with
 * 10 controllers × 5 doors), a confidential application and an access token, 100,000 history events
 * on one door, and as many single-use refresh tokens and codes as the run can use up.
 */
import { join } from 'node:path';
import { localDate } from '../src/lib/time.ts';
import { migrate, openDatabase } from '../src/storage/database.ts';
import { analyzeAfterBulkLoad, prepareBulkLoad } from './bulk-insert.ts';
import type { FreshDatabase } from './fresh-database.ts';
import type { RowFixture, RowId } from './rows.ts';
import {
  seedAccessToken,
  seedClient,
  seedCodes,
  seedDoors,
  seedHistory,
  seedPerson,
  seedRefreshTokens,
  writeToggleBodies,
} from './seed.ts';

export const HISTORY_EVENTS = 100_000;

export interface Seeded {
  seconds: number;
  refreshTokens: number;
  codes: number;
  historyEvents: number;
  doors: number;
  controllers: number;
}

export async function seedRowFixture(
  database: FreshDatabase,
  runDir: string,
  rows: readonly RowId[],
  singleUse: number,
): Promise<{ fixture: RowFixture; seeded: Seeded }> {
  const started = performance.now();
  const wants = (id: RowId) => rows.includes(id);
  // SQLite: this process's one connection, closed before the server opens the file.
  const open = openDatabase(database.url, { poolSize: 2 });
  try {
    await migrate(open.db, open.dialect);
    await prepareBulkLoad(open.db, open.dialect);
    const now = Date.now();
    const person = await seedPerson(open.db, now);
    const client = await seedClient(open.db, now);
    const accessToken = await seedAccessToken(open.db, person, client, now);
    const devices = await seedDoors(open.db, person, 10, 5, now);
    const historyDevice = devices[0]!;
    const historyDoorId = historyDevice.doorIds[0]!;
    const historyEvents = wants('history') ? HISTORY_EVENTS : 0;
    await seedHistory(
      open.db,
      {
        accountId: person.accountId,
        deviceId: historyDevice.deviceId,
        doorId: historyDoorId,
        userId: person.userId,
        clientId: client.id,
      },
      historyEvents,
      now,
    );
    const refreshTokens = wants('refresh') ? singleUse : 0;
    const refresh = wants('refresh')
      ? await seedRefreshTokens(
          open.db,
          person,
          client,
          refreshTokens,
          join(runDir, 'refresh-tokens.txt'),
          now,
        )
      : undefined;
    const codeCount = wants('code') ? singleUse : 0;
    const codes = wants('code')
      ? await seedCodes(open.db, person, client, codeCount, join(runDir, 'codes.txt'), Date.now())
      : undefined;
    await analyzeAfterBulkLoad(open.db, open.dialect);
    const doorIds = devices.flatMap((d) => d.doorIds);
    const fixture: RowFixture = {
      person,
      client,
      accessToken,
      doorIds,
      historyDoorId,
      // The events span 30 days back; a day more for the time zone.
      historyStartDate: localDate(now - 31 * 86_400_000, person.timeZone),
      ...(refresh ? { refresh } : {}),
      ...(codes ? { codes } : {}),
      toggleBodiesFile: writeToggleBodies(
        runDir,
        doorIds.filter((id) => id !== historyDoorId),
      ),
    };
    return {
      fixture,
      seeded: {
        seconds: (performance.now() - started) / 1000,
        refreshTokens,
        codes: codeCount,
        historyEvents,
        doors: doorIds.length,
        controllers: devices.length,
      },
    };
  } finally {
    await open.close();
  }
}
