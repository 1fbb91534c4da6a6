import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it: what the tests check the SDK sent. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The form-encoded body, keys as sent (`automatic_payment_methods[enabled]`). */
  readonly form: Readonly<Record<string, string>>;
}

export interface FakeStripeServer {
  /** `http://127.0.0.1:<port>`, for `StripeProcessor`'s `apiBase`. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** The next request is answered with this HTTP status and Stripe's `api_error` body. */
  failNext(status: number): void;
  close(): Promise<void>;
}

/** Stripe's test payment methods (Stripe docs, Testing) and the `card_error` each gives, if any. */
const DECLINES: Readonly<Record<string, { code: string; decline_code: string; message: string }>> = {
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};
const SUCCEEDING = new Set(['pm_card_visa', 'pm_card_mastercard']);

/**
 * A local stand-in for `api.stripe.com` that answers `POST /v1/payment_intents` and
 * `POST /v1/refunds` as Stripe's API reference documents them (objects, errors, idempotent
 * replays), on 127.0.0.1 only: the tests never reach the network.
 */
export async function startFakeStripeServer(): Promise<FakeStripeServer> {
  const requests: ReceivedRequest[] = [];
  const intents = new Map<string, { amount: number; currency: string; refunded: number }>();
  // Stripe API reference, Idempotent requests: the first answer of a key, replayed; another body → 400.
  const replays = new Map<string, { body: string; status: number; answer: unknown }>();
  let failure: number | undefined;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const form = Object.fromEntries(new URLSearchParams(raw));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path, headers: req.headers, form });

    if (failure !== undefined) {
      const status = failure;
      failure = undefined;
      return send(res, status, { error: { type: 'api_error', message: 'Something went wrong on our end.' } });
    }
    if (!/^Bearer sk_test_\w+$/.test(req.headers.authorization ?? '')) {
      return send(res, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
      });
    }
    const key = req.headers['idempotency-key'];
    const replayKey = typeof key === 'string' ? `${path} ${key}` : undefined;
    const first = replayKey === undefined ? undefined : replays.get(replayKey);
    if (first !== undefined) {
      if (first.body !== raw) {
        return send(res, 400, {
          error: {
            type: 'idempotency_error',
            message:
              'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          },
        });
      }
      return send(res, first.status, first.answer, { 'idempotent-replayed': 'true' });
    }
    const [status, answer] =
      req.method === 'POST' && path === '/v1/payment_intents'
        ? createIntent(form, intents)
        : req.method === 'POST' && path === '/v1/refunds'
          ? createRefund(form, intents)
          : [
              404,
              {
                error: {
                  type: 'invalid_request_error',
                  message: `Unrecognized request URL (${req.method}: ${path}).`,
                },
              },
            ];
    if (replayKey !== undefined) replays.set(replayKey, { body: raw, status, answer });
    send(res, status, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status) {
      failure = status;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

type Answer = [status: number, body: unknown];

function createIntent(
  form: Record<string, string>,
  intents: Map<string, { amount: number; currency: string; refunded: number }>,
): Answer {
  const amount = Number(form.amount);
  const currency = form.currency ?? '';
  const paymentMethod = form.payment_method ?? '';
  const id = `pi_${randomBytes(12).toString('hex')}`;
  const intent = {
    id,
    object: 'payment_intent',
    amount,
    amount_received: 0,
    currency,
    confirmation_method: 'automatic',
    description: form.description ?? null,
    metadata: Object.fromEntries(
      Object.entries(form)
        .filter(([k]) => k.startsWith('metadata['))
        .map(([k, v]) => [k.slice('metadata['.length, -1), v]),
    ),
    payment_method: paymentMethod,
    livemode: false,
  };
  const decline = DECLINES[paymentMethod];
  if (decline) {
    // Stripe API reference, Errors: a decline is HTTP 402 with the failed PaymentIntent inside.
    return [
      402,
      {
        error: {
          type: 'card_error',
          ...decline,
          doc_url: 'https://stripe.com/docs/error-codes/card-declined',
          payment_intent: {
            ...intent,
            status: 'requires_payment_method',
            latest_charge: `ch_${id.slice(3)}`,
          },
        },
      },
    ];
  }
  if (paymentMethod === 'pm_card_authenticationRequired') {
    // Stripe docs, Testing 3-D Secure: confirmed without a customer present, the intent waits for authentication.
    return [
      200,
      { ...intent, status: 'requires_action', next_action: { type: 'use_stripe_sdk' }, latest_charge: null },
    ];
  }
  if (!SUCCEEDING.has(paymentMethod)) {
    return [
      400,
      {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'payment_method',
          message: `No such PaymentMethod: '${paymentMethod}'`,
        },
      },
    ];
  }
  intents.set(id, { amount, currency, refunded: 0 });
  return [
    200,
    { ...intent, amount_received: amount, status: 'succeeded', latest_charge: `ch_${id.slice(3)}` },
  ];
}

function createRefund(
  form: Record<string, string>,
  intents: Map<string, { amount: number; currency: string; refunded: number }>,
): Answer {
  const paymentIntent = form.payment_intent ?? '';
  const intent = intents.get(paymentIntent);
  if (!intent) {
    return [
      404,
      {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          param: 'payment_intent',
          message: `No such payment_intent: '${paymentIntent}'`,
        },
      },
    ];
  }
  const left = intent.amount - intent.refunded;
  if (left === 0) {
    return [
      400,
      {
        error: {
          type: 'invalid_request_error',
          code: 'charge_already_refunded',
          message: `Charge ch_${paymentIntent.slice(3)} has already been refunded.`,
        },
      },
    ];
  }
  const amount = form.amount === undefined ? left : Number(form.amount);
  if (amount > left) {
    return [
      400,
      {
        error: {
          type: 'invalid_request_error',
          code: 'amount_too_large',
          param: 'amount',
          message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        },
      },
    ];
  }
  intent.refunded += amount;
  return [
    200,
    {
      id: `re_${randomBytes(12).toString('hex')}`,
      object: 'refund',
      amount,
      currency: intent.currency,
      charge: `ch_${paymentIntent.slice(3)}`,
      payment_intent: paymentIntent,
      status: 'succeeded',
    },
  ];
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_${randomBytes(8).toString('hex')}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}
