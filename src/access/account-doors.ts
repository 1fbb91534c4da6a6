import type { DbOrTrx } from '../storage/schema.ts';
import type { Actor } from './actor.ts';
import { DoorNotInAccount, NotAccountAdmin } from './errors.ts';

/** Only the account's Admin shares its doors (spec §1, §5.6); throws `NotAccountAdmin` otherwise. */
export function requireAccountAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new NotAccountAdmin();
}

/** The doors asked for, in the order asked, each one of the account's; else `DoorNotInAccount`. */
export async function accountDoors(
  db: DbOrTrx,
  accountId: string,
  doorIds: readonly string[],
): Promise<{ id: string; name: string }[]> {
  const wanted = [...new Set(doorIds)];
  const rows = await db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select(['d.id', 'd.name'])
    .where('v.account_id', '=', accountId)
    .where('d.id', 'in', wanted)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return wanted.map((id) => {
    const door = byId.get(id);
    if (!door) throw new DoorNotInAccount(id);
    return door;
  });
}
