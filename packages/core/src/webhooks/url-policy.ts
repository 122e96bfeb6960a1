/**
 * Which URLs the server may call (no SSRF into private networks).
 *
 * Unless private addresses are allowed (development and test by default, or
 * WEBHOOK_ALLOW_PRIVATE=true), an endpoint must be `https` and every address its
 * host resolves to must be public unicast: not loopback, private (RFC 1918),
 * link-local (the 169.254.169.254 metadata service), CGNAT, multicast,
 * broadcast, unspecified, reserved, IPv6 unique-local or link-local, or an IPv6
 * form that embeds an IPv4 address (mapped, compatible, 6to4, Teredo, NAT64); an
 * IPv6 address must be global unicast (2000::/3). Ranges come
 * from ipaddr.js. The check runs when an endpoint is created or changed, and
 * again when each delivery connects (the sender connects only to an address
 * this module has just approved, so DNS cannot be switched in between).
 */
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { validationFailed } from '../shared/errors.js';

export interface WebhookUrlPolicy {
  /** Allow http and private/loopback addresses (development; an explicit opt-in elsewhere). */
  allowPrivate: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** IPv6 global unicast (RFC 4291): every other IPv6 block is special or unassigned. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/** Why an address may not be called, or undefined when it is public unicast. */
export function refusedRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 one.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range !== 'unicast') return range;
  // ipaddr.js calls everything it has no name for "unicast", IPv4-compatible ::a.b.c.d
  // (::/96) and the discard prefix 100::/64 among them: an IPv6 address must be global unicast.
  if (parsed.kind() === 'ipv6' && !parsed.match(IPV6_GLOBAL_UNICAST)) return 'notGlobalUnicast';
  return undefined;
}

/** Whether a URL's host is an IP address (with or without IPv6 brackets) rather than a name. */
export const isIpLiteral = (hostname: string): boolean =>
  ipaddr.isValid(hostname.replace(/^\[(.*)\]$/, '$1'));

/** The host of a URL without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** A URL endpoints may use, or VALIDATION_FAILED naming the reason. Syntax and scheme only (no DNS). */
export function parseWebhookUrl(raw: string, policy: WebhookUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('url is not a valid absolute URL', 'invalid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refuse('url must use https', 'scheme');
  }
  if (url.protocol === 'http:' && !policy.allowPrivate) {
    throw refuse('url must use https', 'scheme');
  }
  if (url.username || url.password)
    throw refuse('url must not contain a user name or password', 'credentials');
  if (!url.hostname) throw refuse('url has no host', 'invalid');
  return url;
}

/**
 * The addresses `hostname` may be reached at under `policy`: every address it
 * resolves to, all of them allowed; otherwise VALIDATION_FAILED naming why.
 */
export async function resolveAllowed(
  hostname: string,
  policy: WebhookUrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw refuse(`url host ${host} does not resolve to any address`, 'dns');
  }
  if (policy.allowPrivate) return addresses;
  for (const { address } of addresses) {
    const range = refusedRange(address);
    if (range) {
      throw refuse(
        `url host ${host} resolves to ${address}, a ${range} address; only public addresses are allowed`,
        range,
      );
    }
  }
  return addresses;
}

/** Check a URL fully (syntax, scheme, and where its host resolves); returns it normalised. */
export async function checkWebhookUrl(
  raw: string,
  policy: WebhookUrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<string> {
  const url = parseWebhookUrl(raw, policy);
  await resolveAllowed(bareHost(url), policy, resolve);
  return url.toString();
}

function refuse(message: string, reason: string) {
  return validationFailed(message, { field: 'url', reason });
}
