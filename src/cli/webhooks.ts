import { setTimeout as sleep } from 'node:timers/promises';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { DomainError } from '../lib/domain-error.ts';
import {
  countDeliveries,
  type DeliveryAttempt,
  type DeliveryCounts,
  type DeliveryRecord,
  enqueuePing,
  findFirstAttempt,
  listDeliveries,
  resendDelivery,
  resendSince,
} from '../webhooks/delivery-admin.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import type { WebhookEndpoint } from '../webhooks/endpoints.ts';
import { EVENT_FAMILIES } from '../webhooks/payloads.ts';
import { openContext } from './context.ts';
import { print, table, UsageError } from './output.ts';

export const WEBHOOKS_HELP = `parqex webhooks — send an application's events to its receiver (spec §6)

  parqex webhooks create --client CLIENT_ID --url URL [--events ${EVENT_FAMILIES.join(',')}]
      Registers a receiver for one application environment (all event families by default). Prints
      the endpoint id, its API key (sent as X-ParqEx-Api-Key) and its whsec_… signing secret, shown
      once (kept encrypted). The URL must be https:// (development clients may use loopback http).
  parqex webhooks list [--client CLIENT_ID]      every endpoint (or one application's)
  parqex webhooks show ID                        one endpoint: status, failures, delivery counts
  parqex webhooks disable ID [--reason TEXT]     stop sending (pending deliveries wait)
  parqex webhooks enable ID                      send again
  parqex webhooks delete ID                      delete the endpoint for good, with its deliveries and
                                                 their attempts (use disable to keep them)
  parqex webhooks rotate-secret ID               a new signing secret, shown once; used from now on
  parqex webhooks deliveries ID [--limit N]      recent deliveries (newest first, 20 by default)
                                                 with each attempt's time, status code and latency
  parqex webhooks resend DELIVERY_ID             send one delivery again (same id: receivers de-duplicate)
  parqex webhooks resend --endpoint ID --since TIME
                                                 send again every delivery of the endpoint whose event
                                                 happened at or after TIME (ISO 8601, e.g. 2025-01-31T08:00Z)
  parqex webhooks ping ID [--wait]               enqueue a test event {"eventType":"ping",…}; --wait sends
                                                 it from this process and prints the receiver's answer
                                                 (status code and latency, or the error; about 15 s at most)

Every command takes --json (one JSON document on stdout) and --help.`;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean' } } as const;

const OPTIONS = {
  create: { ...COMMON, client: { type: 'string' }, url: { type: 'string' }, events: { type: 'string' } },
  list: { ...COMMON, client: { type: 'string' } },
  show: COMMON,
  disable: { ...COMMON, reason: { type: 'string' } },
  enable: COMMON,
  delete: COMMON,
  'rotate-secret': COMMON,
  deliveries: { ...COMMON, limit: { type: 'string' } },
  resend: { ...COMMON, endpoint: { type: 'string' }, since: { type: 'string' } },
  ping: { ...COMMON, wait: { type: 'boolean' } },
} satisfies Record<string, ParseArgsOptionsConfig>;

type Subcommand = keyof typeof OPTIONS;

/** How long `ping --wait` waits for the first attempt: the dispatcher's 10 s timeout and some. */
const PING_WAIT_MS = 15_000;

/** The receiver did not accept the test event (its answer is printed on stdout first). */
export class WebhookPingFailed extends DomainError {
  constructor(message: string) {
    super('webhook_ping_failed', 'upstream_failed', message);
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function describe(endpoint: WebhookEndpoint) {
  return {
    endpoint_id: endpoint.id,
    client_id: endpoint.clientId,
    url: endpoint.url,
    events: endpoint.families,
    status: endpoint.disabledAt === null ? 'enabled' : 'disabled',
    created_at: iso(endpoint.createdAt),
    disabled_at: iso(endpoint.disabledAt),
    disabled_reason: endpoint.disabledReason,
    failing_since: iso(endpoint.failingSince),
    last_success_at: iso(endpoint.lastSuccessAt),
  };
}

function humanEndpoint(endpoint: WebhookEndpoint, counts?: DeliveryCounts): string {
  const d = describe(endpoint);
  return [
    `endpoint_id:     ${d.endpoint_id}`,
    `client_id:       ${d.client_id}`,
    `url:             ${d.url}`,
    `events:          ${d.events.join(', ')}`,
    `status:          ${d.disabled_at ? `disabled since ${d.disabled_at}: ${d.disabled_reason ?? 'no reason given'}` : 'enabled'}`,
    `failing_since:   ${d.failing_since ?? '-'}`,
    `last_success_at: ${d.last_success_at ?? 'never'}`,
    ...(counts
      ? [
          `deliveries:      ${counts.pending} pending, ${counts.delivered} delivered, ${counts.failed} failed${counts.cancelled ? `, ${counts.cancelled} cancelled` : ''}`,
        ]
      : []),
  ].join('\n');
}

function describeAttempt(a: DeliveryAttempt) {
  return {
    attempted_at: iso(a.attemptedAt),
    status_code: a.statusCode,
    latency_ms: a.latencyMs,
    error: a.error,
  };
}

function describeDelivery(d: DeliveryRecord) {
  return {
    delivery_id: d.id,
    event_type: d.eventType,
    event_at: iso(d.eventAt),
    user_id: d.userId,
    status: d.status,
    attempts: d.attempts.length,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    delivered_at: iso(d.deliveredAt),
    attempt_log: d.attempts.map(describeAttempt),
  };
}

function humanAttempt(a: DeliveryAttempt): string {
  return `${a.statusCode ?? 'no answer'}${a.error ? ` (${a.error})` : ''} in ${a.latencyMs} ms`;
}

function humanDeliveries(deliveries: DeliveryRecord[]): string {
  if (deliveries.length === 0) return 'no deliveries';
  return deliveries
    .map((d) => {
      const v = describeDelivery(d);
      const last = [
        v.last_status_code === null ? '' : `last status ${v.last_status_code}`,
        v.last_error === null ? '' : `last error: ${v.last_error}`,
        v.next_attempt_at === null ? '' : `next attempt ${v.next_attempt_at}`,
      ].filter(Boolean);
      return [
        `${v.delivery_id}  ${v.event_type}  ${v.status}  ${v.attempts} attempt${v.attempts === 1 ? '' : 's'}  event ${v.event_at}`,
        ...(last.length ? [`  ${last.join('; ')}`] : []),
        ...d.attempts.map((a) => `  ${iso(a.attemptedAt)}  ${humanAttempt(a)}`),
      ].join('\n');
    })
    .join('\n');
}

function isSubcommand(sub: string): sub is Subcommand {
  return Object.hasOwn(OPTIONS, sub);
}

function wholeNumber(option: string, raw: string, min: number, max: number): number {
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(
      `${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  return n;
}

/** ISO 8601 with a date (and, when a time is given, a zone: an ambiguous local time is refused). */
function isoTime(option: string, raw: string): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw);
  const ms = dateOnly || withZone ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${option} must be an ISO 8601 time with a zone (2025-01-31T08:00:00Z) or a date, got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}

export async function webhooksCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (!sub || sub === 'help') {
    process.stdout.write(`${WEBHOOKS_HELP}\n`);
    return;
  }
  if (!isSubcommand(sub))
    throw new UsageError(`unknown command: webhooks ${sub} (see parqex webhooks --help)`);
  const { values: parsed, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: OPTIONS[sub],
  });
  const values = parsed as { [K in string]?: string | boolean };
  const str = (name: string) => values[name] as string | undefined;
  if (values.help) {
    process.stdout.write(`${WEBHOOKS_HELP}\n`);
    return;
  }
  const json = values.json === true;

  const takesId = !['create', 'list'].includes(sub) && !(sub === 'resend' && str('endpoint') !== undefined);
  const idName = sub === 'resend' ? 'a delivery id (or --endpoint ID --since TIME)' : 'an endpoint id';
  const id = positionals[0];
  if (takesId && !id) throw new UsageError(`webhooks ${sub} needs ${idName}`);
  const extra = positionals.slice(takesId ? 1 : 0);
  if (extra.length > 0)
    throw new UsageError(
      `webhooks ${sub}: unexpected argument ${JSON.stringify(extra[0])} (see parqex webhooks --help)`,
    );

  let families: string[] | undefined;
  let limit = 20;
  let since: number | undefined;
  if (sub === 'create') {
    if (!str('client')) throw new UsageError('webhooks create needs --client CLIENT_ID');
    if (!str('url')) throw new UsageError('webhooks create needs --url URL');
    const events = str('events');
    if (events !== undefined) families = events.split(',').map((f) => f.trim());
  }
  if (sub === 'deliveries' && str('limit') !== undefined)
    limit = wholeNumber('--limit', str('limit')!, 1, 1000);
  if (sub === 'resend') {
    if (str('endpoint') !== undefined && str('since') === undefined)
      throw new UsageError('webhooks resend --endpoint ID needs --since TIME');
    if (str('since') !== undefined && str('endpoint') === undefined)
      throw new UsageError('webhooks resend --since TIME needs --endpoint ID');
    if (str('since') !== undefined) since = isoTime('--since', str('since')!);
  }

  const { ctx, close } = await openContext();
  try {
    const now = ctx.clock.now();
    switch (sub) {
      case 'create': {
        const { endpoint, apiKey, signingSecret } = await ctx.webhooks.create(
          { clientId: str('client')!, url: str('url')!, families },
          now,
        );
        print(json, { ...describe(endpoint), api_key: apiKey, signing_secret: signingSecret }, () =>
          [
            humanEndpoint(endpoint),
            `api_key:         ${apiKey}`,
            `signing_secret:  ${signingSecret}`,
            '(shown once: store them now; they cannot be displayed again)',
          ].join('\n'),
        );
        break;
      }
      case 'list': {
        const endpoints = await ctx.webhooks.list(str('client'));
        print(json, endpoints.map(describe), () =>
          endpoints.length === 0
            ? 'no webhook endpoints'
            : table(
                ['ENDPOINT_ID', 'STATUS', 'CLIENT_ID', 'URL', 'EVENTS'],
                endpoints.map((e) => [
                  e.id,
                  e.disabledAt === null ? 'enabled' : 'disabled',
                  e.clientId,
                  e.url,
                  e.families.join(','),
                ]),
              ),
        );
        break;
      }
      case 'show': {
        const endpoint = await ctx.webhooks.get(id!);
        const counts = await countDeliveries(ctx.db, endpoint.id);
        print(json, { ...describe(endpoint), deliveries: counts }, () => humanEndpoint(endpoint, counts));
        break;
      }
      case 'disable': {
        const endpoint = await ctx.webhooks.disable(id!, str('reason') ?? 'disabled by staff', now);
        print(json, describe(endpoint), () => `disabled ${endpoint.id}: ${endpoint.disabledReason}`);
        break;
      }
      case 'enable': {
        const endpoint = await ctx.webhooks.enable(id!);
        print(json, describe(endpoint), () => `enabled ${endpoint.id}`);
        break;
      }
      case 'delete': {
        const { endpoint, deliveries } = await ctx.webhooks.delete(id!, now);
        print(
          json,
          {
            endpoint_id: endpoint.id,
            client_id: endpoint.clientId,
            deleted: true,
            deliveries_deleted: deliveries,
          },
          () =>
            `deleted ${endpoint.id} (${endpoint.url}) with its ${deliveries} deliver${deliveries === 1 ? 'y' : 'ies'}`,
        );
        break;
      }
      case 'rotate-secret': {
        const secret = await ctx.webhooks.rotateSecret(id!);
        print(
          json,
          { endpoint_id: id, signing_secret: secret },
          () =>
            `endpoint_id:     ${id}\nsigning_secret:  ${secret}\n(shown once; deliveries are signed with it from now on)`,
        );
        break;
      }
      case 'deliveries': {
        const endpoint = await ctx.webhooks.get(id!);
        const deliveries = await listDeliveries(ctx.db, endpoint.id, limit);
        print(json, { endpoint_id: endpoint.id, deliveries: deliveries.map(describeDelivery) }, () =>
          humanDeliveries(deliveries),
        );
        break;
      }
      case 'resend': {
        if (since !== undefined) {
          const endpointId = str('endpoint')!;
          const ids = await resendSince(ctx.db, endpointId, since, now);
          print(
            json,
            { endpoint_id: endpointId, since: iso(since), resent: ids },
            () =>
              `${ids.length} deliver${ids.length === 1 ? 'y' : 'ies'} of ${endpointId} since ${iso(since)} will be sent again${ids.length ? `:\n${ids.join('\n')}` : ''}`,
          );
        } else {
          const { endpointId } = await resendDelivery(ctx.db, id!, now);
          print(
            json,
            { endpoint_id: endpointId, resent: [id] },
            () => `delivery ${id} of ${endpointId} will be sent again`,
          );
        }
        break;
      }
      case 'ping': {
        const endpoint = await ctx.webhooks.get(id!);
        const { deliveryId } = await enqueuePing(ctx.db, endpoint.id, now);
        if (!values.wait) {
          print(
            json,
            { endpoint_id: endpoint.id, delivery_id: deliveryId, status: 'pending' },
            () =>
              `ping ${deliveryId} queued for ${endpoint.url}\n(see: parqex webhooks deliveries ${endpoint.id})`,
          );
          break;
        }
        const attempt = await sendAndWait(ctx, deliveryId);
        if (!attempt) {
          throw new WebhookPingFailed(
            `no attempt to send ping ${deliveryId} within ${PING_WAIT_MS / 1000} s; it stays queued`,
          );
        }
        const delivered =
          attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
        print(
          json,
          { endpoint_id: endpoint.id, delivery_id: deliveryId, delivered, ...describeAttempt(attempt) },
          () =>
            `ping ${deliveryId} to ${endpoint.url}: ${delivered ? 'delivered' : 'not delivered'}, ${humanAttempt(attempt)}`,
        );
        if (!delivered) {
          throw new WebhookPingFailed(
            `the receiver did not accept the ping (${attempt.statusCode ?? attempt.error}); it will be retried`,
          );
        }
        break;
      }
    }
  } finally {
    await close();
  }
}

/**
 * Runs a dispatcher in this process until the delivery's first attempt is recorded (by it, or by a
 * server's or worker's dispatcher sharing the database). It sends whatever else is due before it too:
 * oldest event first, as every dispatcher does.
 */
async function sendAndWait(
  ctx: Awaited<ReturnType<typeof openContext>>['ctx'],
  deliveryId: string,
): Promise<DeliveryAttempt | undefined> {
  const quiet = () => {};
  const dispatcher = new WebhookDispatcher({
    db: ctx.db,
    dialect: ctx.dialect,
    box: ctx.webhookBox,
    clock: ctx.clock,
    serverEnv: ctx.config.env,
    log: { info: quiet, warn: quiet, error: quiet },
  });
  const deadline = performance.now() + PING_WAIT_MS;
  for (;;) {
    const attempted = await dispatcher.runOnce();
    const attempt = await findFirstAttempt(ctx.db, deliveryId);
    if (attempt || performance.now() >= deadline) return attempt;
    if (attempted === 0) await sleep(100);
  }
}
