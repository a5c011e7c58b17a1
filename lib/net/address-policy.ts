import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

// Which addresses the hub may connect to on a tenant's behalf (image URLs). The ranges are ipaddr.js's
// (IANA special-purpose registries), not ours: only what it calls "unicast" is public. On top of it,
// IPv6 must lie in 2000::/3, the only block IANA allocates for global unicast — which also shuts out
// every address that embeds an IPv4 one without a range of its own in ipaddr.js: IPv4-compatible
// ::a.b.c.d (deprecated, "unicast" to ipaddr.js and to request-filtering-agent), ::ffff:a.b.c.d in
// every spelling, SIIT ::ffff:0:a.b.c.d. NAT64 (64:ff9b::/96, /48), 6to4 (2002::/16) and Teredo
// (2001::/32) have ranges of their own and are refused whole: an image host does not need them, and
// the IPv4 address inside could be anything.

export type AddressFamily = 4 | 6;

export interface CheckedAddress {
  address: string;
  family: AddressFamily;
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/** Whether a connection to this IP address (v4 or v6, any spelling Node's net accepts) leaves the hub's own networks. */
export function isPublicAddress(address: string): boolean {
  if (!isIP(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.range() !== "unicast") return false;
  return parsed.kind() === "ipv4" || (parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
}

/** Why a host was refused; the message is safe to show a tenant (it names no address). */
export class AddressRefused extends Error {
  override name = "AddressRefused";
  constructor(readonly reason: "not_allowed" | "unresolvable") {
    super(reason === "not_allowed" ? "the host is not allowed" : "the host could not be resolved");
  }
}

export type Resolver = (hostname: string) => Promise<CheckedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address of the name. */
export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as AddressFamily }));

/** A URL's hostname as Node's net takes it: IPv6 literals lose their brackets. */
export const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Resolves a host once and returns the address to connect to. With `checked`, every address the
 * name has must be public (a name with one private address among public ones is refused: the
 * connection could land on either); without it (an operator's allow-list), the first address is taken
 * as it is. Either way the caller connects to the returned address and never resolves again, so
 * a DNS answer that changes between check and connect (rebinding) cannot redirect it.
 */
export async function resolveHost(hostname: string, options: { checked: boolean; resolve?: Resolver }): Promise<CheckedAddress> {
  const host = bareHost(hostname);
  const family = isIP(host);
  const addresses = family ? [{ address: host, family: family as AddressFamily }] : await (options.resolve ?? systemResolver)(host).catch(() => []);
  if (addresses.length === 0) throw new AddressRefused("unresolvable");
  if (options.checked && !addresses.every((a) => isPublicAddress(a.address))) throw new AddressRefused("not_allowed");
  return addresses[0]!;
}
