import type { TestApp } from '../helpers/test-app.ts';

/** Door ids of the testing accounts (running.md), read from the database by name and controller. */
export async function testingDoors(app: TestApp) {
  const rows = await app.ctx.db
    .selectFrom('doors as d')
    .innerJoin('devices as v', 'v.id', 'd.device_id')
    .select(['d.id', 'd.name', 'd.entity_number', 'v.id as device_id', 'v.blackbox_code'])
    .execute();
  const door = (code: string, n: number) => {
    const row = rows.find((r) => r.blackbox_code === code && r.entity_number === n);
    if (!row) throw new Error(`no door ${n} on ${code}`);
    return row;
  };
  return {
    mainGate: door('20000c2a6908848d', 1),
    garage: door('30000c2a691dd625', 1),
    lobby: door('30000c2a691dd625', 2),
    elevator: door('30000c2a691dd625', 3),
    backGate: door('40000c2a69aa0001', 1),
  };
}

/** The access history of one door, oldest first, as stored. */
export function historyOf(app: TestApp, doorId: string) {
  return app.ctx.db
    .selectFrom('access_events')
    .selectAll()
    .where('door_id', '=', doorId)
    .orderBy('occurred_at')
    .orderBy('outcome')
    .execute();
}

/** A dashed, upper-case UUID spelling of a 32-hex id (spec §4: both forms are accepted). */
export function dashed(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toUpperCase();
}
