import type { Db } from '../storage/schema.ts';

export type CooldownClaim = { claimed: true; until: number } | { claimed: false; retryAfterS: number };

/**
 * The per-door cooldown (spec §5.4: at most one toggle of a door per `PARQEX_TOGGLE_COOLDOWN_S`).
 * Of many simultaneous claims of one door exactly one wins.
 */
export interface DoorCooldowns {
  /** Claims the door for the cooldown from `now`; the losers learn how long to wait (1 … cooldown s). */
  claim(doorId: string, now: number): Promise<CooldownClaim>;
  /** Gives the claim back: the command never reached the door, so it does not hold the cooldown. */
  release(doorId: string, until: number): Promise<void>;
}

/** Retry-After for a loser: never 0, never more than the cooldown (a request that started just before
 * the winner's sees a little more than the cooldown left). */
export function retryAfterS(msLeft: number, cooldownS: number): number {
  return Math.min(cooldownS, Math.max(1, Math.ceil(msLeft / 1000)));
}

/** The cooldown in the door's row, claimed by a conditional UPDATE checked by row count. */
export class SqlDoorCooldowns implements DoorCooldowns {
  readonly #db: Db;
  readonly #cooldownS: number;
  constructor(db: Db, cooldownS: number) {
    this.#db = db;
    this.#cooldownS = cooldownS;
  }

  async claim(doorId: string, now: number): Promise<CooldownClaim> {
    const until = now + this.#cooldownS * 1000;
    const claim = await this.#db
      .updateTable('doors')
      .set({ cooldown_until: until })
      .where('id', '=', doorId)
      .where((eb) => eb.or([eb('cooldown_until', 'is', null), eb('cooldown_until', '<=', now)]))
      .executeTakeFirst();
    if (claim.numUpdatedRows === 1n) return { claimed: true, until };
    const current = await this.#db
      .selectFrom('doors')
      .select('cooldown_until')
      .where('id', '=', doorId)
      .executeTakeFirst();
    return {
      claimed: false,
      retryAfterS: retryAfterS((current?.cooldown_until ?? until) - now, this.#cooldownS),
    };
  }

  async release(doorId: string, until: number): Promise<void> {
    await this.#db
      .updateTable('doors')
      .set({ cooldown_until: null })
      .where('id', '=', doorId)
      .where('cooldown_until', '=', until)
      .execute();
  }
}
