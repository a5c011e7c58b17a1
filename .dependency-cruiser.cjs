/**
 * The import rules of lib/ (docs/architecture.md explains the layers). `npm test` runs
 * `depcruise` with these rules in its lint step; test/unit/architecture.test.ts also proves that the
 * folders of lib/ import each other without a cycle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "billing-below-gateway",
      comment: "Money is settled without the request pipeline: billing takes budgets, holds, prices and usage as its own types.",
      severity: "error",
      from: { path: "^lib/billing/" },
      to: { path: "^lib/(gateway|auth|admin|dal|ui|analytics|cli)/" },
    },
    {
      name: "providers-below-gateway-and-billing",
      comment: "Adapters translate the canonical format to a provider and back; they know nothing of routing, keys or money.",
      severity: "error",
      from: { path: "^lib/providers/" },
      to: { path: "^lib/(gateway|billing|auth|admin|dal|ui|analytics|cli|jobs)/" },
    },
    {
      name: "canonical-is-a-leaf",
      comment: "The canonical request/chunk/usage types are shared by both sides of the gateway and import neither.",
      severity: "error",
      from: { path: "^lib/canonical/" },
      to: { path: "^lib/(?!canonical/)[^/]+/" },
    },
    {
      name: "jobs-run-what-they-are-given",
      comment: "The queue is infrastructure: handlers are registered by the modules that own them (lib/billing/jobs.ts).",
      severity: "error",
      from: { path: "^lib/jobs/" },
      to: { path: "^lib/(gateway|billing|admin|auth)/" },
    },
    {
      name: "alerts-send-what-they-are-told",
      comment: "Billing, the gateway and the admin functions notice events and emit them (lib/alerts/emit.ts); alerts only store and send them.",
      severity: "error",
      from: { path: "^lib/alerts/" },
      to: { path: "^lib/(gateway|billing|providers|auth|admin|dal|ui|analytics|cli)/" },
    },
    {
      name: "admin-api-is-a-front-end",
      comment: "The admin API calls lib/admin like the CLI and the pages do; only the server's route lookup (and the pages' reference of it) knows it.",
      severity: "error",
      from: { path: "^lib/", pathNot: "^lib/(admin-api/|dal/|api-routes\\.ts$)" },
      to: { path: "^lib/admin-api/" },
    },
    {
      name: "lib-is-not-the-app",
      comment: "lib/ never reaches up into the Next app, the components or the worker entry points.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^(app|components|workers)/" },
    },
    {
      name: "no-circular",
      comment: "Modules import each other without a cycle.",
      severity: "error",
      from: { path: "^(lib|app|components|workers)/" },
      to: { circular: true, viaOnly: { pathNot: "^lib/db/generated/" } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(lib/db/generated|prisma/\\.generated|\\.next|node_modules)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
