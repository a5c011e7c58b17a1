// Job payloads travel as JSON; money (bigint) and times (Date) are tagged so they come back typed.

type Tagged = { $bigint: string } | { $date: string };

export function toWire(value: unknown): unknown {
  if (typeof value === "bigint") return { $bigint: value.toString() } satisfies Tagged;
  if (value instanceof Date) return { $date: value.toISOString() } satisfies Tagged;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

export function fromWire<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => fromWire(v)) as T;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.$bigint === "string") return BigInt(record.$bigint) as T;
    if (typeof record.$date === "string") return new Date(record.$date) as T;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromWire(v)])) as T;
  }
  return value as T;
}
