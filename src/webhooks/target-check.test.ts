import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  checkWebhookUrl,
  isRefusedAddress,
  type ResolvedAddress,
  resolveDeliveryTarget,
  WebhookTargetRefused,
} from './target-check.ts';

const PRODUCTION = { clientEnvironment: 'production', serverEnv: 'production' } as const;
const DEV_CLIENT_ON_PRODUCTION = { clientEnvironment: 'development', serverEnv: 'production' } as const;
const CERT_CLIENT_ON_PRODUCTION = { clientEnvironment: 'certification', serverEnv: 'production' } as const;
const DEV_CLIENT_ON_DEV = { clientEnvironment: 'development', serverEnv: 'development' } as const;
const PROD_CLIENT_ON_DEV = { clientEnvironment: 'production', serverEnv: 'development' } as const;

function refused(message: RegExp) {
  return (error: unknown) => error instanceof WebhookTargetRefused && message.test(error.message);
}

/** A lookup that answers from a table and records what it was asked; never touches DNS. */
function fakeDns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const lookup = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
}

describe('isRefusedAddress', () => {
  const refusedAddresses: [string, string][] = [
    ['127.0.0.1', 'loopback (RFC 1122)'],
    ['127.255.255.254', 'loopback, the whole /8'],
    ['::1', 'IPv6 loopback (RFC 4291 §2.5.3)'],
    ['0:0:0:0:0:0:0:1', 'IPv6 loopback, uncompressed'],
    ['10.0.0.1', 'private (RFC 1918)'],
    ['10.255.255.255', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['fc00::1', 'unique local (RFC 4193)'],
    ['fd12:3456:789a::1', 'unique local (RFC 4193)'],
    ['fd00:ec2::254', 'the AWS IPv6 metadata address (unique local)'],
    ['169.254.169.254', 'the cloud metadata address (link-local, RFC 3927)'],
    ['169.254.0.1', 'link-local (RFC 3927)'],
    ['fe80::1', 'IPv6 link-local (RFC 4291 §2.5.6)'],
    ['febf:ffff::1', 'IPv6 link-local, top of fe80::/10'],
    ['fe80::1%eth0', 'a scoped address (RFC 4007)'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '"this network" 0/8'],
    ['::', 'IPv6 unspecified'],
    ['100.64.0.1', 'CGNAT (RFC 6598)'],
    ['100.100.100.200', 'the Alibaba Cloud metadata address (CGNAT)'],
    ['100.127.255.255', 'CGNAT, top of 100.64/10'],
    ['224.0.0.1', 'multicast (RFC 5771)'],
    ['239.255.255.250', 'multicast (SSDP)'],
    ['ff02::1', 'IPv6 multicast'],
    ['255.255.255.255', 'limited broadcast'],
    ['240.0.0.1', 'reserved (RFC 1112)'],
    ['192.0.0.1', 'IETF protocol assignments (RFC 6890)'],
    ['192.0.2.1', 'TEST-NET-1 (RFC 5737)'],
    ['198.51.100.1', 'TEST-NET-2 (RFC 5737)'],
    ['203.0.113.1', 'TEST-NET-3 (RFC 5737)'],
    ['198.18.0.1', 'benchmarking (RFC 2544)'],
    ['192.88.99.1', '6to4 relay anycast (RFC 7526)'],
    ['2001:db8::1', 'IPv6 documentation (RFC 3849)'],
    ['3fff::1', 'IPv6 documentation (RFC 9637)'],
    ['2001:2::1', 'IPv6 benchmarking (RFC 5180)'],
    ['100::1', 'discard-only (RFC 6666), outside 2000::/3'],
    ['4000::1', 'unassigned, outside 2000::/3'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private (RFC 4291 §2.5.5.2)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, hex spelling'],
    ['::FFFF:A00:1', 'IPv4-mapped private, upper case'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped loopback, uncompressed'],
    ['::10.0.0.1', 'IPv4-compatible private (RFC 4291 §2.5.5.1)'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::ffff:0:10.0.0.1', 'IPv4-translated private (RFC 2765)'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private address (RFC 6052)'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['64:ff9b:1::8.8.8.8', 'local-use NAT64 (RFC 8215)'],
    ['2002:a00:1::1', '6to4 of 10.0.0.1 (RFC 3056)'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'Teredo whose client is 10.0.0.1 (RFC 4380)'],
    ['0x7f.0.0.1', 'hex spelling of 127.0.0.1'],
    ['0177.0.0.1', 'octal spelling of 127.0.0.1'],
    ['127.1', 'short spelling of 127.0.0.1'],
    ['2130706433', 'integer spelling of 127.0.0.1'],
    ['127.000.000.001', 'zero-padded 127.0.0.1'],
    ['0xa9fea9fe', 'hex integer spelling of 169.254.169.254'],
    ['010.8.8.8', 'zero-padded octet: ambiguous, refused'],
    [' 8.8.8.8', 'surrounding space'],
    ['8.8.8.8\n', 'trailing newline'],
    ['', 'empty'],
    ['example.com', 'a name, not an address'],
    ['::ffff:1.2.3', 'malformed IPv6'],
    ['1.2.3.4.5', 'malformed IPv4'],
  ];
  for (const [ip, why] of refusedAddresses) {
    test(`refuses ${JSON.stringify(ip)}: ${why}`, () => {
      assert.equal(isRefusedAddress(ip), true);
    });
  }

  const publicAddresses: [string, string][] = [
    ['8.8.8.8', 'a public IPv4 address'],
    ['1.1.1.1', 'a public IPv4 address'],
    ['93.184.215.14', 'a public IPv4 address'],
    ['9.255.255.255', 'just below 10/8'],
    ['11.0.0.0', 'just above 10/8'],
    ['100.63.255.255', 'just below 100.64/10'],
    ['100.128.0.0', 'just above 100.64/10'],
    ['126.255.255.255', 'just below 127/8'],
    ['128.0.0.0', 'just above 127/8'],
    ['169.253.255.255', 'just below 169.254/16'],
    ['169.255.0.0', 'just above 169.254/16'],
    ['172.15.255.255', 'just below 172.16/12'],
    ['172.32.0.0', 'just above 172.16/12'],
    ['192.167.255.255', 'just below 192.168/16'],
    ['192.169.0.0', 'just above 192.168/16'],
    ['223.255.255.255', 'just below multicast'],
    ['2606:4700:4700::1111', 'a public IPv6 address'],
    ['2a00:1450:4001:80b::200e', 'a public IPv6 address'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public address'],
    ['64:ff9b::8.8.8.8', 'NAT64 of a public address (IPv6-only networks use DNS64)'],
    ['2002:808:808::1', '6to4 of 8.8.8.8'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo whose client is 8.8.8.8'],
  ];
  for (const [ip, why] of publicAddresses) {
    test(`allows ${ip}: ${why}`, () => {
      assert.equal(isRefusedAddress(ip), false);
    });
  }

  test('property: every address in 10/8, 172.16/12, 192.168/16, 127/8, 169.254/16 and 100.64/10 is refused', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const inRange = (first: number, secondMin: number, secondMax: number) =>
      fc
        .tuple(fc.integer({ min: secondMin, max: secondMax }), octet, octet)
        .map(([b, c, d]) => `${first}.${b}.${c}.${d}`);
    const privateIPv4 = fc.oneof(
      inRange(10, 0, 255),
      inRange(172, 16, 31),
      inRange(192, 168, 168),
      inRange(127, 0, 255),
      inRange(169, 254, 254),
      inRange(100, 64, 127),
    );
    fc.assert(
      fc.property(privateIPv4, (ip) => {
        assert.equal(isRefusedAddress(ip), true, ip);
        assert.equal(isRefusedAddress(`::ffff:${ip}`), true, `::ffff:${ip}`);
        assert.equal(isRefusedAddress(`64:ff9b::${ip}`), true, `64:ff9b::${ip}`);
      }),
    );
  });

  test('property: every address in fc00::/7 and fe80::/10 is refused', () => {
    const word = fc.integer({ min: 0, max: 0xffff });
    const rest = fc.array(word, { minLength: 7, maxLength: 7 });
    const uniqueLocal = fc.tuple(fc.integer({ min: 0xfc00, max: 0xfdff }), rest);
    const linkLocal = fc.tuple(fc.integer({ min: 0xfe80, max: 0xfebf }), rest);
    fc.assert(
      fc.property(fc.oneof(uniqueLocal, linkLocal), ([first, others]) => {
        const ip = [first, ...others].map((w) => w.toString(16)).join(':');
        assert.equal(isRefusedAddress(ip), true, ip);
      }),
    );
  });

  test('property: an IPv4-mapped address is judged exactly like the IPv4 address it carries', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), (octets) => {
        const ip = octets.join('.');
        assert.equal(isRefusedAddress(`::ffff:${ip}`), isRefusedAddress(ip), ip);
      }),
    );
  });
});

describe('checkWebhookUrl', () => {
  test('an https URL with a public host is accepted and returned parsed', () => {
    const url = checkWebhookUrl('https://api.example.com/webhooks?app=1', PRODUCTION);
    assert.ok(url instanceof URL);
    assert.equal(url.href, 'https://api.example.com/webhooks?app=1');
  });

  test('https to a public IP literal and to a port is accepted', () => {
    assert.equal(checkWebhookUrl('https://93.184.215.14:8443/hook', PRODUCTION).port, '8443');
    assert.equal(
      checkWebhookUrl('https://[2606:4700:4700::1111]/hook', PRODUCTION).hostname,
      '[2606:4700:4700::1111]',
    );
  });

  test('what is not an absolute URL is refused', () => {
    for (const raw of [
      '',
      'api.example.com/webhooks',
      '/webhooks',
      '//api.example.com/webhooks',
      'https://',
    ]) {
      assert.throws(() => checkWebhookUrl(raw, PRODUCTION), refused(/is not an absolute URL/), raw);
    }
  });

  test('schemes other than https and http are refused (ParqEx API spec §6)', () => {
    for (const raw of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'gopher://example.com/',
      'javascript:alert(1)',
    ]) {
      assert.throws(() => checkWebhookUrl(raw, DEV_CLIENT_ON_DEV), refused(/must be an https:\/\/ URL/), raw);
    }
  });

  test('plain http is refused for production and certification clients, even to loopback', () => {
    for (const options of [PRODUCTION, CERT_CLIENT_ON_PRODUCTION, PROD_CLIENT_ON_DEV]) {
      assert.throws(
        () => checkWebhookUrl('http://api.example.com/webhooks', options),
        refused(/must start with https:\/\/ \(loopback http is allowed only for development clients\)/),
      );
    }
    assert.throws(
      () =>
        checkWebhookUrl('http://localhost:3000/hook', {
          clientEnvironment: 'certification',
          serverEnv: 'development',
        }),
      WebhookTargetRefused,
    );
  });

  test('a development client on a development server may use loopback http', () => {
    for (const raw of [
      'http://localhost:3000/hook',
      'http://LOCALHOST:3000/hook',
      'http://localhost.:3000/hook',
      'http://127.0.0.1:3000/hook',
      'http://127.8.9.10/hook',
      'http://[::1]:3000/hook',
      'http://0x7f.1:3000/hook',
    ]) {
      assert.equal(checkWebhookUrl(raw, DEV_CLIENT_ON_DEV).protocol, 'http:', raw);
    }
  });

  test('a development client may not use plain http to anything but loopback', () => {
    for (const raw of [
      'http://api.example.com/hook',
      'http://192.168.1.20:3000/hook',
      'http://8.8.8.8/hook',
    ]) {
      assert.throws(
        () => checkWebhookUrl(raw, DEV_CLIENT_ON_DEV),
        refused(/plain http is allowed only for localhost, 127\.0\.0\.0\/8 and \[::1\]/),
        raw,
      );
    }
  });

  test('a development client on the production server gets no loopback: it is the server itself', () => {
    for (const raw of ['http://localhost:3000/hook', 'http://127.0.0.1:3000/hook', 'https://[::1]/hook']) {
      assert.throws(
        () => checkWebhookUrl(raw, DEV_CLIENT_ON_PRODUCTION),
        refused(/loopback .* refused on a production server/),
        raw,
      );
    }
    assert.equal(
      checkWebhookUrl('https://dev.example.com/hook', DEV_CLIENT_ON_PRODUCTION).host,
      'dev.example.com',
    );
  });

  test('user information is refused (RFC 9110 §4.2.4)', () => {
    for (const raw of ['https://user:pass@api.example.com/hook', 'https://user@api.example.com/hook']) {
      assert.throws(
        () => checkWebhookUrl(raw, PRODUCTION),
        refused(/must not contain user information/),
        raw,
      );
    }
  });

  test('a fragment is refused, even an empty one (RFC 9110 §4.2.5)', () => {
    for (const raw of ['https://api.example.com/hook#frag', 'https://api.example.com/hook#']) {
      assert.throws(() => checkWebhookUrl(raw, PRODUCTION), refused(/must not contain a fragment/), raw);
    }
  });

  test('spaces and control characters, which the URL parser would silently drop, are refused', () => {
    for (const raw of [
      ' https://api.example.com/hook',
      'https://api.example.com/hook\n',
      'https://api.exa\tmple.com/',
    ]) {
      assert.throws(
        () => checkWebhookUrl(raw, PRODUCTION),
        refused(/spaces or control characters/),
        JSON.stringify(raw),
      );
    }
  });

  test('on a production server, an IP literal in a refused range is refused, in any spelling', () => {
    const cases: [string, RegExp][] = [
      ['https://10.0.0.5/hook', /10\.0\.0\.5, a private address \(RFC 1918\)/],
      ['https://192.168.0.1/hook', /private address/],
      ['https://172.20.1.1/hook', /private address/],
      [
        'https://169.254.169.254/latest/meta-data/',
        /169\.254\.169\.254, a link-local address, where cloud metadata/,
      ],
      ['https://100.100.100.200/hook', /carrier-grade NAT/],
      ['https://0.0.0.0/hook', /unspecified/],
      ['https://[::]/hook', /unspecified/],
      ['https://[fd00::1]/hook', /unique local/],
      ['https://[fe80::1]/hook', /link-local/],
      ['https://[::ffff:10.0.0.1]/hook', /IPv4-mapped form .* of 10\.0\.0\.1, a private address/],
      ['https://[::ffff:169.254.169.254]/hook', /IPv4-mapped form .* of 169\.254\.169\.254/],
      ['https://0xa9fea9fe/hook', /169\.254\.169\.254/],
      ['https://2852039166/hook', /169\.254\.169\.254/],
      ['https://0251.0376.0251.0376/hook', /169\.254\.169\.254/],
      ['https://127.1/hook', /127\.0\.0\.1, a loopback address/],
      ['https://224.0.0.1/hook', /multicast/],
      ['https://255.255.255.255/hook', /broadcast/],
    ];
    for (const [raw, message] of cases) {
      assert.throws(() => checkWebhookUrl(raw, PRODUCTION), refused(message), raw);
    }
  });

  test('on a production server, localhost names are refused (RFC 6761 §6.3)', () => {
    for (const raw of ['https://localhost/hook', 'https://localhost./hook', 'https://app.localhost/hook']) {
      assert.throws(
        () => checkWebhookUrl(raw, PRODUCTION),
        refused(/a loopback name \(RFC 6761 §6\.3\), which is refused on a production server/),
        raw,
      );
    }
  });

  test('on a development server, private addresses are allowed, loopback only for development clients', () => {
    assert.equal(checkWebhookUrl('https://192.168.1.20/hook', PROD_CLIENT_ON_DEV).hostname, '192.168.1.20');
    assert.equal(checkWebhookUrl('https://10.0.0.5/hook', DEV_CLIENT_ON_DEV).hostname, '10.0.0.5');
    assert.equal(checkWebhookUrl('https://localhost:8443/hook', DEV_CLIENT_ON_DEV).hostname, 'localhost');
    assert.throws(
      () => checkWebhookUrl('https://localhost:8443/hook', PROD_CLIENT_ON_DEV),
      refused(/allowed only for development clients/),
    );
    assert.throws(
      () => checkWebhookUrl('https://127.0.0.1:8443/hook', PROD_CLIENT_ON_DEV),
      refused(/allowed only for development clients/),
    );
  });

  test('a DNS name is not judged at registration beyond its spelling: resolving is for delivery', () => {
    assert.equal(checkWebhookUrl('https://127.0.0.1.nip.io/hook', PRODUCTION).hostname, '127.0.0.1.nip.io');
  });
});

describe('resolveDeliveryTarget', () => {
  test('resolves the host and returns the first address, to pin the connection to', async () => {
    const dns = fakeDns({ 'api.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });
    const target = await resolveDeliveryTarget(new URL('https://api.example.com/webhooks'), {
      ...PRODUCTION,
      lookup: dns.lookup,
    });
    assert.deepEqual(target, { address: '93.184.215.14', family: 4 });
    assert.deepEqual(dns.asked, ['api.example.com']);
  });

  test('the family is taken from the address, not from what the resolver claimed', async () => {
    const lookup = async () => [{ address: '2606:4700:4700::1111', family: 4 }];
    const target = await resolveDeliveryTarget(new URL('https://api.example.com/'), {
      ...PRODUCTION,
      lookup,
    });
    assert.deepEqual(target, { address: '2606:4700:4700::1111', family: 6 });
  });

  test('a host that resolves to one public and one private address is refused', async () => {
    const dns = fakeDns({ 'mixed.example.com': ['93.184.215.14', '10.0.0.7'] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://mixed.example.com/hook'), { ...PRODUCTION, lookup: dns.lookup }),
      refused(/webhook host mixed\.example\.com resolves to 10\.0\.0\.7, a private address/),
    );
  });

  test('a host that resolves to the metadata address is refused', async () => {
    const dns = fakeDns({ 'metadata.example.com': ['169.254.169.254'] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://metadata.example.com/'), { ...PRODUCTION, lookup: dns.lookup }),
      refused(/169\.254\.169\.254, a link-local address, where cloud metadata services live/),
    );
  });

  test('a host that resolves to an IPv4-mapped private address is refused', async () => {
    const dns = fakeDns({ 'mapped.example.com': ['2606:4700:4700::1111', '::ffff:192.168.0.10'] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://mapped.example.com/'), { ...PRODUCTION, lookup: dns.lookup }),
      refused(/::ffff:192\.168\.0\.10, an IPv4-mapped form .* of 192\.168\.0\.10, a private address/),
    );
  });

  test('a name that passed registration but now resolves to loopback (DNS changed) is refused', async () => {
    const url = checkWebhookUrl('https://rebind.example.com/hook', PRODUCTION);
    const dns = fakeDns({ 'rebind.example.com': ['127.0.0.1'] });
    await assert.rejects(
      resolveDeliveryTarget(url, { ...PRODUCTION, lookup: dns.lookup }),
      refused(/127\.0\.0\.1, a loopback address .* refused on a production server/),
    );
  });

  test('the URL rules are checked again at delivery', async () => {
    const dns = fakeDns({ 'api.example.com': ['93.184.215.14'] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('http://api.example.com/hook'), { ...PRODUCTION, lookup: dns.lookup }),
      refused(/must start with https:\/\//),
    );
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://u:p@api.example.com/hook'), {
        ...PRODUCTION,
        lookup: dns.lookup,
      }),
      refused(/user information/),
    );
    assert.deepEqual(dns.asked, []);
  });

  test('an IP literal is judged without asking DNS', async () => {
    const dns = fakeDns({});
    const target = await resolveDeliveryTarget(new URL('https://[2606:4700:4700::1111]/hook'), {
      ...PRODUCTION,
      lookup: dns.lookup,
    });
    assert.deepEqual(target, { address: '2606:4700:4700::1111', family: 6 });
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://10.1.2.3/hook'), { ...PRODUCTION, lookup: dns.lookup }),
      WebhookTargetRefused,
    );
    assert.deepEqual(dns.asked, []);
  });

  test('a development client on a development server reaches its loopback receiver over http', async () => {
    const dns = fakeDns({ localhost: ['::1', '127.0.0.1'] });
    const target = await resolveDeliveryTarget(new URL('http://localhost:3000/hook'), {
      ...DEV_CLIENT_ON_DEV,
      lookup: dns.lookup,
    });
    assert.deepEqual(target, { address: '::1', family: 6 });
  });

  test('loopback at delivery is refused for other clients on a development server and for all in production', async () => {
    const dns = fakeDns({ 'local.example.com': ['127.0.0.1'] });
    const url = new URL('https://local.example.com/hook');
    await assert.rejects(
      resolveDeliveryTarget(url, { ...PROD_CLIENT_ON_DEV, lookup: dns.lookup }),
      refused(/allowed only for development clients/),
    );
    await assert.rejects(
      resolveDeliveryTarget(url, { ...DEV_CLIENT_ON_PRODUCTION, lookup: dns.lookup }),
      refused(/refused on a production server/),
    );
    assert.deepEqual(await resolveDeliveryTarget(url, { ...DEV_CLIENT_ON_DEV, lookup: dns.lookup }), {
      address: '127.0.0.1',
      family: 4,
    });
  });

  test('on a development server a private receiver is reachable; in production the same name is refused', async () => {
    const dns = fakeDns({ 'lan.example.com': ['192.168.1.20'] });
    const url = new URL('https://lan.example.com/hook');
    assert.deepEqual(await resolveDeliveryTarget(url, { ...PROD_CLIENT_ON_DEV, lookup: dns.lookup }), {
      address: '192.168.1.20',
      family: 4,
    });
    await assert.rejects(
      resolveDeliveryTarget(url, { ...PRODUCTION, lookup: dns.lookup }),
      WebhookTargetRefused,
    );
  });

  test('plain http to a name that resolves beyond loopback is refused, even on a development server', async () => {
    const dns = fakeDns({ 'app.localhost': ['127.0.0.1', '192.168.1.20'] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('http://app.localhost:3000/hook'), {
        ...DEV_CLIENT_ON_DEV,
        lookup: dns.lookup,
      }),
      refused(/resolves to 192\.168\.1\.20, which is not loopback, so plain http is refused/),
    );
  });

  test('a resolver answer that is not an IP address is refused in every environment', async () => {
    const lookup = async () => [{ address: '0x7f.1', family: 4 }];
    for (const options of [PRODUCTION, DEV_CLIENT_ON_DEV]) {
      await assert.rejects(
        resolveDeliveryTarget(new URL('https://odd.example.com/'), { ...options, lookup }),
        refused(/"0x7f\.1", not an IP address in canonical form/),
      );
    }
  });

  test('a failed lookup propagates as it is; an empty answer is an error, not a target', async () => {
    const dns = fakeDns({ 'empty.example.com': [] });
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://nowhere.example.com/'), { ...PRODUCTION, lookup: dns.lookup }),
      (error: NodeJS.ErrnoException) =>
        error.code === 'ENOTFOUND' && !(error instanceof WebhookTargetRefused),
    );
    await assert.rejects(
      resolveDeliveryTarget(new URL('https://empty.example.com/'), { ...PRODUCTION, lookup: dns.lookup }),
      /resolved to no address/,
    );
  });
});
