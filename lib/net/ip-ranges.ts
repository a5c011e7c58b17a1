import ipaddr from "ipaddr.js";

// Address ranges as operators write them in settings and allow-lists: "10.0.0.0/8", "2001:db8::/32",
// or one address ("203.0.113.7"), which is a range of its own.

export type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Range = [Address, number];

/** A range from its text; throws on anything that is not an address or CIDR range. */
export function parseRange(entry: string): Range {
  if (entry.includes("/")) return ipaddr.parseCIDR(entry);
  const address = ipaddr.process(entry);
  return [address, address.kind() === "ipv4" ? 32 : 128];
}

export const inRange = (address: Address, [range, bits]: Range): boolean => range.kind() === address.kind() && address.match([range, bits] as never);
