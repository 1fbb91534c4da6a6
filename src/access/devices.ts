import { randomBytes } from 'node:crypto';
import { hexId } from '../lib/crypto.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { DeviceInputError } from './errors.ts';

export interface NewDevice {
  accountId: string;
  /** 1–100 doors (ParqEx docs, Entities: number_of_entities_controlled). */
  doorCount: number;
  /** 16 hex characters; generated when absent. */
  blackboxCode?: string;
  doorNames?: string[];
  isOnline?: boolean;
}

/** Registers a (simulated) controller with its doors, numbered from 1. */
export async function createDevice(
  db: DbOrTrx,
  input: NewDevice,
  now: number,
): Promise<{ deviceId: string; doorIds: string[] }> {
  if (!Number.isInteger(input.doorCount) || input.doorCount < 1 || input.doorCount > 100) {
    throw new DeviceInputError('a controller has 1 to 100 doors');
  }
  const code = (input.blackboxCode ?? randomBytes(8).toString('hex')).toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(code))
    throw new DeviceInputError('the blackbox code is 16 hexadecimal characters');
  const account = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', input.accountId)
    .executeTakeFirst();
  if (!account) throw new DeviceInputError(`account ${input.accountId} does not exist`);
  const taken = await db
    .selectFrom('devices')
    .select('id')
    .where('blackbox_code', '=', code)
    .executeTakeFirst();
  if (taken) throw new DeviceInputError(`a controller with blackbox code ${code} is already registered`);
  const deviceId = hexId();
  try {
    await db
      .insertInto('devices')
      .values({
        id: deviceId,
        account_id: input.accountId,
        blackbox_code: code,
        is_online: input.isOnline === false ? 0 : 1,
        last_contact: now,
        created_at: now,
      })
      .execute();
  } catch (error) {
    // Two registrations racing with one code: the unique constraint decides, the loser hears why.
    if (isUniqueViolation(error)) {
      throw new DeviceInputError(`a controller with blackbox code ${code} is already registered`);
    }
    throw error;
  }
  const doorIds: string[] = [];
  for (let n = 1; n <= input.doorCount; n++) {
    const id = hexId();
    doorIds.push(id);
    await db
      .insertInto('doors')
      .values({
        id,
        device_id: deviceId,
        entity_number: n,
        name: input.doorNames?.[n - 1] ?? `Door ${n}`,
        created_at: now,
      })
      .execute();
  }
  return { deviceId, doorIds };
}

/** PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE (2067). */
function isUniqueViolation(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === '23505' || errcode === 2067;
}
