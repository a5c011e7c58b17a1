import { assertAdmin, type Caller } from "../caller";
import type { PriceComponent } from "../billing/price-components";
import { checkPrices, type PriceSource } from "../billing/price-guard/check";
import { db } from "../db/client";
import { transaction } from "../db/transaction";
import { formatUsd } from "../money";
import { audit, type Actor } from "./audit";

// What the price guard found (lib/billing/price-guard/), for the models page, the admin API and the
// CLI: drift from the list prices, and components sold below the provider's cost.

export interface PriceFindingView {
  model: string;
  kind: "drift" | "below_cost";
  source: PriceSource;
  component: PriceComponent;
  /** the group whose margin sells below cost (null: the model's own margin) */
  group: string | null;
  /** the hub's provider cost (drift) or what it sells for (below cost), USD per 1M tokens (per image, per minute of audio, per 1M characters, per second of video) */
  hubUsd: string;
  referenceUsd: string;
  checkedAt: Date;
}

export async function priceFindings(caller: Caller): Promise<PriceFindingView[]> {
  assertAdmin(caller, "price findings");
  const [rows, groups] = await Promise.all([
    db().priceFinding.findMany({ include: { model: { select: { name: true } } }, orderBy: [{ model: { name: "asc" } }, { kind: "asc" }, { component: "asc" }] }),
    db().customerGroup.findMany({ select: { id: true, name: true } }),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return rows.map((f) => ({
    model: f.model.name,
    kind: f.kind as PriceFindingView["kind"],
    source: f.source as PriceSource,
    component: f.component as PriceComponent,
    group: f.groupId ? (groupName.get(f.groupId) ?? null) : null,
    hubUsd: formatUsd(f.hubNanoUsd),
    referenceUsd: formatUsd(f.referenceNanoUsd),
    checkedAt: f.checkedAt,
  }));
}

/** Runs the price guard now, rather than at its next hourly run; audited, as what it finds may refuse calls. */
export async function runPriceCheck(actor: Actor) {
  const result = await checkPrices();
  await transaction((tx) => audit(tx, actor, "prices.check", null, { ...result, checkedAt: result.checkedAt.toISOString() }));
  return result;
}
