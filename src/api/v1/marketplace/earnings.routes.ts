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
  description: `What the account’s listings earned, by \`day\` or \`month\` (default), a row per period and currency, and totals. A period is the property’s local day or month (its \`time_zone\`); when the account’s properties are in several zones, each line goes by its own property’s zone. \`gross\`: the parking lines of paid bookings (the owner’s), counted in the period their booking (or paid month) starts; \`platform_fee\`: the service-fee lines renters paid the platform on top (shown, not deducted), less their part of refunds; \`refunds\`: the owner’s share (the parking part) of money given back, counted in the same period as the lines it gives back — a fully refunded booking nets to 0 in its period; \`net\` = \`gross\` − \`refunds\`. An order’s refunds are split between parking and fee in proportion to its lines (the parking part rounded half up, the fee part the rest, in minor units; within a part, each line’s share rounded down and the remainder on its last line). \`from\` (inclusive) and \`to\` (exclusive) are local dates read the same way; by default the last 30 days by day, the last 12 months by month; at most 366 days by day, 10 years by month. ${OWNER_ROLE}`,
  querystring: Type.Object({
    period: Type.Optional(
      OneOf(['day', 'month'], {
        description: 'Default `month`.',
        ...says({ default: 'period must be day or month' }),
      }),
    ),
    from: DATE('from', 'First local day counted (each property’s zone), `YYYY-MM-DD`.'),
    to: DATE('to', 'Local day where counting stops (exclusive; each property’s zone), `YYYY-MM-DD`.'),
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
