import type { SecretBox } from '../lib/crypto.ts';
import { DomainError } from '../lib/domain-error.ts';
import type { DbOrTrx } from '../storage/schema.ts';

/** Spec §5.2: a person's settings. The keypad PIN is kept encrypted and shown only to them. */
export interface UserSettings {
  doorOpenAlertEnabled: boolean;
  doorOpenAlertTone: string;
  timeZone: string;
  pinCode: string | null;
}

export async function getSettings(db: DbOrTrx, userId: string, pinBox: SecretBox): Promise<UserSettings> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('user_settings as s', 's.user_id', 'u.id')
    .select(['u.time_zone', 's.door_open_alert_enabled', 's.door_open_alert_tone', 's.pin_code_sealed'])
    .where('u.id', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    doorOpenAlertEnabled: (row.door_open_alert_enabled ?? 1) === 1,
    doorOpenAlertTone: row.door_open_alert_tone ?? 'door_open',
    timeZone: row.time_zone,
    pinCode: row.pin_code_sealed ? pinBox.open(row.pin_code_sealed) : null,
  };
}

/** A setting refused: `invalid_time_zone` or `invalid_pin`. */
export class SettingsInputError extends DomainError {
  constructor(code: 'invalid_time_zone' | 'invalid_pin', message: string) {
    super(code, 'invalid_input', message);
  }
}

/** Changes some settings; the others stay. */
export async function updateSettings(
  db: DbOrTrx,
  userId: string,
  change: Partial<UserSettings>,
  pinBox: SecretBox,
  isTimeZone: (name: string) => boolean,
): Promise<void> {
  if (change.timeZone !== undefined) {
    if (!isTimeZone(change.timeZone))
      throw new SettingsInputError('invalid_time_zone', `"${change.timeZone}" is not an IANA time zone`);
    await db.updateTable('users').set({ time_zone: change.timeZone }).where('id', '=', userId).execute();
  }
  if (change.pinCode !== undefined && change.pinCode !== null && !/^\d{4,8}$/.test(change.pinCode)) {
    throw new SettingsInputError('invalid_pin', 'the PIN is 4 to 8 digits');
  }
  const values = {
    ...(change.doorOpenAlertEnabled !== undefined
      ? { door_open_alert_enabled: change.doorOpenAlertEnabled ? 1 : 0 }
      : {}),
    ...(change.doorOpenAlertTone !== undefined ? { door_open_alert_tone: change.doorOpenAlertTone } : {}),
    ...(change.pinCode !== undefined
      ? { pin_code_sealed: change.pinCode === null ? null : pinBox.seal(change.pinCode) }
      : {}),
  };
  if (Object.keys(values).length === 0) return;
  await db
    .insertInto('user_settings')
    .values({ user_id: userId, pin_code_sealed: null, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
}
