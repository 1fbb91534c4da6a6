/**
 * Where webhooks may be sent. ParqEx API spec §6: an https URL that accepts POST; our decision allows
 * loopback http for `development` clients only. The webhooks issue adds: private, link-local and metadata
 * addresses are refused on a production server, both at registration (`checkWebhookUrl`) and at delivery
 * (`resolveDeliveryTarget`, since DNS can change), so a webhook cannot be aimed at the server's own
 * network (Standard Webhooks, "Server side request forgery (SSRF)"; OWASP SSRF Prevention Cheat Sheet).
 */
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../lib/domain-error.ts';

export type ClientEnvironment = 'development' | 'certification' | 'production';
export type ServerEnv = 'development' | 'production';

export interface TargetPolicy {
  clientEnvironment: ClientEnvironment;
  serverEnv: ServerEnv;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Lookup = (host: string) => Promise<ResolvedAddress[]>;

export class WebhookTargetRefused extends DomainError {
  constructor(message: string) {
    super('webhook_target_refused', 'invalid_input', message);
  }
}

/**
 * Registration-time check. Returns the parsed URL or throws `WebhookTargetRefused` with a message a
 * person can act on. A host given as an IP literal (in any spelling the URL parser accepts) or as a
 * `localhost` name is held to the same address policy `resolveDeliveryTarget` applies at delivery.
 */
export function checkWebhookUrl(raw: string, options: TargetPolicy): URL {
  // The WHATWG URL parser silently drops leading and trailing controls and spaces, and tabs and newlines
  // anywhere; refuse them instead, so what is stored is exactly what was checked.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls are exactly what is refused
  if (/[\u0000-\u0020\u007f]/.test(raw)) {
    throw new WebhookTargetRefused(
      `webhook URL ${JSON.stringify(raw)} must not contain spaces or control characters`,
    );
  }
  const url = URL.parse(raw);
  if (url === null) {
    throw new WebhookTargetRefused(`webhook URL ${JSON.stringify(raw)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookTargetRefused(`webhook URL ${raw} must be an https:// URL, not ${url.protocol}`);
  }
  // RFC 9110 §4.2.4: userinfo in http(s) URIs is deprecated (RFC 3986 §3.2.1); it would be logged and shown.
  if (url.username !== '' || url.password !== '') {
    throw new WebhookTargetRefused(`webhook URL ${raw} must not contain user information (user:password@)`);
  }
  // RFC 9110 §4.2.5 / RFC 3986 §3.5: a fragment is never sent to the server, so it can only mislead.
  // `url.hash` is empty for a bare trailing `#`, the serialized form is not.
  if (url.href.includes('#')) {
    throw new WebhookTargetRefused(`webhook URL ${raw} must not contain a fragment (#)`);
  }

  const host = bareHost(url);
  // RFC 6761 §6.3: a `localhost` name is loopback whatever a resolver might answer.
  const found = isIP(host) !== 0 ? classify(host) : isLoopbackName(host) ? LOOPBACK_NAME : undefined;
  const refusal = found && refusalFor(host, found, options);
  if (refusal) throw new WebhookTargetRefused(`webhook URL ${raw} points at ${refusal}`);

  if (url.protocol === 'http:') {
    // ParqEx API spec §6: https only; our decision (as RFC 8252 §7.3 does for redirect URIs) lets
    // development clients use plain http on the loopback interface, which never leaves the machine.
    const isLoopbackHost = found?.kind === 'loopback';
    if (options.clientEnvironment !== 'development') {
      throw new WebhookTargetRefused(
        `webhook URL ${raw} must start with https:// (loopback http is allowed only for development clients)`,
      );
    }
    if (!isLoopbackHost) {
      throw new WebhookTargetRefused(
        `webhook URL ${raw} must start with https:// (plain http is allowed only for localhost, 127.0.0.0/8 and [::1])`,
      );
    }
  }
  return url;
}

/**
 * True when `ip` is not a public unicast address a webhook may be sent to: loopback, private, link-local
 * (including cloud metadata), unspecified, shared (CGNAT), multicast, broadcast, reserved, documentation
 * and benchmarking ranges, IPv6 forms that embed such an IPv4 address, and anything that is not an IP
 * address in canonical form (odd IPv4 spellings such as `0x7f.1` or `2130706433` included: fail closed).
 */
export function isRefusedAddress(ip: string): boolean {
  return classify(ip) !== undefined;
}

/**
 * Delivery-time check: runs `checkWebhookUrl` again, resolves the host (default
 * `dns.promises.lookup(host, { all: true })`) and returns the address to connect to. Throws
 * `WebhookTargetRefused` when ANY resolved address is refused by the policy, so one private record among
 * public ones is enough to refuse. The caller must connect to the returned address (not resolve the name
 * again), so DNS rebinding between this check and the connection is impossible. Errors from the lookup
 * itself propagate unchanged.
 */
export async function resolveDeliveryTarget(
  url: URL,
  options: TargetPolicy & { lookup?: Lookup },
): Promise<ResolvedAddress> {
  checkWebhookUrl(url.href, options);
  const host = bareHost(url);
  const lookup = options.lookup ?? defaultLookup;
  const answers: ResolvedAddress[] =
    isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await lookup(host);
  if (answers.length === 0) throw new Error(`webhook host ${host} resolved to no address`);

  for (const { address } of answers) {
    const refusal = refusalFor(address, classify(address), options);
    if (refusal) throw new WebhookTargetRefused(`webhook host ${host} resolves to ${refusal}`);
    // Plain http was allowed only because the host is loopback (ParqEx API spec §6 decision); a name
    // that resolves elsewhere would send the payload and API key in the clear.
    if (url.protocol === 'http:' && classify(address)?.kind !== 'loopback') {
      throw new WebhookTargetRefused(
        `webhook host ${host} resolves to ${address}, which is not loopback, so plain http is refused`,
      );
    }
  }
  const first = answers[0]!;
  return { address: first.address, family: isIP(first.address) };
}

async function defaultLookup(host: string): Promise<ResolvedAddress[]> {
  return dns.lookup(host, { all: true });
}

// ---------------------------------------------------------------------------------------------------
// The policy

/**
 * Why `subject` (an address or a name), classified as `found`, may not be a target under `options`, or
 * undefined. On a production server every refused range is refused. On a development server loopback is
 * allowed for development clients only and the other ranges are allowed (a developer's receiver may sit
 * on the LAN); something that is not an IP address is refused everywhere.
 */
function refusalFor(
  subject: string,
  found: Classification | undefined,
  { clientEnvironment, serverEnv }: TargetPolicy,
): string | undefined {
  if (found === undefined) return undefined;
  if (found.kind === 'invalid') return `${JSON.stringify(subject)}, ${found.label}`;
  if (serverEnv === 'production') {
    return `${subject}, ${found.label}, which is refused on a production server`;
  }
  if (found.kind === 'loopback' && clientEnvironment !== 'development') {
    return `${subject}, ${found.label}, which is allowed only for development clients`;
  }
  return undefined;
}

function bareHost(url: URL): string {
  // WHATWG URL: an IPv6 host is serialized in brackets; IPv4 literals are already normalized to dotted
  // decimal (so `0x7f.1` and `2130706433` arrive here as 127.0.0.1).
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function isLoopbackName(host: string): boolean {
  // RFC 6761 §6.3: `localhost` and every name under it resolve to loopback. One trailing dot (a fully
  // qualified spelling) is the same name.
  const name = host.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

// ---------------------------------------------------------------------------------------------------
// Address ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries, RFC 6890)

type Kind = 'loopback' | 'private' | 'link-local' | 'special' | 'invalid';
interface Classification {
  kind: Kind;
  label: string;
}
interface Range {
  network: string;
  prefix: number;
  kind: Kind;
  label: string;
}

const IPV4_RANGES: Range[] = [
  {
    network: '0.0.0.0',
    prefix: 8,
    kind: 'special',
    label: 'an unspecified ("this network") address (RFC 791, RFC 1122 §3.2.1.3)',
  },
  { network: '10.0.0.0', prefix: 8, kind: 'private', label: 'a private address (RFC 1918)' },
  {
    network: '100.64.0.0',
    prefix: 10,
    kind: 'private',
    label: 'a shared carrier-grade NAT address (RFC 6598)',
  },
  { network: '127.0.0.0', prefix: 8, kind: 'loopback', label: 'a loopback address (RFC 1122 §3.2.1.3)' },
  {
    network: '169.254.0.0',
    prefix: 16,
    kind: 'link-local',
    label: 'a link-local address, where cloud metadata services live (RFC 3927)',
  },
  { network: '172.16.0.0', prefix: 12, kind: 'private', label: 'a private address (RFC 1918)' },
  { network: '192.0.0.0', prefix: 24, kind: 'special', label: 'an IETF protocol assignment (RFC 6890)' },
  { network: '192.0.2.0', prefix: 24, kind: 'special', label: 'a documentation address (RFC 5737)' },
  { network: '192.88.99.0', prefix: 24, kind: 'special', label: 'a 6to4 relay anycast address (RFC 7526)' },
  { network: '192.168.0.0', prefix: 16, kind: 'private', label: 'a private address (RFC 1918)' },
  { network: '198.18.0.0', prefix: 15, kind: 'special', label: 'a benchmarking address (RFC 2544)' },
  { network: '198.51.100.0', prefix: 24, kind: 'special', label: 'a documentation address (RFC 5737)' },
  { network: '203.0.113.0', prefix: 24, kind: 'special', label: 'a documentation address (RFC 5737)' },
  { network: '224.0.0.0', prefix: 4, kind: 'special', label: 'a multicast address (RFC 5771)' },
  // 240.0.0.0/4 includes the limited broadcast address 255.255.255.255 (RFC 919, RFC 8190).
  {
    network: '240.0.0.0',
    prefix: 4,
    kind: 'special',
    label: 'a reserved or broadcast address (RFC 1112 §4)',
  },
];

// Within global unicast 2000::/3 (RFC 4291 §2.4, IANA), the blocks that are not reachable targets.
// Everything outside 2000::/3 (::/8, fc00::/7, fe80::/10, ff00::/8, …) is refused below, apart from the
// forms that embed an IPv4 address, which are judged by that address.
const IPV6_RANGES: Range[] = [
  { network: '2001:2::', prefix: 48, kind: 'special', label: 'a benchmarking address (RFC 5180)' },
  { network: '2001:10::', prefix: 28, kind: 'special', label: 'a deprecated ORCHID address (RFC 4843)' },
  { network: '2001:20::', prefix: 28, kind: 'special', label: 'an ORCHIDv2 address (RFC 7343)' },
  { network: '2001:db8::', prefix: 32, kind: 'special', label: 'a documentation address (RFC 3849)' },
  { network: '3fff::', prefix: 20, kind: 'special', label: 'a documentation address (RFC 9637)' },
];

const LOOPBACK_NAME: Classification = { kind: 'loopback', label: 'a loopback name (RFC 6761 §6.3)' };

const ipv4Lists = IPV4_RANGES.map((range) => ({ range, list: blockListOf(range, 'ipv4') }));
const ipv6Lists = IPV6_RANGES.map((range) => ({ range, list: blockListOf(range, 'ipv6') }));

function blockListOf(range: Range, type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, type);
  return list;
}

/** Why `ip` is refused, or undefined for a public unicast address. */
function classify(ip: string): Classification | undefined {
  const family = isIP(ip);
  if (family === 4) return classifyIPv4(ip);
  // RFC 4007 §11: a zone index (`fe80::1%eth0`) only means something for non-global scopes.
  if (family === 6 && ip.includes('%')) return { kind: 'link-local', label: 'a scoped address (RFC 4007)' };
  if (family === 6) return classifyIPv6(ipv6Bytes(ip));
  // Not canonical dotted decimal or IPv6: a resolver never answers `0x7f.1`, `0177.0.0.1`, `127.1` or
  // `2130706433`, yet inet_aton(3) and the WHATWG URL parser read them all as 127.0.0.1. Fail closed.
  return { kind: 'invalid', label: 'not an IP address in canonical form' };
}

function classifyIPv4(ip: string): Classification | undefined {
  for (const { range, list } of ipv4Lists) {
    if (list.check(ip, 'ipv4')) return { kind: range.kind, label: range.label };
  }
  return undefined;
}

function classifyIPv6(b: Uint8Array): Classification | undefined {
  const zeroUpTo = (n: number) => b.subarray(0, n).every((x) => x === 0);
  const word = (i: number) => (b[i]! << 8) | b[i + 1]!;
  const v4At = (i: number, xor = 0) => [0, 1, 2, 3].map((k) => b[i + k]! ^ xor).join('.');
  const embedded = (v4: string, form: string): Classification | undefined => {
    const inner = classifyIPv4(v4);
    return inner && { kind: inner.kind, label: `${form} of ${v4}, ${inner.label}` };
  };

  // RFC 4291 §2.5.2 and §2.5.3.
  if (zeroUpTo(16)) return { kind: 'special', label: 'the unspecified address (RFC 4291 §2.5.2)' };
  if (zeroUpTo(15) && b[15] === 1) {
    return { kind: 'loopback', label: 'the loopback address (RFC 4291 §2.5.3)' };
  }
  // RFC 4291 §2.5.5.2: IPv4-mapped ::ffff:a.b.c.d.
  if (zeroUpTo(10) && word(10) === 0xffff) {
    return embedded(v4At(12), 'an IPv4-mapped form (RFC 4291 §2.5.5.2)');
  }
  // RFC 4291 §2.5.5.1: IPv4-compatible ::a.b.c.d (deprecated).
  if (zeroUpTo(12)) return embedded(v4At(12), 'an IPv4-compatible form (RFC 4291 §2.5.5.1)');
  // RFC 2765 §2.1: IPv4-translated ::ffff:0:a.b.c.d (SIIT).
  if (zeroUpTo(8) && word(8) === 0xffff && word(10) === 0) {
    return embedded(v4At(12), 'an IPv4-translated form (RFC 2765)');
  }
  // RFC 6052 §2.1: the NAT64 well-known prefix 64:ff9b::/96 carries the IPv4 address in the last 32 bits.
  if (word(0) === 0x64 && word(2) === 0xff9b && b.subarray(4, 12).every((x) => x === 0)) {
    return embedded(v4At(12), 'a NAT64 form (RFC 6052)');
  }
  // RFC 8215: 64:ff9b:1::/48 is for local NAT64 use only.
  if (word(0) === 0x64 && word(2) === 0xff9b && word(4) === 1) {
    return { kind: 'private', label: 'a local-use NAT64 address (RFC 8215)' };
  }
  // RFC 3056 §2: 6to4 2002:a.b.c.d::/48.
  if (word(0) === 0x2002) return embedded(v4At(2), 'a 6to4 form (RFC 3056)');
  // RFC 4380 §4: Teredo 2001:0::/32; the client's IPv4 address is the last 32 bits, inverted.
  if (word(0) === 0x2001 && word(2) === 0) return embedded(v4At(12, 0xff), 'a Teredo form (RFC 4380)');
  // RFC 4193: unique local fc00::/7. RFC 4291 §2.5.6: link-local fe80::/10. RFC 4291 §2.7: multicast ff00::/8.
  if ((b[0]! & 0xfe) === 0xfc) return { kind: 'private', label: 'a unique local address (RFC 4193)' };
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) {
    return { kind: 'link-local', label: 'a link-local address (RFC 4291)' };
  }
  if (b[0] === 0xff) return { kind: 'special', label: 'a multicast address (RFC 4291 §2.7)' };
  // RFC 4291 §2.4 and the IANA IPv6 Address Space registry: only 2000::/3 is global unicast.
  if ((b[0]! & 0xe0) !== 0x20) {
    return { kind: 'special', label: 'outside global unicast 2000::/3 (RFC 4291 §2.4)' };
  }
  const text = ipv6Text(b);
  for (const { range, list } of ipv6Lists) {
    if (list.check(text, 'ipv6')) return { kind: range.kind, label: range.label };
  }
  return undefined;
}

/** The 16 bytes of a valid (isIP 6, zone-free) IPv6 address. */
function ipv6Bytes(ip: string): Uint8Array {
  // The WHATWG URL host parser is the standard IPv6 parser at hand: it validates and serializes to
  // RFC 5952 text with hex groups only (a dotted IPv4 tail becomes two groups), at most one `::`.
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

function ipv6Text(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return words.join(':');
}
