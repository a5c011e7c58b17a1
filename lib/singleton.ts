// Next.js bundles every route into separate module graphs, and the hub's server
// runs the gateway from a bundle of its own (dist/gateway.mjs), so a module-level variable can exist
// several times in one process. Process-wide state (the database client, the
// usage queue, caches, the shutdown registry) lives on globalThis under a well-known symbol instead.
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`aigne-hub.${name}`);
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  let value = store[key];
  if (value === undefined) {
    value = create();
    store[key] = value;
  }
  return value;
}

/** The singleton if this process created it, without creating it. */
export function existingSingleton<T>(name: string): T | undefined {
  return (globalThis as unknown as Record<symbol, T | undefined>)[Symbol.for(`aigne-hub.${name}`)];
}
