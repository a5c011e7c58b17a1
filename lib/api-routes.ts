import { adminApiRoute } from "./admin-api/table";
import type { RouteLookup } from "./gateway/node-front";
import { gatewayRoute } from "./gateway/routes";
import { notServedHere } from "./gateway/errors";
import type { HubRole } from "./roles";

/** Every API the hub serves from Node: the gateway's table and the admin API's (neither overlaps the other). */
export const apiRoute: RouteLookup = (method, path) => adminApiRoute(method, path) ?? gatewayRoute(method, path);

// every role answers its probes, whatever else it leaves to another process
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/** The admin role: the admin API, the probes, and Next for the rest; a gateway call is another process's. */
const adminRole: RouteLookup = (method, path) => {
  const admin = adminApiRoute(method, path);
  if (admin) return admin;
  const gateway = gatewayRoute(method, path);
  if (!gateway) return null;
  return PROBES.has(path) ? gateway : notServedHere;
};

/**
 * What this process answers from Node, by role. Null hands the request on to Next. A gateway replica
 * answers its table and nothing else (so no request ever loads the web UI into it); the admin process
 * everything but gateway calls; `all` everything.
 */
export function apiRouteFor(role: HubRole): RouteLookup {
  if (role === "gateway") return (method, path) => gatewayRoute(method, path) ?? notServedHere;
  if (role === "admin") return adminRole;
  return apiRoute;
}
