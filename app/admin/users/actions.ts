"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { setMonthlyBudget, setRateLimits } from "@/lib/admin/limits";
import { createTeam, joinTeam } from "@/lib/admin/teams";
import { setRole } from "@/lib/admin/toggles";
import { createUser, ROLES } from "@/lib/admin/users";
import { generatePassword } from "@/lib/crypto/password";
import { adminAction, translatedAdminAction, type Translator } from "@/lib/ui/admin-action";

// Answers and field errors in the reader's language (messages/*/adminPeople.json, "users.actions").
type T = Translator<"adminPeople.users.actions">;

const budget = (t: T) => z.string().regex(/^(\d+(\.\d+)?|none)$/, t("budget")).optional();
const perMinute = (t: T) => z.string().regex(/^(\d+|none)$/, t("perMinute")).optional();

export const createUserAction = translatedAdminAction("adminPeople.users.actions",
  async (t) =>
    z.object({
      email: z.email(t("invalidEmail")),
      name: z.string().trim().max(100).optional(),
      role: z.enum(ROLES).default("member"),
      password: z.string().min(8, t("shortPassword")).optional(),
      team: z.string().optional(),
    }),
  async ({ email, name, role, password, team }, admin, t) => {
    // no password given: one is generated and shown once, to hand over with the invitation
    const initial = password ?? generatePassword();
    const user = await createUser({ email, name, role, password: initial }, admin.email);
    if (team) await joinTeam(user.email, team, admin.email);
    const ok = t("created", { email: user.email });
    return password ? { ok } : { ok, secret: initial };
  },
);

export const roleAction = adminAction(z.object({ id: z.string().min(1), role: z.enum(ROLES) }), async ({ id, role }, admin) => {
  await setRole(id, role, admin.email);
  const t = await getTranslations("adminPeople.users");
  return t("actions.roleSet", { role: t("roleName", { role }) });
});

export const joinTeamAction = translatedAdminAction("adminPeople.users.actions",
  async (t) => z.object({ email: z.string().min(1), team: z.string({ error: t("pickTeam") }).min(1) }),
  async ({ email, team }, admin, t) => {
    await joinTeam(email, team, admin.email);
    return t("joined", { email, team });
  },
);

export const createTeamAction = translatedAdminAction("adminPeople.users.actions",
  async (t) => z.object({ name: z.string({ error: t("nameTeam") }).min(1), poolCredits: z.literal("on").optional(), monthlyBudgetUsd: budget(t) }),
  async ({ name, poolCredits, monthlyBudgetUsd }, admin, t) => {
    await createTeam({ name, poolCredits: poolCredits === "on", monthlyBudgetUsd: monthlyBudgetUsd === "none" ? undefined : monthlyBudgetUsd }, admin.email);
    return t("teamCreated", { name });
  },
);

const target = z.union([z.object({ userEmail: z.string().min(1) }), z.object({ teamName: z.string().min(1) }), z.object({ keyId: z.string().min(1) })]);

export const limitsAction = translatedAdminAction("adminPeople.users.actions",
  async (t) => z.object({ userEmail: z.string().optional(), teamName: z.string().optional(), keyId: z.string().optional(), monthlyUsd: budget(t), rpm: perMinute(t), tpm: perMinute(t) }),
  async ({ monthlyUsd, rpm, tpm, ...who }, admin, t) => {
    const parsed = target.parse(Object.fromEntries(Object.entries(who).filter(([, v]) => v)));
    if (monthlyUsd) await setMonthlyBudget(parsed, monthlyUsd, admin.email);
    if (rpm || tpm) await setRateLimits(parsed, { rpm, tpm }, admin.email);
    return t("limitsSaved");
  },
);
