import ipaddr from "ipaddr.js";
import { env } from "../env";
import { inRange, parseRange, type Address, type Range } from "../net/ip-ranges";

// Whom to count a sign-in or sign-up against. The socket's address is the only one a client cannot
// choose: scripts/server.cjs writes it into PEER_HEADER on every request (overwriting whatever the
// client sent). X-Forwarded-For is believed only from proxies the operator lists in
// HUB_TRUSTED_PROXIES; otherwise an attacker would send a new address with every guess.

export const PEER_HEADER = "x-hub-peer";

let parsedRanges: { source: string; ranges: Range[] } | undefined;

function trustedRanges(source: string): Range[] {
  if (parsedRanges?.source !== source) {
    const ranges = source
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map(parseRange);
    parsedRanges = { source, ranges };
  }
  return parsedRanges.ranges;
}

function parse(value: string): Address | null {
  const trimmed = value.trim();
  // process() turns ::ffff:1.2.3.4 into 1.2.3.4, so one client has one key
  return ipaddr.isValid(trimmed) ? ipaddr.process(trimmed) : null;
}

const trustedBy = (source: string) => (address: Address) => trustedRanges(source).some((range) => inRange(address, range));

/**
 * The client's address: the socket's, or — when the socket is a trusted proxy — the nearest address in
 * X-Forwarded-For that is not itself a trusted proxy. "unknown" when Next runs without the hub's own
 * server in front (which sets x-hub-peer), so all such clients share one bucket.
 */
export function clientAddress(headers: { get(name: string): string | null }, trustedProxies = env().HUB_TRUSTED_PROXIES): string {
  const trusted = trustedBy(trustedProxies);
  const peer = parse(headers.get(PEER_HEADER) ?? "");
  if (!peer) return "unknown";
  let client = peer;
  if (trusted(client)) {
    const hops = (headers.get("x-forwarded-for") ?? "").split(",").reverse();
    for (const hop of hops) {
      const address = parse(hop);
      if (!address) break;
      client = address;
      if (!trusted(address)) break;
    }
  }
  return client.toString();
}
