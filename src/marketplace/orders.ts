import { money } from '../lib/money.ts';
import type { DbOrTrx } from '../storage/schema.ts';
import { OrderNotFound } from './errors.ts';
import { encodeCursor, readPage } from './paging.ts';
import type { Actor, Order, Page, PageRequest } from './records.ts';

/**
 * Orders (products.md §1 "Lists"): what a booking costs (its lines, one set per period) and what
 * moved (charges and refunds). Only the renter sees them here; a pending order (being charged) is
 * never shown.
 */

type OrderRow = {
  id: string;
  booking_id: string;
  user_id: string;
  currency: string;
  status: 'pending' | 'paid' | 'refunded';
  created_at: number;
};

async function withDetails(db: DbOrTrx, rows: readonly OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const lines = await db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', 'in', ids)
    .orderBy('period_starts_at')
    .orderBy('kind')
    .execute();
  const payments = await db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', 'in', ids)
    .orderBy('created_at')
    // A charge before a refund of the same millisecond ('charge' < 'refund').
    .orderBy('kind')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const own = lines.filter((l) => l.order_id === row.id);
    return {
      id: row.id,
      bookingId: row.booking_id,
      userId: row.user_id,
      status: row.status === 'refunded' ? 'refunded' : 'paid',
      total: money(
        own.reduce((sum, l) => sum + Number(l.amount), 0),
        row.currency,
      ),
      lines: own.map((l) => ({
        kind: l.kind,
        label: l.label,
        amount: money(Number(l.amount), row.currency),
        periodStartsAt: Number(l.period_starts_at),
        periodEndsAt: Number(l.period_ends_at),
      })),
      payments: payments
        .filter((p) => p.order_id === row.id)
        .map((p) => ({
          id: p.id,
          kind: p.kind,
          amount: money(Number(p.amount), row.currency),
          processor: p.processor,
          createdAt: Number(p.created_at),
        })),
      createdAt: Number(row.created_at),
    };
  });
}

function ordersQuery(db: DbOrTrx, userId: string) {
  return db
    .selectFrom('orders')
    .select(['id', 'booking_id', 'user_id', 'currency', 'status', 'created_at'])
    .where('user_id', '=', userId)
    .where('status', '!=', 'pending');
}

/** The actor's orders, newest first, with lines, payments and refunds (keyset on created_at, id). */
export async function listMyOrders(db: DbOrTrx, actor: Actor, page: PageRequest): Promise<Page<Order>> {
  const { limit, after } = readPage(page);
  let query = ordersQuery(db, actor.userId);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', after.key),
        eb.and([eb('created_at', '=', after.key), eb('id', '<', after.id)]),
      ]),
    );
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = await withDetails(db, rows.slice(0, limit));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor(Number(last.created_at), last.id) : null };
}

/** One of the actor's orders; another person's → 404 `order_not_found`. */
export async function getOrder(db: DbOrTrx, actor: Actor, orderId: string): Promise<Order> {
  const row = /^[0-9a-f]{32}$/i.test(String(orderId))
    ? await ordersQuery(db, actor.userId).where('id', '=', orderId.toLowerCase()).executeTakeFirst()
    : undefined;
  if (!row) throw new OrderNotFound();
  return (await withDetails(db, [row]))[0]!;
}
