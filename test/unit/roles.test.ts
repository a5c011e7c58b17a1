import { describe, expect, it } from "vitest";
import { apiRouteFor } from "@/lib/api-routes";
import { roleRuns } from "@/lib/roles";
import type { Reply } from "@/lib/http/reply";

const request = (method: string, path: string) => ({
  method,
  url: `http://hub.test${path}`,
  headers: { get: () => null },
  signal: new AbortController().signal,
  body: null,
});

/** What a role does with a request: served from Node, refused as another process's, or handed to Next. */
async function outcome(role: Parameters<typeof apiRouteFor>[0], method: string, path: string): Promise<"next" | "elsewhere" | "served"> {
  const serve = apiRouteFor(role)(method, path);
  if (!serve) return "next";
  if (method !== "GET" || !["/v1/chat/completions", "/admin", "/", "/api/admin/v1/users", "/sign-in"].includes(path)) return "served";
  const reply = (await serve(request(method, path) as never)) as Reply;
  const body = "json" in reply.body ? (reply.body.json as { error?: { message?: string } }) : {};
  return reply.status === 404 && /does not serve it/.test(body.error?.message ?? "") ? "elsewhere" : "served";
}

describe("process roles (HUB_ROLE)", () => {
  it("a gateway replica answers the API and the probes, and hands nothing to Next", async () => {
    expect(await outcome("gateway", "POST", "/v1/chat/completions")).toBe("served");
    expect(await outcome("gateway", "POST", "/api/v2/chat")).toBe("served");
    expect(await outcome("gateway", "GET", "/healthz")).toBe("served");
    expect(await outcome("gateway", "GET", "/readyz")).toBe("served");
    // pages and the admin API are another process's: a JSON 404, never the web UI
    expect(await outcome("gateway", "GET", "/")).toBe("elsewhere");
    expect(await outcome("gateway", "GET", "/admin")).toBe("elsewhere");
    expect(await outcome("gateway", "GET", "/sign-in")).toBe("elsewhere");
    expect(await outcome("gateway", "GET", "/api/admin/v1/users")).toBe("elsewhere");
  });

  it("the admin process answers the admin API, the probes and the web UI, but no gateway call", async () => {
    expect(await outcome("admin", "GET", "/api/admin/v1/users")).toBe("served");
    expect(await outcome("admin", "GET", "/healthz")).toBe("served");
    expect(await outcome("admin", "GET", "/admin")).toBe("next");
    expect(await outcome("admin", "GET", "/")).toBe("next");
    expect(await outcome("admin", "GET", "/v1/chat/completions")).toBe("elsewhere");
  });

  it("the whole hub (all) serves everything", async () => {
    expect(await outcome("all", "POST", "/v1/chat/completions")).toBe("served");
    expect(await outcome("all", "GET", "/api/admin/v1/users")).toBe("served");
    expect(await outcome("all", "GET", "/admin")).toBe("next");
  });

  it("each role's health says what it runs", () => {
    expect(roleRuns("all", false)).toEqual(["gateway", "admin", "web", "jobs"]);
    expect(roleRuns("all", true)).toEqual(["gateway", "admin", "web"]);
    expect(roleRuns("gateway", true)).toEqual(["gateway"]);
    expect(roleRuns("admin", true)).toEqual(["admin", "web"]);
    expect(roleRuns("worker", true)).toEqual(["jobs"]);
  });
});
