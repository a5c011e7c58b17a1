import type { UpstreamTarget } from "../types";

/**
 * SDK clients, one per provider record and credential (and an optional variant such as a timeout).
 * Registry snapshots are rebuilt when the configuration changes; keying on the snapshot's provider
 * object lets the clients of an old snapshot be garbage-collected with it.
 */
export function sdkClients<T>(create: (target: UpstreamTarget, variant: string) => T) {
  const clients = new WeakMap<object, Map<string, T>>();
  return (target: UpstreamTarget, variant = ""): T => {
    let byKey = clients.get(target.provider);
    if (!byKey) clients.set(target.provider, (byKey = new Map()));
    const key = `${target.credential?.id ?? ""}|${variant}`;
    let client = byKey.get(key);
    if (!client) byKey.set(key, (client = create(target, variant)));
    return client;
  };
}

/** Conversation turns merged so that roles alternate (consecutive same-role turns become one). */
export function alternating<R extends string, I>(turns: Array<{ role: R; items: I[] }>): Array<{ role: R; items: I[] }> {
  const merged: Array<{ role: R; items: I[] }> = [];
  for (const turn of turns) {
    if (turn.items.length === 0) continue;
    const last = merged.at(-1);
    if (last?.role === turn.role) last.items.push(...turn.items);
    else merged.push({ role: turn.role, items: [...turn.items] });
  }
  return merged;
}
