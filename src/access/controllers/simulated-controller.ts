import type { Db } from '../../storage/schema.ts';
import { AT_REST, reportSensorChange } from '../door-sensor.ts';
import type { CommandOutcome, ControllerDoor, ControllerPort, DoorAction } from './controller-port.ts';

/**
 * The simulated ParqEx Controller: a real part of the product (integrators test against it, the
 * testing accounts use it). It refuses as hardware would — offline, no paired door sensor, action
 * not supported — and otherwise accepts; the door then travels for `travelMs` and its sensor
 * reports the new state. Motion is kept in the database (`moving_to`, `arrives_at`), so it survives
 * a restart and any process may deliver the report, exactly once.
 */
export class SimulatedController implements ControllerPort {
  readonly #db: Db;
  readonly travelMs: number;
  constructor(db: Db, travelMs: number) {
    this.#db = db;
    this.travelMs = travelMs;
  }

  async command(door: ControllerDoor, action: DoorAction, now: number): Promise<CommandOutcome> {
    const row = await this.#db
      .selectFrom('doors as d')
      .innerJoin('devices as v', 'v.id', 'd.device_id')
      .select(['v.is_online', 'v.is_active', 'd.has_sensor', 'd.can_open', 'd.can_close'])
      .where('d.id', '=', door.doorId)
      .executeTakeFirst();
    if (row?.is_online !== 1 || row.is_active !== 1) return { ok: false, reason: 'offline' };
    if (row.has_sensor !== 1) return { ok: false, reason: 'no_sensor' };
    if ((action === 'open' ? row.can_open : row.can_close) !== 1) return { ok: false, reason: 'unsupported' };
    return { ok: true, reportAt: now + this.travelMs };
  }

  /**
   * The door sensors' reports: every door whose travel has ended takes its new state, and the
   * change is written to the access history with it, in one transaction. Returns the doors moved.
   */
  async deliverArrivals(now: number): Promise<string[]> {
    const due = await this.#db
      .selectFrom('doors as d')
      .innerJoin('devices as v', 'v.id', 'd.device_id')
      .select([
        'd.id',
        'd.device_id',
        'd.entity_number',
        'd.moving_to',
        'd.arrives_at',
        'd.moving_event_id',
        'd.moving_channel',
        'd.moving_user_id',
        'v.account_id',
      ])
      .where('d.arrives_at', 'is not', null)
      .where('d.arrives_at', '<=', now)
      .execute();
    const moved: string[] = [];
    for (const door of due) {
      const arrived = await this.#db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('doors')
          .set({ state: door.moving_to!, ...AT_REST })
          .where('id', '=', door.id)
          .where('arrives_at', '=', door.arrives_at)
          .executeTakeFirst();
        if (result.numUpdatedRows !== 1n) return false;
        await reportSensorChange(trx, {
          door: {
            id: door.id,
            entityNumber: door.entity_number,
            deviceId: door.device_id,
            accountId: door.account_id,
          },
          state: door.moving_to!,
          occurredAt: door.arrives_at!,
          cause:
            door.moving_event_id && door.moving_channel
              ? { eventId: door.moving_event_id, channel: door.moving_channel, userId: door.moving_user_id }
              : null,
        });
        return true;
      });
      if (arrived) moved.push(door.id);
    }
    return moved;
  }

  /** Online simulated controllers talk to ParqEx continuously: their last contact is now. */
  async heartbeat(now: number): Promise<void> {
    await this.#db
      .updateTable('devices')
      .set({ last_contact: now })
      .where('is_simulated', '=', 1)
      .where('is_online', '=', 1)
      .execute();
  }
}
