import "server-only";
import { priceList } from "../billing/price-list";
import { groupMarginsOf } from "../billing/customer-price";
import type { Caller } from "../caller";
import { db } from "../db/client";
import { storedModelPatterns } from "../model-patterns";

// The public price list, as the one reading it pays: a signed-in customer in a group sees the prices
// at their group's margins and only the models their group may call; anyone else, the hub's own.

/** The price list for this caller (null: a visitor); `group` names the customer's group, if any. */
export async function pricesFor(caller: Caller | null) {
  const user = caller && (await db().user.findUnique({ where: { id: caller.id }, select: { group: { include: { prices: { select: { modelId: true, marginBps: true } } } } } }));
  const group = user?.group ?? null;
  const list = await priceList({ enabledOnly: true, group: group && groupMarginsOf(group) });
  if (!group) return { ...list, group: null };
  const allowed = storedModelPatterns(group.allowedModels);
  return { ...list, group: group.name, models: list.models.filter((m) => allowed(m.name)) };
}
