"use server";

import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { setMonthlyBudget, setRateLimits } from "@/lib/admin/limits";
import { createTeam, joinTeam } from "@/lib/admin/teams";
import { setRole } from "@/lib/admin/toggles";
import { createUser, ROLES } from "@/lib/admin/users";
import type { SessionUser } from "@/lib/auth/session";
import { generatePassword } from "@/lib/crypto/password";
import { adminAction } from "@/lib/ui/admin-action";
import type { FormState } from "@/lib/ui/form-state";

// Answers and field errors in the reader's language (messages/*/adminPeople.json, "users.actions").
type T = Awaited<ReturnType<typeof getTranslations<"adminPeople.users.actions">>>;

/** adminAction with a schema built in the reader's language, its translator passed on to the run */
const translated =
  <S extends z.ZodType>(schema: (t: T) => S, run: (input: z.infer<S>, admin: SessionUser, t: T) => Promise<string | FormState>) =>
  async (state: FormState, form: FormData): Promise<FormState> => {
    const t = await getTranslations("adminPeople.users.actions");
    return adminAction(schema(t), (input, admin) => run(input, admin, t))(state, form);
  };

const budget = (t: T) => z.string().regex(/^(\d+(\.\d+)?|none)$/, t("budget")).optional();
const perMinute = (t: T) => z.string().regex(/^(\d+|none)$/, t("perMinute")).optional();

export const createUserAction = translated(
  (t) =>
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

export const joinTeamAction = translated(
  (t) => z.object({ email: z.string().min(1), team: z.string({ error: t("pickTeam") }).min(1) }),
  async ({ email, team }, admin, t) => {
    await joinTeam(email, team, admin.email);
    return t("joined", { email, team });
  },
);

export const createTeamAction = translated(
  (t) => z.object({ name: z.string({ error: t("nameTeam") }).min(1), poolCredits: z.literal("on").optional(), monthlyBudgetUsd: budget(t) }),
  async ({ name, poolCredits, monthlyBudgetUsd }, admin, t) => {
    await createTeam({ name, poolCredits: poolCredits === "on", monthlyBudgetUsd: monthlyBudgetUsd === "none" ? undefined : monthlyBudgetUsd }, admin.email);
    return t("teamCreated", { name });
  },
);

const target = z.union([z.object({ userEmail: z.string().min(1) }), z.object({ teamName: z.string().min(1) }), z.object({ keyId: z.string().min(1) })]);

export const limitsAction = translated(
  (t) => z.object({ userEmail: z.string().optional(), teamName: z.string().optional(), keyId: z.string().optional(), monthlyUsd: budget(t), rpm: perMinute(t), tpm: perMinute(t) }),
  async ({ monthlyUsd, rpm, tpm, ...who }, admin, t) => {
    const parsed = target.parse(Object.fromEntries(Object.entries(who).filter(([, v]) => v)));
    if (monthlyUsd) await setMonthlyBudget(parsed, monthlyUsd, admin.email);
    if (rpm || tpm) await setRateLimits(parsed, { rpm, tpm }, admin.email);
    return t("limitsSaved");
  },
);
