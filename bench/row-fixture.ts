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
import { CITY_LISTINGS, seedCity, writeBookingBodies, writeSearchQueries } from './marketplace-seed.ts';
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
  /** The Marketplace rows' city (0 without them) and the quotes seeded for `book`. */
  listings: number;
  quotes: number;
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
    const marketplace = wants('search') || wants('book');
    const city = marketplace ? await seedCity(open.db, now) : undefined;
    const bookingsToken = marketplace
      ? await seedAccessToken(open.db, person, client, now, ['BOOKINGS'])
      : undefined;
    const search = wants('search') ? writeSearchQueries(runDir, now) : undefined;
    // A booking is a write of a dozen statements and a charge: it cannot reach a quarter of the
    // bare server's rate (refresh, seven statements, reaches 0.03). Running out would be reported.
    const quotes = wants('book') ? Math.ceil(singleUse / 4) : 0;
    const book =
      city && wants('book')
        ? await writeBookingBodies(open.db, database.url, city, person, quotes, runDir, Date.now())
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
      ...(bookingsToken ? { bookingsToken } : {}),
      ...(search ? { search } : {}),
      ...(book ? { book } : {}),
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
        listings: city ? CITY_LISTINGS : 0,
        quotes,
      },
    };
  } finally {
    await open.close();
  }
}
