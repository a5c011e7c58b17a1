import { emit } from "../../alerts/emit";
import { bumpConfigVersion } from "../../db/change-feed";
import { db, type Tx } from "../../db/client";
import { transaction } from "../../db/transaction";
import { log } from "../../log";
import { formatUsd } from "../../money";
import { storedModelPatterns } from "../../model-patterns";
import type { ProviderType } from "../../providers/types";
import { settings } from "../../settings";
import { effectiveMarginBps, groupMarginsOf } from "../customer-price";
import { componentsOf, differences, PRICE_COMPONENTS, sellsBelowCost, type ComponentCosts, type ComponentGap } from "../price-components";
import { defaultPrice } from "../prices";
import { catalogueKey, fetchCatalogue, type Catalogue } from "./catalogue";

// The price guard: every enabled model's current price against the providers' list prices — the
// bundled @pydantic/genai-prices data and, when configured, the operator's catalogue. Drift is a
// provider cost that differs from the list; below cost is a component sold (cost × (1 + margin), the
// model's own margin and every group's) for less than the list's provider cost. Each model's findings
// are replaced at every check; a model newly selling below cost raises an alert, and the gateway
// refuses its underpriced calls when the operator asks it to (lib/gateway/policy.ts).

export type PriceSource = "bundled" | "catalogue";

interface Finding extends ComponentGap {
  kind: "drift" | "below_cost";
  source: PriceSource;
  groupId: string | null;
}

export interface PriceCheck {
  checkedAt: Date;
  models: number;
  drift: number;
  belowCost: number;
  /** whether the configured catalogue was compared (absent: none is configured) */
  catalogue?: { ok: true; entries: number } | { ok: false; error: string };
}

/** Component by component, the highest of several price lists (a model routed to several deployments may cost any of them). */
function highest(lists: ComponentCosts[]): ComponentCosts | null {
  if (lists.length === 0) return null;
  const top: ComponentCosts = {};
  for (const list of lists) {
    for (const component of PRICE_COMPONENTS) {
      const value = list[component];
      if (value !== undefined && (top[component] === undefined || value > top[component])) top[component] = value;
    }
  }
  return top;
}

type Deployment = { upstreamModel: string; provider: { type: string } };

/** The reference provider cost of a model from each source that knows one of its deployments. */
function referencesOf(deployments: Deployment[], catalogue: Catalogue | null): Array<{ source: PriceSource; costs: ComponentCosts }> {
  // a local model (ollama) has no provider price to compare with
  const priced = deployments.filter((d) => d.provider.type !== "ollama");
  const bundled = highest(priced.flatMap((d) => {
    const list = defaultPrice(d.provider.type as ProviderType, d.upstreamModel);
    return list ? [componentsOf(list)] : [];
  }));
  const listed = catalogue ? highest(priced.flatMap((d) => catalogue.get(catalogueKey(d.provider.type, d.upstreamModel)) ?? [])) : null;
  return [...(bundled ? [{ source: "bundled" as const, costs: bundled }] : []), ...(listed ? [{ source: "catalogue" as const, costs: listed }] : [])];
}

const findingKey = (f: { kind: string; source: string; component: string; groupId: string | null }) => `${f.kind}:${f.source}:${f.component}:${f.groupId ?? ""}`;

async function loadCatalogue(url: string | null): Promise<{ catalogue: Catalogue | null; report?: PriceCheck["catalogue"] }> {
  if (!url) return { catalogue: null };
  try {
    const catalogue = await fetchCatalogue(url);
    return { catalogue, report: { ok: true, entries: catalogue.size } };
  } catch (error) {
    // the bundled list is still compared; the admin sees why the catalogue was not
    const message = (error as Error).message.slice(0, 300);
    log.warn({ err: message }, "price guard: could not read the price catalogue");
    return { catalogue: null, report: { ok: false, error: message } };
  }
}

/** Replaces a model's findings; true when what it sells below cost changed (the gateway's snapshot must reload). */
async function replaceFindings(tx: Tx, modelId: string, previous: Array<{ kind: string; source: string; component: string; groupId: string | null }>, findings: Finding[], checkedAt: Date): Promise<boolean> {
  await tx.priceFinding.deleteMany({ where: { modelId } });
  if (findings.length) {
    await tx.priceFinding.createMany({
      data: findings.map((f) => ({ modelId, kind: f.kind, source: f.source, component: f.component, groupId: f.groupId, hubNanoUsd: f.hubNanoUsd, referenceNanoUsd: f.referenceNanoUsd, checkedAt })),
    });
  }
  const floor = (list: Array<{ kind: string; component: string; referenceNanoUsd?: bigint }>) =>
    list.filter((f) => f.kind === "below_cost").map((f) => `${f.component}:${f.referenceNanoUsd ?? ""}`).sort().join(",");
  return floor(previous) !== floor(findings);
}

/** Checks every enabled model's current price; stores the findings and alerts on new below-cost ones. */
export async function checkPrices(): Promise<PriceCheck> {
  const checkedAt = new Date();
  const config = await settings();
  const [{ catalogue, report }, models, groups] = await Promise.all([
    loadCatalogue(config.priceSourceUrl),
    db().model.findMany({
      where: { enabled: true },
      include: {
        deployments: { select: { upstreamModel: true, provider: { select: { type: true } } } },
        prices: { where: { effectiveFrom: { lte: checkedAt } }, orderBy: { effectiveFrom: "desc" }, take: 1 },
        priceFindings: { select: { kind: true, source: true, component: true, groupId: true, referenceNanoUsd: true } },
      },
    }),
    db().customerGroup.findMany({ include: { prices: { select: { modelId: true, marginBps: true } } } }),
  ]);
  const sellers = [{ id: null, name: "its own margin", margins: null, allowed: () => true }, ...groups.map((g) => ({ id: g.id, name: `group ${g.name}`, margins: groupMarginsOf(g), allowed: storedModelPatterns(g.allowedModels) }))];
  const result: PriceCheck = { checkedAt, models: models.length, drift: 0, belowCost: 0, ...(report ? { catalogue: report } : {}) };
  let floorsMoved = false;

  for (const model of models) {
    const price = model.prices[0];
    const findings: Finding[] = [];
    if (price) {
      const hub = { ...price, cacheWriteNanoUsdPer1M: price.cachedWriteNanoUsdPer1M };
      for (const { source, costs } of referencesOf(model.deployments, catalogue)) {
        findings.push(...differences(componentsOf(hub), costs).map((gap) => ({ ...gap, kind: "drift" as const, source, groupId: null })));
        // a group whose members may not call the model does not sell it
        for (const seller of sellers.filter((s) => s.allowed(model.name))) {
          const marginBps = effectiveMarginBps(model.id, price.marginBps, seller.margins);
          findings.push(...sellsBelowCost({ ...hub, marginBps }, costs).map((gap) => ({ ...gap, kind: "below_cost" as const, source, groupId: seller.id })));
        }
      }
    }
    const moved = await transaction((tx) => replaceFindings(tx, model.id, model.priceFindings, findings, checkedAt));
    floorsMoved ||= moved;
    result.drift += findings.filter((f) => f.kind === "drift").length;
    result.belowCost += findings.filter((f) => f.kind === "below_cost").length;

    const known = new Set(model.priceFindings.map(findingKey));
    const fresh = findings.filter((f) => f.kind === "below_cost" && !known.has(findingKey(f)));
    if (fresh.length && price) {
      const sellerName = (groupId: string | null) => sellers.find((s) => s.id === groupId)!.name;
      const details = fresh.map((f) => `${f.component} (${sellerName(f.groupId)}) sells at $${formatUsd(f.hubNanoUsd)} against a ${f.source} cost of $${formatUsd(f.referenceNanoUsd)}`).join("; ");
      emit("price.below_cost", { modelId: model.id, model: model.name, details }, { dedupKey: `below_cost:${price.id}:${fresh.map(findingKey).sort().join(",")}` });
    }
  }
  // the gateway refuses underpriced calls from its snapshot: it must see the new findings
  if (floorsMoved) await transaction((tx) => bumpConfigVersion(tx));
  return result;
}
