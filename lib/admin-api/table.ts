import type { Serve } from "../gateway/routes";
import { Reply } from "../http/reply";
import type { AdminRoute } from "./define";
import { adminApiDocument } from "./openapi";
import { alertRoutes } from "./routes/alerts";
import { analyticsRoutes } from "./routes/analytics";
import { auditRoutes } from "./routes/audit";
import { billingRoutes } from "./routes/billing";
import { catalogRoutes } from "./routes/catalog";
import { codeRoutes } from "./routes/codes";
import { groupRoutes } from "./routes/groups";
import { hubRoutes } from "./routes/hub";
import { keyRoutes } from "./routes/keys";
import { teamRoutes } from "./routes/teams";
import { userRoutes } from "./routes/users";
import { ADMIN_API_PREFIX, noSuchRoute, serveRoute } from "./serve";

// The admin API's table: every route under /api/admin/v1, served from Node like the gateway's
// (lib/server.ts puts the two tables side by side) and documented from the same definitions.

export const adminRoutes: AdminRoute[] = [...userRoutes, ...teamRoutes, ...keyRoutes, ...billingRoutes, ...codeRoutes, ...catalogRoutes, ...groupRoutes, ...analyticsRoutes, ...auditRoutes, ...alertRoutes, ...hubRoutes];

const compiled = adminRoutes.map((definition) => {
  const names: string[] = [];
  const source = definition.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { definition, names, pattern: new RegExp(`^${source}$`) };
});

// the document is public: it describes shapes, never data
const openapi: Serve = () => Reply.json(adminApiDocument(adminRoutes), { "cache-control": "no-cache" });

/** What serves this request if its path is the admin API's; null otherwise. */
export function adminApiRoute(method: string, path: string): Serve | null {
  if (path !== ADMIN_API_PREFIX && !path.startsWith(`${ADMIN_API_PREFIX}/`)) return null;
  const rest = path.slice(ADMIN_API_PREFIX.length);
  if (rest === "/openapi.json") return method === "GET" || method === "HEAD" ? openapi : noSuchRoute(["GET"]);
  const verb = (method === "HEAD" ? "GET" : method).toLowerCase();
  const allowed: string[] = [];
  for (const { definition, names, pattern } of compiled) {
    const match = pattern.exec(rest);
    if (!match) continue;
    if (definition.method !== verb) {
      allowed.push(definition.method.toUpperCase());
      continue;
    }
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    } catch {
      continue;
    }
    return serveRoute(definition, params);
  }
  return noSuchRoute(allowed.length ? allowed : null);
}
