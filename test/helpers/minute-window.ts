/**
 * Rate-limit windows are minutes: start a burst well inside one, so it cannot straddle two. Waits for
 * the next minute when fewer than `marginMs` of this one are left.
 */
export async function awayFromMinuteEdge(marginMs = 10_000) {
  const into = Date.now() % 60_000;
  if (into > 60_000 - marginMs) await new Promise((r) => setTimeout(r, 60_000 - into + 100));
}
