import { hexId } from '../lib/crypto.ts';
import { DomainError } from '../lib/domain-error.ts';
import type { Db, DbOrTrx } from '../storage/schema.ts';
import { publishVehicleChange } from '../webhooks/publish.ts';
import type { Vehicle } from './users.ts';

export class VehicleInputError extends DomainError {
  constructor(message: string) {
    super('invalid_vehicle', 'invalid_input', message);
  }
}

/** Limits of the free-text fields of a vehicle (a plate is short; the rest are labels). */
export const VEHICLE_LIMITS = { plate: 16, region: 40, make: 40, model: 40, color: 40 } as const;

export type NewVehicle = Omit<Vehicle, 'id'>;

function clean(value: string | null | undefined): string | null {
  const trimmed = value?.trim().replace(/\s+/g, ' ') ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Adds a vehicle to a person's profile (spec §5.1 `vehicles`). Returns its id. */
export async function addVehicle(
  db: DbOrTrx,
  userId: string,
  input: NewVehicle,
  now: number,
): Promise<string> {
  const vehicle = {
    plate: clean(input.plate),
    region: clean(input.region),
    make: clean(input.make),
    model: clean(input.model),
    color: clean(input.color),
  };
  if (vehicle.plate === null) throw new VehicleInputError('The licence plate is required.');
  for (const [field, limit] of Object.entries(VEHICLE_LIMITS)) {
    const value = vehicle[field as keyof typeof vehicle];
    if (value !== null && value.length > limit) {
      throw new VehicleInputError(
        `The ${field === 'plate' ? 'licence plate' : field} is at most ${limit} characters.`,
      );
    }
  }
  const id = hexId();
  const plate = vehicle.plate;
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('vehicles')
      .values({ id, user_id: userId, ...vehicle, plate, created_at: now })
      .execute();
    await publishVehicleChange(trx, {
      userId,
      vehicle: { id, ...vehicle, plate },
      added: true,
      occurredAt: now,
    });
  });
  return id;
}

function inTransaction<T>(db: DbOrTrx, work: (trx: DbOrTrx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : (db as Db).transaction().execute(work);
}

/** Removes one of this person's vehicles. False when they have no vehicle with this id. */
export async function removeVehicle(
  db: DbOrTrx,
  userId: string,
  vehicleId: string,
  now: number,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const removed = await trx
      .deleteFrom('vehicles')
      .where('id', '=', vehicleId)
      .where('user_id', '=', userId)
      .returning(['id', 'plate', 'region', 'make', 'model', 'color'])
      .executeTakeFirst();
    if (!removed) return false;
    await publishVehicleChange(trx, { userId, vehicle: removed, added: false, occurredAt: now });
    return true;
  });
}
