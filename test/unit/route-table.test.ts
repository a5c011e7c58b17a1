import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiRoute as gatewayRoute } from "@/lib/api-routes";

// The hub serves its API from one table (lib/gateway/routes.ts) before Next sees a request: a Next
// route under a path of the table would be dead code in production yet answer under another server,
// and one under an API prefix of the table (/v1) would never be reached. Every app/**/route.ts must
// therefore lie outside the table.

const APP = path.resolve(import.meta.dirname, "../../app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The URL a route file answers: route groups drop out, a dynamic segment stands for some value. */
function urlPath(file: string): string {
  const segments = path
    .relative(APP, path.dirname(file))
    .split(path.sep)
    .filter((segment) => segment && !/^\(.*\)$/.test(segment))
    .map((segment) => segment.replace(/^\[+(\.\.\.)?([^\]]+)\]+$/, "$2"));
  return `/${segments.join("/")}`;
}

const exportedMethods = (file: string) =>
  METHODS.filter((method) => new RegExp(`export\\s+(const|async\\s+function|function)\\s+${method}\\b|\\bas\\s+${method}\\b`).test(readFileSync(file, "utf8")));

describe("one route table", () => {
  const routes = routeFiles(APP).map((file) => ({ file: path.relative(APP, file), path: urlPath(file), methods: exportedMethods(file) }));

  it("finds Next's route files and their methods", () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes).toContainEqual({ file: path.join("api", "auth", "[...nextauth]", "route.ts"), path: "/api/auth/nextauth", methods: ["GET", "POST"] });
  });

  it("leaves every path of Next's routes to Next (none repeats or shadows the table)", () => {
    // a path of the table answers every method (405 for those it does not serve)
    const shadowed = routes.flatMap((route) => (route.methods.length ? route.methods : ["GET"]).filter((method) => gatewayRoute(method, route.path) !== null).map((method) => `${method} ${route.path} (app/${route.file})`));
    expect(shadowed).toEqual([]);
  });

  it("would see a Next route that repeats the table", () => {
    expect(urlPath(path.join(APP, "v1", "chat", "completions", "route.ts"))).toBe("/v1/chat/completions");
    expect(gatewayRoute("POST", "/v1/chat/completions")).not.toBeNull();
    expect(urlPath(path.join(APP, "(api)", "api", "user", "info", "route.ts"))).toBe("/api/user/info");
    expect(gatewayRoute("GET", "/api/user/info")).not.toBeNull();
    expect(gatewayRoute("GET", "/v1/anything")).not.toBeNull();
    expect(gatewayRoute("GET", "/api/admin/v1/users")).not.toBeNull();
    expect(gatewayRoute("GET", "/api/admin/v1/anything")).not.toBeNull();
  });
});

describe("the gateway's OpenAPI document", () => {
  it("documents every path and method of the table, and nothing else", async () => {
    const [{ gatewayPaths }, { GATEWAY_DOCS, gatewayDocument }] = await Promise.all([import("@/lib/gateway/routes"), import("@/lib/gateway/openapi")]);
    const table = gatewayPaths().flatMap(({ path, methods }) => methods.map((method) => `${method} ${path}`)).sort();
    expect(Object.keys(GATEWAY_DOCS).sort()).toEqual(table);
    const document = gatewayDocument() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(document.openapi).toBe("3.1.0");
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(table);
    // the bodies are the schemas the routes parse with
    expect(document.paths["/v1/chat/completions"]!.post!.requestBody).toMatchObject({ content: { "application/json": { schema: { properties: { model: {}, messages: {} } } } } });
  });
});
