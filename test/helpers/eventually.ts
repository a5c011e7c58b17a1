/**
 * Retries `run` until it stops throwing, or rethrows its last error after `timeoutMs`. Resolves with
 * its value and when the attempt that succeeded was sent: how soon a change took effect, not counting
 * the duration of that last call (which a busy machine stretches).
 */
export async function eventually<T>(run: () => Promise<T>, timeoutMs = 2000, intervalMs = 50): Promise<{ value: T; effectiveAfterMs: number }> {
  const start = Date.now();
  for (;;) {
    const attempt = Date.now();
    try {
      return { value: await run(), effectiveAfterMs: attempt - start };
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
