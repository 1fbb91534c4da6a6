import { formatLocal, localDate } from '../lib/time.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { InvalidGuestPolicy, PolicyAdminOnly, PolicyLimit } from './errors.ts';

/**
 * The account's guest policy (products.md §2), set by its Admin: most passes active at once per host,
 * longest pass, most days per guest plate in any 30 days. `null` is no limit (and an account that
 * never set a policy has none). A pass the policy refuses is `422 policy_limit` naming the rule and
 * the numbers; a limit reached exactly is allowed, one over is refused.
 *
 * How each rule is measured (decisions):
 * - `max_active_passes_per_host`: the most of the host's passes in force at one instant of the new
 *   pass's window from now on (the new one included); revoked passes count until their revocation.
 *   A host may schedule a pass a day for a year with a limit of 1; two overlapping passes are two.
 * - `max_pass_hours`: real elapsed time of `[starts, ends)` (a window across a DST change lasts what
 *   the clock says), compared in milliseconds against the limit × 3 600 000.
 * - `max_days_per_plate_30d`: the account's passes with the same plate (matched as LPR matches:
 *   `O`/`0`, `I`/`1`, spaces and dashes alike) occupy the local calendar days their window touches
 *   (a revoked pass up to its revocation), the days read in the new pass's zone (its first door's
 *   property's, else the host's). For every run of 30 consecutive calendar days that holds a day of
 *   the new pass, the distinct days occupied must not exceed the limit. Calendar days, not 24-hour
 *   periods: a DST change makes a day 23 or 25 hours long and changes nothing here.
 */

export interface GuestPolicy {
  maxActivePassesPerHost: number | null;
  maxPassHours: number | null;
  maxDaysPerPlate30d: number | null;
}

export const NO_POLICY: GuestPolicy = {
  maxActivePassesPerHost: null,
  maxPassHours: null,
  maxDaysPerPlate30d: null,
};

/** The largest value each limit takes (a plate cannot be here more than 30 days in 30). */
export const POLICY_MAXIMA = {
  maxActivePassesPerHost: 10_000,
  maxPassHours: 24 * 366 * 5,
  maxDaysPerPlate30d: 30,
} as const;

interface Caller {
  userId: string;
  accountId: string;
  role: 'admin' | 'user';
}

/** The account's policy (no row: no limits). */
export async function readPolicy(db: DbOrTrx, accountId: string): Promise<GuestPolicy> {
  const row = await db
    .selectFrom('guest_policies')
    .select(['max_active_passes_per_host', 'max_pass_hours', 'max_days_per_plate_30d'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!row) return NO_POLICY;
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    maxActivePassesPerHost: n(row.max_active_passes_per_host),
    maxPassHours: n(row.max_pass_hours),
    maxDaysPerPlate30d: n(row.max_days_per_plate_30d),
  };
}

/** `GET guest-policy`: any member of the account may read it (a host learns the limits they meet). */
export async function getPolicy(db: DbOrTrx, caller: Caller): Promise<GuestPolicy> {
  return readPolicy(db, caller.accountId);
}

/**
 * `PUT guest-policy`: the Admin replaces the account's policy (a limit left out is null: no limit).
 * Each limit is null or a whole number from 1 to its maximum (`POLICY_MAXIMA`). Existing passes are
 * not touched: the policy applies to passes made or changed from now on.
 */
export async function putPolicy(
  db: DbOrTrx,
  caller: Caller,
  policy: Partial<GuestPolicy>,
  now: number,
): Promise<GuestPolicy> {
  if (caller.role !== 'admin') throw new PolicyAdminOnly();
  const checked: GuestPolicy = {
    maxActivePassesPerHost: limit(
      policy.maxActivePassesPerHost,
      'max_active_passes_per_host',
      POLICY_MAXIMA.maxActivePassesPerHost,
    ),
    maxPassHours: limit(policy.maxPassHours, 'max_pass_hours', POLICY_MAXIMA.maxPassHours),
    maxDaysPerPlate30d: limit(
      policy.maxDaysPerPlate30d,
      'max_days_per_plate_30d',
      POLICY_MAXIMA.maxDaysPerPlate30d,
    ),
  };
  const values = {
    max_active_passes_per_host: checked.maxActivePassesPerHost,
    max_pass_hours: checked.maxPassHours,
    max_days_per_plate_30d: checked.maxDaysPerPlate30d,
    updated_at: now,
    updated_by: caller.userId,
  };
  await db
    .insertInto('guest_policies')
    .values({ account_id: caller.accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
  return checked;
}

function limit(value: unknown, name: string, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidGuestPolicy(`${name} must be null (no limit) or a whole number from 1 to ${max}`);
  }
  return value;
}

/** The pass the policy is asked about (a new one, or one whose window changes: `passId`). */
export interface PolicyCandidate {
  accountId: string;
  hostUserId: string;
  /** Set when an existing pass changes: it is not counted twice. */
  passId?: string;
  startsAt: number;
  endsAt: number;
  /** The plate's match form, or null. */
  plateMatch: string | null;
  /** The plate as typed, for the message. */
  plate: string | null;
  /** The zone whose calendar days the plate rule counts. */
  timeZone: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Throws `PolicyLimit` when the account's policy refuses the candidate; the caller runs it in the
 * transaction that writes the pass, after taking the account's lock (two passes checked at once
 * must not both fit the last place).
 */
export async function checkPolicy(
  trx: DbOrTrx,
  policy: GuestPolicy,
  candidate: PolicyCandidate,
  now: number,
): Promise<void> {
  const { maxPassHours, maxActivePassesPerHost, maxDaysPerPlate30d } = policy;
  if (maxPassHours !== null) {
    const lasts = candidate.endsAt - candidate.startsAt;
    if (lasts > maxPassHours * HOUR_MS) {
      const hours = Math.ceil((lasts / HOUR_MS) * 100) / 100;
      throw new PolicyLimit(
        'max_pass_hours',
        maxPassHours,
        hours,
        `the pass would last ${hours} hours; the account allows at most ${maxPassHours}`,
      );
    }
  }
  if (maxActivePassesPerHost !== null) {
    const most = await mostAtOnce(trx, candidate, now);
    if (most.count > maxActivePassesPerHost) {
      throw new PolicyLimit(
        'max_active_passes_per_host',
        maxActivePassesPerHost,
        most.count,
        `the host would have ${most.count} passes active at once (at ${formatLocal(most.at, candidate.timeZone)}); the account allows at most ${maxActivePassesPerHost}`,
      );
    }
  }
  if (maxDaysPerPlate30d !== null && candidate.plateMatch !== null) {
    const most = await mostPlateDays(trx, candidate);
    if (most.days > maxDaysPerPlate30d) {
      throw new PolicyLimit(
        'max_days_per_plate_30d',
        maxDaysPerPlate30d,
        most.days,
        `plate ${candidate.plate} would be a guest on ${most.days} days between ${most.from} and ${most.to}; the account allows at most ${maxDaysPerPlate30d} days in any 30`,
      );
    }
  }
}

/** Where a pass is in force: `[starts, ends)`, cut at its revocation. */
function effectiveEnd(row: { ends_at: number; revoked_at: number | null }): number {
  const ends = Number(row.ends_at);
  return row.revoked_at === null ? ends : Math.min(ends, Number(row.revoked_at));
}

async function mostAtOnce(
  trx: DbOrTrx,
  candidate: PolicyCandidate,
  now: number,
): Promise<{ count: number; at: number }> {
  const from = Math.max(candidate.startsAt, now);
  const to = candidate.endsAt;
  if (to <= from) return { count: 0, at: from };
  let query = trx
    .selectFrom('guest_passes')
    .select(['starts_at', 'ends_at', 'revoked_at'])
    .where('host_user_id', '=', candidate.hostUserId)
    .where('account_id', '=', candidate.accountId)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from);
  if (candidate.passId !== undefined) query = query.where('id', '!=', candidate.passId);
  const edges: Array<[number, number]> = [];
  for (const row of await query.execute()) {
    const s = Math.max(Number(row.starts_at), from);
    const e = Math.min(effectiveEnd(row), to);
    if (e > s) edges.push([s, 1], [e, -1]);
  }
  // Half-open windows: at an instant where one ends and another starts, the end counts first.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 1;
  let best = { count: 1, at: from };
  for (const [at, step] of edges) {
    running += step;
    if (running > best.count) best = { count: running, at };
  }
  return best;
}

/** A calendar date's ordinal (days since 1970-01-01), and back. */
function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}
function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The local calendar days `[start, end)` touches in `timeZone`, as ordinals. */
function daysOf(start: number, end: number, timeZone: string): [number, number] {
  return [dayNumber(localDate(start, timeZone)), dayNumber(localDate(end - 1, timeZone))];
}

async function mostPlateDays(
  trx: DbOrTrx,
  candidate: PolicyCandidate,
): Promise<{ days: number; from: string; to: string }> {
  const zone = candidate.timeZone;
  const [first, last] = daysOf(candidate.startsAt, candidate.endsAt, zone);
  // Windows of 30 days holding a day of the candidate span [first − 29, last + 29]; a margin of a
  // day each side in instants covers any zone's offset.
  let query = trx
    .selectFrom('guest_passes')
    .select(['starts_at', 'ends_at', 'revoked_at'])
    .where('account_id', '=', candidate.accountId)
    .where('plate_match', '=', candidate.plateMatch)
    .where('starts_at', '<', candidate.endsAt + 31 * DAY_MS)
    .where('ends_at', '>', candidate.startsAt - 31 * DAY_MS);
  if (candidate.passId !== undefined) query = query.where('id', '!=', candidate.passId);
  const occupied = new Set<number>();
  const lo = first - 29;
  const hi = last + 29;
  const occupy = (a: number, b: number) => {
    for (let day = Math.max(a, lo); day <= Math.min(b, hi); day++) occupied.add(day);
  };
  occupy(first, last);
  for (const row of await query.execute()) {
    const s = Number(row.starts_at);
    const e = effectiveEnd(row);
    if (e > s) occupy(...daysOf(s, e, zone));
  }
  let best = { days: 0, from: dayName(first), to: dayName(first + 29) };
  for (let start = first - 29; start <= last; start++) {
    let days = 0;
    for (let day = start; day < start + 30; day++) if (occupied.has(day)) days++;
    if (days > best.days) best = { days, from: dayName(start), to: dayName(start + 29) };
  }
  return best;
}
