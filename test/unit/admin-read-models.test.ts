import { describe, expect, it } from "vitest";
import { AccessDenied, OPERATOR, ownerScope, type Caller } from "@/lib/caller";
import { listTeams, listUsers } from "@/lib/admin/directory";
import { listProviders, providerNames } from "@/lib/admin/providers";
import { overview } from "@/lib/analytics/overview";
import { explorerPage } from "@/lib/analytics/explorer";
import { callsQuerySchema } from "@/lib/analytics/usage";
import { ledgerPage } from "@/lib/billing/ledger-view";

// The admin read models check their caller before the first query: with no database configured at
// all, a member is refused with AccessDenied (a query would fail with a different error first).

const member: Caller = { id: "u_member", email: "member@example.test", role: "member" };

describe("admin read models", () => {
  it.each([
    ["listUsers", () => listUsers(member)],
    ["listTeams", () => listTeams(member)],
    ["listProviders", () => listProviders(member)],
    ["providerNames", () => providerNames(member)],
    ["overview", () => overview(member)],
    ["explorerPage", () => explorerPage(member, callsQuerySchema.parse({}))],
    ["ledgerPage", () => ledgerPage(member, { page: 1, pageSize: 10 })],
  ])("%s refuses a member before querying", async (_name, load) => {
    await expect(load()).rejects.toBeInstanceOf(AccessDenied);
  });

  it("a forged caller without a role is refused too", async () => {
    await expect(listUsers({ id: "x", email: "x" } as Caller)).rejects.toBeInstanceOf(AccessDenied);
  });

  it("scopes a member's key list to their own keys, whoever they ask for", () => {
    expect(ownerScope(member, "u_victim")).toBe("u_member");
    expect(ownerScope(member)).toBe("u_member");
    expect(ownerScope(OPERATOR, "u_victim")).toBe("u_victim");
    expect(ownerScope(OPERATOR)).toBeUndefined();
  });
});
