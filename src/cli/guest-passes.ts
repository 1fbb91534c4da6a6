import { parseArgs } from 'node:util';
import { normalizeHexId } from '../access/ids.ts';
import type { GuestPass, GuestPassStatus } from '../guests/passes.ts';
import { listPasses, revokePass } from '../guests/passes.ts';
import { formatLocal } from '../lib/time.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

export const GUEST_PASSES_HELP = `parqex guest-passes — an account's guest passes (GuestParq & GuestAccess)

  parqex guest-passes list --account ACCOUNT_ID [--status scheduled|active|expired|revoked] [--limit N]
      The account's passes, newest first: id, status, guest, window (in the pass's zone), doors, host.
  parqex guest-passes revoke PASS_ID --account ACCOUNT_ID
      Revokes a pass at once, as the account's Admin would: its link opens nothing more. Revoking a
      revoked pass says so and changes nothing; an expired pass cannot be revoked.

Both act as the account's Admin. Takes --json (one JSON document on stdout) and --help.`;

const STATUSES: readonly GuestPassStatus[] = ['scheduled', 'active', 'expired', 'revoked'];

/** Account ids are dashed UUIDs; accept them without dashes and in any case. */
function accountIdOf(raw: string): string {
  const hex = normalizeHexId(raw);
  if (hex === undefined) throw new UsageError(`--account must be an account id, got ${JSON.stringify(raw)}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function jsonOf(pass: GuestPass) {
  return {
    id: pass.id,
    status: pass.status,
    host_user_id: pass.host.userId,
    guest: { first_name: pass.guest.firstName, last_name: pass.guest.lastName },
    plate: pass.plate,
    door_ids: pass.doorIds,
    starts_at_local: formatLocal(pass.startsAt, pass.timeZone),
    ends_at_local: formatLocal(pass.endsAt, pass.timeZone),
    time_zone: pass.timeZone,
    code: pass.code,
  };
}

export async function guestPassesCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${GUEST_PASSES_HELP}\n`);
    return;
  }
  if (sub !== 'list' && sub !== 'revoke')
    throw new UsageError(`unknown command: guest-passes ${sub} (see parqex guest-passes --help)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: sub === 'revoke',
    options: {
      account: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${GUEST_PASSES_HELP}\n`);
    return;
  }
  if (!values.account) throw new UsageError(`guest-passes ${sub} needs --account ACCOUNT_ID`);
  const accountId = accountIdOf(values.account);
  const status = values.status as GuestPassStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status))
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  const limit = values.limit === undefined ? 200 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new UsageError('--limit must be a whole number from 1 to 200');
  let passId: string | undefined;
  if (sub === 'revoke') {
    if (positionals.length !== 1) throw new UsageError('guest-passes revoke takes one PASS_ID');
    passId = normalizeHexId(positionals[0]);
    if (!passId) throw new UsageError(`not a guest pass id: ${JSON.stringify(positionals[0])}`);
  }
  const { ctx, close } = await openContext();
  try {
    const admin = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('role', '=', 'admin')
      .executeTakeFirst();
    if (!admin) throw new UsageError(`no account ${accountId}`);
    const actor = { userId: admin.id, accountId, role: 'admin' as const };
    const now = ctx.clock.now();
    if (sub === 'list') {
      const page = await listPasses(ctx.db, actor, { limit, ...(status ? { status } : {}) }, now);
      print(json(values), page.items.map(jsonOf), () =>
        page.items.length === 0
          ? 'No guest pass.'
          : table(
              ['ID', 'STATUS', 'GUEST', 'FROM', 'TO', 'ZONE', 'DOORS', 'CODE'],
              page.items.map((p) => [
                p.id,
                p.status,
                `${p.guest.firstName} ${p.guest.lastName}`,
                formatLocal(p.startsAt, p.timeZone).slice(0, 16),
                formatLocal(p.endsAt, p.timeZone).slice(0, 16),
                p.timeZone,
                String(p.doorIds.length),
                p.code,
              ]),
            ),
      );
      return;
    }
    const pass = await revokePass(ctx, actor, passId!, now);
    print(
      json(values),
      jsonOf(pass),
      () => `revoked: ${pass.id} (${pass.guest.firstName} ${pass.guest.lastName})`,
    );
  } finally {
    await close();
  }
}

function json(values: { json?: boolean }): boolean {
  return values.json ?? false;
}
