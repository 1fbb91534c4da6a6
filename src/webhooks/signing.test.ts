import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidSigningSecret, newSigningSecret, signWebhook, verifyWebhook } from './signing.ts';

// The known-answer vector published with Standard Webhooks: the reference libraries' tests in
// github.com/standard-webhooks/standard-webhooks, e.g. libraries/javascript/src/webhook.test.ts,
// "sign function works" (the same values appear in the Go, Python, Ruby, C# … tests there).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const SECRET = newSigningSecret();
const ID = 'FE09DCDD7E75BD5202B662446690F40F';
const NOW = 1_780_000_000;
const BODY = '{"id":"FE09DCDD7E75BD5202B662446690F40F","eventType":"door1_open","doorState":"OPEN"}';

function headers(signature: string, id = ID, timestamp = NOW) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('newSigningSecret', () => {
  test('is whsec_ followed by the base64 of 32 random bytes', () => {
    const secret = newSigningSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64').length, 32);
  });

  test('is different every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newSigningSecret()));
    assert.equal(secrets.size, 100);
  });
});

describe('signWebhook', () => {
  test('reproduces the Standard Webhooks known-answer vector', () => {
    assert.equal(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature);
  });

  test('is v1, then base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" under the decoded secret', () => {
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${ID}.${NOW}.${BODY}`).digest('base64');
    assert.equal(signWebhook(SECRET, ID, NOW, BODY), `v1,${expected}`);
  });

  test('signs the body as UTF-8, so non-ASCII names are covered byte for byte', () => {
    const body = '{"userThatToggled":{"firstName":"Zoë","lastName":"Ørsted 🚗"}}';
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(Buffer.from(`${ID}.${NOW}.${body}`, 'utf8'))
      .digest('base64');
    assert.equal(signWebhook(SECRET, ID, NOW, body), `v1,${expected}`);
  });

  test('an id containing "." is refused (Standard Webhooks, Signature scheme)', () => {
    assert.throws(() => signWebhook(SECRET, 'msg.1', NOW, BODY), /must be non-empty, without "\."/);
    assert.throws(() => signWebhook(SECRET, '', NOW, BODY), /must be non-empty/);
  });

  test('a timestamp that is not whole epoch seconds is refused', () => {
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      assert.throws(() => signWebhook(SECRET, ID, bad, BODY), /whole, non-negative number of epoch seconds/);
    }
  });
});

describe('verifyWebhook', () => {
  test('accepts the Standard Webhooks known-answer vector at its own timestamp', () => {
    const vectorHeaders = headers(VECTOR.signature, VECTOR.id, VECTOR.timestamp);
    assert.equal(verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, VECTOR.timestamp), true);
  });

  test('accepts what signWebhook produced (property: any id, timestamp and body)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.string({ unit: 'grapheme' }),
        fc.integer({ min: -300, max: 300 }),
        (id, timestamp, body, skew) => {
          const signature = signWebhook(SECRET, id, timestamp, body);
          return verifyWebhook(SECRET, headers(signature, id, timestamp), body, timestamp + skew);
        },
      ),
    );
  });

  test('refuses a tampered body, id or timestamp', () => {
    const signature = signWebhook(SECRET, ID, NOW, BODY);
    assert.equal(verifyWebhook(SECRET, headers(signature), BODY, NOW), true);

    assert.equal(verifyWebhook(SECRET, headers(signature), BODY.replace('OPEN', 'CLOSED'), NOW), false);
    assert.equal(verifyWebhook(SECRET, headers(signature), `${BODY} `, NOW), false);
    assert.equal(
      verifyWebhook(SECRET, headers(signature, '0E09DCDD7E75BD5202B662446690F40F'), BODY, NOW),
      false,
    );
    assert.equal(verifyWebhook(SECRET, headers(signature, ID, NOW + 1), BODY, NOW), false);
  });

  test('refuses a body moved across the id/timestamp boundary (the content is "<id>.<ts>.<body>")', () => {
    // Signed: id "a", timestamp 1, body "2.x" → content "a.1.2.x"; an attacker cannot re-split it as
    // timestamp "1.2" because the timestamp must be digits only.
    const signature = signWebhook(SECRET, 'a', 1, '2.x');
    const resplit = { 'webhook-id': 'a', 'webhook-timestamp': '1.2', 'webhook-signature': signature };
    assert.equal(verifyWebhook(SECRET, resplit, 'x', 1), false);
  });

  test('refuses a signature made with another secret', () => {
    const signature = signWebhook(newSigningSecret(), ID, NOW, BODY);
    assert.equal(verifyWebhook(SECRET, headers(signature), BODY, NOW), false);
  });

  test('refuses a timestamp more than the tolerance in the past or the future; the boundary itself passes', () => {
    for (const [timestamp, expected] of [
      [NOW - 300, true],
      [NOW + 300, true],
      [NOW - 301, false],
      [NOW + 301, false],
      [NOW - 86_400, false],
      [NOW + 86_400, false],
    ] as const) {
      const signature = signWebhook(SECRET, ID, timestamp, BODY);
      assert.equal(
        verifyWebhook(SECRET, headers(signature, ID, timestamp), BODY, NOW),
        expected,
        `${timestamp}`,
      );
    }
  });

  test('the tolerance can be narrowed', () => {
    const signature = signWebhook(SECRET, ID, NOW - 10, BODY);
    assert.equal(verifyWebhook(SECRET, headers(signature, ID, NOW - 10), BODY, NOW, 10), true);
    assert.equal(verifyWebhook(SECRET, headers(signature, ID, NOW - 10), BODY, NOW, 9), false);
  });

  test('a timestamp that is not an integer of seconds is refused, even when correctly signed', () => {
    for (const timestamp of [
      '',
      'hello',
      '1780000000.0',
      '+1780000000',
      ' 1780000000',
      '1780000000000000000',
    ]) {
      const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`${ID}.${timestamp}.${BODY}`).digest('base64');
      const signed = { 'webhook-id': ID, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
      assert.equal(verifyWebhook(SECRET, signed, BODY, NOW), false, JSON.stringify(timestamp));
    }
  });

  test('accepts the header when any one of several space-separated signatures matches (secret rotation)', () => {
    const current = signWebhook(SECRET, ID, NOW, BODY);
    const previous = signWebhook(newSigningSecret(), ID, NOW, BODY);
    const asymmetric =
      'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==';
    assert.equal(verifyWebhook(SECRET, headers(`${previous} ${current}`), BODY, NOW), true);
    assert.equal(verifyWebhook(SECRET, headers(`${current} ${previous}`), BODY, NOW), true);
    assert.equal(verifyWebhook(SECRET, headers(`${asymmetric} ${previous} ${current}`), BODY, NOW), true);
    assert.equal(verifyWebhook(SECRET, headers(`${previous} ${asymmetric}`), BODY, NOW), false);
  });

  test('only the v1 scheme counts: the right MAC under another label is refused', () => {
    const mac = signWebhook(SECRET, ID, NOW, BODY).slice('v1,'.length);
    for (const header of [`v2,${mac}`, `v1a,${mac}`, mac, `V1,${mac}`, `v1;${mac}`]) {
      assert.equal(verifyWebhook(SECRET, headers(header), BODY, NOW), false, header);
    }
  });

  test('a truncated, empty or garbled signature is refused without throwing', () => {
    const signature = signWebhook(SECRET, ID, NOW, BODY);
    for (const header of ['', 'v1,', signature.slice(0, 8), signature.slice(0, -1), `${signature}=`, '   ']) {
      assert.equal(verifyWebhook(SECRET, headers(header), BODY, NOW), false, JSON.stringify(header));
    }
  });

  test('missing headers are refused without throwing', () => {
    const signature = signWebhook(SECRET, ID, NOW, BODY);
    const { 'webhook-id': _id, ...withoutId } = headers(signature);
    const { 'webhook-timestamp': _ts, ...withoutTimestamp } = headers(signature);
    const { 'webhook-signature': _sig, ...withoutSignature } = headers(signature);
    for (const partial of [withoutId, withoutTimestamp, withoutSignature]) {
      assert.equal(verifyWebhook(SECRET, partial as any, BODY, NOW), false);
    }
  });
});

describe('a malformed secret is refused with a clear error', () => {
  const cases: [string, RegExp][] = [
    ['', /must start with "whsec_"/],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
    ['whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
    ['whsec_', /followed by base64/],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', /followed by base64/],
    ['whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw', /followed by base64/],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n', /followed by base64/],
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-_', /followed by base64/],
    ['whsec_c2hvcnQ=', /must hold 24 to 64 bytes, not 5/],
    [`whsec_${Buffer.alloc(65).toString('base64')}`, /must hold 24 to 64 bytes, not 65/],
  ];

  for (const [secret, message] of cases) {
    test(`${JSON.stringify(secret.slice(0, 24))}… → ${message.source}`, () => {
      const expected = (error: unknown) =>
        error instanceof InvalidSigningSecret && message.test(error.message);
      assert.throws(() => signWebhook(secret, ID, NOW, BODY), expected);
      assert.throws(() => verifyWebhook(secret, headers('v1,x'), BODY, NOW), expected);
    });
  }

  test('the error never repeats the secret', () => {
    const short = 'whsec_c2VjcmV0LXRvby1zaG9ydA==';
    assert.throws(
      () => signWebhook(short, ID, NOW, BODY),
      (error: Error) => !error.message.includes('c2VjcmV0LXRvby1zaG9ydA=='),
    );
  });

  test('24 and 64 byte secrets, the limits of Standard Webhooks, are accepted', () => {
    for (const size of [24, 64]) {
      const secret = `whsec_${Buffer.alloc(size, 7).toString('base64')}`;
      const signature = signWebhook(secret, ID, NOW, BODY);
      assert.equal(verifyWebhook(secret, headers(signature), BODY, NOW), true);
    }
  });
});
