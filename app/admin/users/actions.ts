"use server";

import { z } from "zod";
import { setMonthlyBudget, setRateLimits } from "@/lib/admin/limits";
import { createTeam, joinTeam } from "@/lib/admin/teams";
import { setRole } from "@/lib/admin/toggles";
import { createUser, ROLES } from "@/lib/admin/users";
import { generatePassword } from "@/lib/crypto/password";
import { adminAction } from "@/lib/ui/admin-action";

const budget = z.string().regex(/^(\d+(\.\d+)?|none)$/, "A USD amount like 50, or none").optional();
const perMinute = z.string().regex(/^(\d+|none)$/, "A whole number, or none").optional();

export const createUserAction = adminAction(
  z.object({
    email: z.email("Enter a valid email address"),
    name: z.string().trim().max(100).optional(),
    role: z.enum(ROLES).default("member"),
    password: z.string().min(8, "At least 8 characters").optional(),
    team: z.string().optional(),
  }),
  async ({ email, name, role, password, team }, admin) => {
    // no password given: one is generated and shown once, to hand over with the invitation
    const initial = password ?? generatePassword();
    const user = await createUser({ email, name, role, password: initial }, admin.email);
    if (team) await joinTeam(user.email, team, admin.email);
    return password ? { ok: `Created ${user.email}` } : { ok: `Created ${user.email}`, secret: initial };
  },
);

export const roleAction = adminAction(z.object({ id: z.string().min(1), role: z.enum(ROLES) }), async ({ id, role }, admin) => {
  await setRole(id, role, admin.email);
  return `Role set to ${role}`;
});

export const joinTeamAction = adminAction(z.object({ email: z.string().min(1), team: z.string({ error: "Pick a team" }).min(1) }), async ({ email, team }, admin) => {
  await joinTeam(email, team, admin.email);
  return `${email} joined ${team}`;
});

export const createTeamAction = adminAction(
  z.object({ name: z.string({ error: "Give the team a name" }).min(1), poolCredits: z.literal("on").optional(), monthlyBudgetUsd: budget }),
  async ({ name, poolCredits, monthlyBudgetUsd }, admin) => {
    await createTeam({ name, poolCredits: poolCredits === "on", monthlyBudgetUsd: monthlyBudgetUsd === "none" ? undefined : monthlyBudgetUsd }, admin.email);
    return `Created team ${name}`;
  },
);

const target = z.union([z.object({ userEmail: z.string().min(1) }), z.object({ teamName: z.string().min(1) }), z.object({ keyId: z.string().min(1) })]);

export const limitsAction = adminAction(
  z.object({ userEmail: z.string().optional(), teamName: z.string().optional(), keyId: z.string().optional(), monthlyUsd: budget, rpm: perMinute, tpm: perMinute }),
  async ({ monthlyUsd, rpm, tpm, ...who }, admin) => {
    const parsed = target.parse(Object.fromEntries(Object.entries(who).filter(([, v]) => v)));
    if (monthlyUsd) await setMonthlyBudget(parsed, monthlyUsd, admin.email);
    if (rpm || tpm) await setRateLimits(parsed, { rpm, tpm }, admin.email);
    return "Limits saved";
  },
);
