import { assertAdmin, type Caller } from "../caller";
import { db } from "../db/client";
import { routeStats, type RoutingDecision } from "../gateway/route-stats";

// What the admin sees of routing: each model's strategy and the last decisions this process made for
// it (kept in memory per process: with several app processes, each shows its own).

export interface ModelRouting {
  strategy: string;
  /** every call to the model opts into the response cache */
  responseCache: boolean;
  /** newest first; credentials named as the admin knows them */
  decisions: (RoutingDecision & { credentialNames: Record<string, string> })[];
}

export async function modelRouting(caller: Caller): Promise<Map<string, ModelRouting>> {
  assertAdmin(caller, "routing decisions");
  const [models, credentials] = await Promise.all([
    db().model.findMany({ select: { id: true, routingStrategy: true, responseCache: true } }),
    db().credential.findMany({ select: { id: true, name: true } }),
  ]);
  const credentialNames = Object.fromEntries(credentials.map((c) => [c.id, c.name]));
  return new Map(models.map((m) => [m.id, { strategy: m.routingStrategy, responseCache: m.responseCache, decisions: routeStats.decisionsOf(m.id).map((d) => ({ ...d, credentialNames })) }]));
}
