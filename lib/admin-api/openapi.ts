import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ADMIN_SCOPES } from "../admin/tokens";
import { errorSchema, type AdminRoute } from "./define";
import { ADMIN_API_PREFIX } from "./serve";

// The admin API's OpenAPI 3.1 document, generated from the route definitions (the same zod schemas
// the server parses with), so a route cannot be served without being documented.

const ERRORS = {
  400: "The request is not valid (the message says which field and why)",
  401: "No admin token, or one that is unknown, revoked or expired",
  403: "The token's scope or address does not allow this",
  404: "No such thing, or nothing this token may see",
  409: "It conflicts with what exists (or the same Idempotency-Key is still running)",
  422: "The Idempotency-Key was used for another request",
} as const;

let cached: { routes: AdminRoute[]; document: unknown } | undefined;

export function adminApiDocument(routes: AdminRoute[]): unknown {
  if (cached?.routes === routes) return cached.document;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer", description: `An admin token (sk-admin-…). Scopes: ${ADMIN_SCOPES.join(", ")}.` });
  for (const r of routes) {
    const errors = Object.fromEntries(Object.entries(ERRORS).map(([status, description]) => [status, { description, content: { "application/json": { schema: errorSchema } } }]));
    registry.registerPath({
      method: r.method,
      path: `${ADMIN_API_PREFIX}${r.path}`,
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      tags: [r.tag],
      summary: r.summary,
      description: `Needs an admin token with the \`${r.scope}\` scope${r.scope === "read" ? " (every token has it)" : " or `full`"}.${r.idempotent ? " Send an `Idempotency-Key` header to make a retry safe: the same key and request get the first answer again, without running twice." : ""}`,
      security: [{ adminToken: [] }],
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.idempotent ? { headers: z.object({ "Idempotency-Key": z.string().max(255).optional() }) } : {}),
        ...(r.body ? { body: { required: true, content: { "application/json": { schema: r.body } } } } : {}),
      },
      responses: {
        [r.status ?? 200]: { description: "OK", content: { [r.produces ?? "application/json"]: { schema: r.response } } },
        ...errors,
      },
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "AIGNE Hub admin API",
      version: "1",
      description: "Operate the hub from code: users, teams, API keys, providers, models, prices, credits, budgets, settings, analytics, the audit log and configuration. Every error answers `{\"error\": {\"message\", \"type\", \"code\", \"param\"}}` with its HTTP status.",
    },
  });
  cached = { routes, document };
  return document;
}
