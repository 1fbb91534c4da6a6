import { Type } from 'typebox';
import { type EarningsPeriod, earnings } from '../../../marketplace/earnings.ts';
import { says } from '../api-validation.ts';
import { defineRoute } from '../define-route.ts';
import { envelope } from '../envelope.ts';
import { json } from '../response-docs.ts';
import { apiError, TIMESTAMP } from '../wire-examples.ts';
import { ApiErrors, envelope as envelopeSchema, OneOf } from '../wire-schemas.ts';
import { OWNER, OWNER_ROLE, ownerFailures } from './owner-routes-common.ts';
import { EARNINGS_EXAMPLE, EarningsWire, earningsWire } from './wire-owner.ts';

// products.md §1, owners: `GET …/earnings` (the rules: src/marketplace/earnings.ts).

const DATE = (name: string, description: string) =>
  Type.Optional(
    Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description,
      ...says({ default: `${name} must be a date written YYYY-MM-DD` }),
    }),
  );

export const earningsRoute = defineRoute({
  ...OWNER,
  name: 'earnings',
  printedPath: '/oauth/v1/endpoints/earnings',
  method: 'GET',
  operationId: 'getEarnings',
  summary: 'Earnings',
  description: `What the account’s listings earned, by UTC \`day\` or \`month\` (default), a row per period and currency, and totals. \`gross\`: the parking lines of paid bookings (the owner’s), counted in the period their booking (or paid month) starts; \`platform_fee\`: the service-fee lines renters paid the platform on top (shown, not deducted); \`refunds\`: the owner’s share (the parking part) of money given back, counted when it was refunded; \`net\` = \`gross\` − \`refunds\`. \`from\` (inclusive) and \`to\` (exclusive) are UTC dates; by default the last 30 days by day, the last 12 months by month; at most 366 days by day, 10 years by month. ${OWNER_ROLE}`,
  querystring: Type.Object({
    period: Type.Optional(
      OneOf(['day', 'month'], {
        description: 'Default `month`.',
        ...says({ default: 'period must be day or month' }),
      }),
    ),
    from: DATE('from', 'First UTC day counted, `YYYY-MM-DD`.'),
    to: DATE('to', 'UTC day where counting stops (exclusive), `YYYY-MM-DD`.'),
  }),
  response: {
    200: json('The earnings.', envelopeSchema(EarningsWire), {
      months: {
        summary: 'Two months',
        value: { success: true, timestamp: TIMESTAMP, data: EARNINGS_EXAMPLE },
      },
    }),
    ...ownerFailures(),
    400: json('A date, range or period that cannot be answered.', ApiErrors, {
      range: { summary: 'Reversed range', value: apiError('invalid_request', 'from must be before to') },
    }),
  },
  handler: async ({ ctx, auth, request, reply }) => {
    const query = request.query as { period?: EarningsPeriod; from?: string; to?: string };
    const now = ctx.clock.now();
    const report = await earnings(ctx.db, auth, query, now);
    return reply.header('cache-control', 'no-store').send(envelope(earningsWire(report), now));
  },
});
