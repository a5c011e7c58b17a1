import type { ModelPrice } from "./cost";

// What one customer pays for one call: the model's price in force when the call started, with the
// margin of the customer's group. Pure, so the gateway's hot path (from its in-memory snapshot), the
// price list and the price guard all price a call the same way.

/** A price row as the snapshot keeps it: the price, and from when it applies. */
export interface ScheduledPrice extends ModelPrice {
  id: string;
  effectiveFrom: Date;
}

/** A customer group's margins: over every model (null: the model's own), and per model. */
export interface GroupMargins {
  marginBps: number | null;
  /** model id → margin in basis points */
  modelMargins: ReadonlyMap<string, number>;
}

/** A group row with its per-model margins → its margins. */
export const groupMarginsOf = (group: { marginBps: number | null; prices: ReadonlyArray<{ modelId: string; marginBps: number }> }): GroupMargins => ({
  marginBps: group.marginBps,
  modelMargins: new Map(group.prices.map((p) => [p.modelId, p.marginBps])),
});

/** The margin a member of `group` pays on a model: the group's for that model, else the group's, else the model's own. */
export function effectiveMarginBps(modelId: string, ownBps: number, group: GroupMargins | null): number {
  return group?.modelMargins.get(modelId) ?? group?.marginBps ?? ownBps;
}

/** The price in force at `at`: the latest that took effect by then (`schedule` is newest first). */
export function priceInForce<P extends { effectiveFrom: Date }>(schedule: readonly P[], at: Date): P | null {
  return schedule.find((p) => p.effectiveFrom.getTime() <= at.getTime()) ?? null;
}

/** What a member of `group` (null: no group) pays for a model, for a call started at `at`; null when it has no price then. */
export function customerPrice(model: { id: string; prices: readonly ScheduledPrice[] }, at: Date, group: GroupMargins | null): ScheduledPrice | null {
  const price = priceInForce(model.prices, at);
  return price && { ...price, marginBps: effectiveMarginBps(model.id, price.marginBps, group) };
}
