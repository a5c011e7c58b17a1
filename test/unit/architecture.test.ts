import { createRequire } from "node:module";
import path from "node:path";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";
import { beforeAll, describe, expect, it } from "vitest";

// The import rules of lib/ (.dependency-cruiser.cjs, docs/architecture.md), checked on the real
// source: billing and providers never import the gateway, the canonical format imports nothing of
// the hub, no module cycle — and the folders of lib/ form layers, with no cycle between them.

const root = path.resolve(import.meta.dirname, "../..");
const config = createRequire(import.meta.url)(path.join(root, ".dependency-cruiser.cjs")) as IConfiguration;
let result: ICruiseResult;

beforeAll(async () => {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { output } = await cruise(["lib", "app", "components", "workers"], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } });
    result = output as ICruiseResult;
  } finally {
    process.chdir(cwd);
  }
}, 60_000);

/** A lib/ module's unit: its folder (lib/billing), or the file itself for lib/*.ts (lib/env). */
const unitOf = (source: string) => {
  const [, first, second] = source.split("/");
  return second ? `lib/${first}` : `lib/${first!.replace(/\.tsx?$/, "")}`;
};

/** Folder → folders it imports, over every import (type-only ones included) between lib/ modules. */
function folderGraph(modules: ICruiseResult["modules"]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const cruised of modules) {
    if (!cruised.source.startsWith("lib/")) continue;
    const from = unitOf(cruised.source);
    for (const dependency of cruised.dependencies) {
      if (!dependency.resolved.startsWith("lib/")) continue;
      const to = unitOf(dependency.resolved);
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** One cycle of the graph as a path (a → b → a), or null when it has none. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const trail: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    trail.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") return [...trail.slice(trail.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    trail.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    if (state.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("the import rules of lib/", () => {
  it("cruises the whole source", () => {
    expect(result.summary.totalCruised).toBeGreaterThan(200);
  });

  it("holds every rule of .dependency-cruiser.cjs", () => {
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle?.length ? ` (${v.cycle.map((c) => c.name).join(" → ")})` : ""}`);
    expect(violations).toEqual([]);
  });

  it("has no import cycle between the folders of lib/", () => {
    expect(findCycle(folderGraph(result.modules))).toBeNull();
  });

  it("finds a cycle where there is one (the check can fail)", () => {
    const graph = new Map([
      ["lib/billing", new Set(["lib/db"])],
      ["lib/db", new Set(["lib/config"])],
      ["lib/config", new Set(["lib/db"])],
    ]);
    expect(findCycle(graph)).toEqual(["lib/db", "lib/config", "lib/db"]);
  });

  it("keeps billing and providers out of the gateway", () => {
    const graph = folderGraph(result.modules);
    expect([...(graph.get("lib/billing") ?? [])]).not.toContain("lib/gateway");
    expect([...(graph.get("lib/providers") ?? [])].filter((to) => to === "lib/gateway" || to === "lib/billing")).toEqual([]);
  });
});
