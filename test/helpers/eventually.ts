/** Retries `run` until it stops throwing, or rethrows its last error after `timeoutMs`. Resolves with how long it took. */
export async function eventually<T>(run: () => Promise<T>, timeoutMs = 2000, intervalMs = 50): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  for (;;) {
    try {
      return { value: await run(), elapsedMs: Date.now() - start };
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
