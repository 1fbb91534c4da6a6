import type { DbOrTrx } from '../storage/schema.ts';

export interface DeviceFacts {
  /** Every door of the device, seen or not: number_of_entities_controlled. */
  doorCount: number;
  ownerFirstName: string;
  ownerLastName: string;
}

/** For each device: how many doors it controls and who owns it (the account's Admin). */
export async function deviceFacts(db: DbOrTrx, deviceIds: string[]): Promise<Map<string, DeviceFacts>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('devices as v')
    .leftJoin('users as u', (j) => j.onRef('u.account_id', '=', 'v.account_id').on('u.role', '=', 'admin'))
    .select((eb) => [
      'v.id',
      'u.first_name',
      'u.last_name',
      eb
        .selectFrom('doors')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('doors.device_id', '=', 'v.id')
        .as('door_count'),
    ])
    .where('v.id', 'in', deviceIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        doorCount: Number(r.door_count ?? 0),
        ownerFirstName: r.first_name ?? '',
        ownerLastName: r.last_name ?? '',
      },
    ]),
  );
}
