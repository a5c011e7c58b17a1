import { db, type Tx } from "./client";
import { env } from "../env";
import { log } from "../log";
import { processSingleton } from "../singleton";

// Operator changes (CLI, UI, another process) must reach every running process within a second.
// Each change bumps ConfigVersion in its own transaction; every process polls that one row every
// HUB_CONFIG_POLL_MS and, when it moved, tells its caches to drop what they hold.

// transactions that bumped the version: after they commit, this process drops its caches at once
// instead of waiting for its next poll (see lib/db/transaction.ts)
const bumped = new WeakSet<object>();

/** Call inside the transaction that makes an operator change. */
export async function bumpConfigVersion(tx: Tx): Promise<void> {
  await tx.configVersion.upsert({
    where: { id: 1 },
    create: { id: 1, version: 1 },
    update: { version: { increment: 1 } },
  });
  bumped.add(tx);
}

export function didBumpConfig(tx: object): boolean {
  return bumped.has(tx);
}

type Listener = () => void;

class ChangeFeed {
  /** Increases on every observed change; caches compare it to drop loads that raced a change. */
  generation = 0;
  private version: number | undefined;
  private listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private failing = false;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => this.listeners.delete(listener);
  }

  /** Drops every cache now (used after a change made by this very process). */
  invalidate(): void {
    this.generation++;
    for (const listener of this.listeners) listener();
  }

  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const row = await db().configVersion.findUnique({ where: { id: 1 }, select: { version: true } });
      const version = row?.version ?? 0;
      if (this.version !== undefined && version !== this.version) this.invalidate();
      this.version = version;
      if (this.failing) log.info("config change poll recovered");
      this.failing = false;
    } catch (error) {
      // once per outage, not four times a second
      if (!this.failing) log.warn({ err: (error as Error).message }, "config change poll failed; caches keep their contents until it recovers");
      this.failing = true;
    } finally {
      this.polling = false;
    }
  }

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), env().HUB_CONFIG_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

export const changeFeed = processSingleton("change-feed", () => new ChangeFeed());

/**
 * A cache that empties whenever the configuration changes. A load that started before a change
 * and finishes after it is returned to its caller but not kept, so stale data cannot stick.
 */
export class ConfigCache<K, V> {
  private entries = new Map<K, { value: V; expiresAt: number }>();
  private loading = new Map<K, Promise<V>>();
  private subscribed = false;

  constructor(
    private readonly load: (key: K) => Promise<V>,
    private readonly options: { ttlMs: number; maxEntries: number },
  ) {}

  get(key: K): Promise<V> {
    // subscribing starts the poller: only on first use, never at import (e.g. during `next build`)
    if (!this.subscribed) {
      this.subscribed = true;
      changeFeed.subscribe(() => {
        this.entries.clear();
        this.loading.clear();
      });
    }
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return Promise.resolve(hit.value);
    // concurrent misses for one key share a single load
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.fill(key);
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async fill(key: K): Promise<V> {
    const generation = changeFeed.generation;
    try {
      const value = await this.load(key);
      if (generation === changeFeed.generation) {
        if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
        this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
      }
      return value;
    } finally {
      if (generation === changeFeed.generation) this.loading.delete(key);
    }
  }
}
