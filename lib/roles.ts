// What one hub process runs (HUB_ROLE). `all` is the single-process hub (npm start, compose); a
// scaled-out deployment runs N `gateway` replicas that answer the API and never load the web UI, one
// `admin` for the UI and the admin API, and `worker`s for the queue (deploy/kubernetes/).

export const HUB_ROLES = ["all", "gateway", "admin", "worker"] as const;
export type HubRole = (typeof HUB_ROLES)[number];

/** What a role's health endpoint reports it runs. */
export function roleRuns(role: HubRole, redis: boolean): string[] {
  // without Redis a server process runs the background jobs itself; with Redis the worker does
  const jobs = redis ? [] : ["jobs"];
  switch (role) {
    case "all":
      return ["gateway", "admin", "web", ...jobs];
    case "gateway":
      return ["gateway", ...jobs];
    case "admin":
      return ["admin", "web", ...jobs];
    case "worker":
      return ["jobs"];
  }
}
