import { z } from "zod";
import { createTeam, joinTeam, leaveTeam } from "../../admin/teams";
import { db } from "../../db/client";
import { formatUsd } from "../../money";
import { dateTime, idParams, listOf, page, pageArgs, pageQuery, route } from "../define";
import { notFound, userSchema, userView } from "./users";

const teamSchema = z.object({ id: z.string(), name: z.string(), poolCredits: z.boolean(), monthlyBudgetUsd: z.string().nullable(), rpm: z.number().int().nullable(), tpm: z.number().int().nullable(), createdAt: dateTime });

type TeamRow = { id: string; name: string; poolCredits: boolean; monthlyBudgetNanoUsd: bigint | null; rpm: number | null; tpm: number | null; createdAt: Date };
const teamView = (t: TeamRow): z.infer<typeof teamSchema> => ({
  id: t.id,
  name: t.name,
  poolCredits: t.poolCredits,
  monthlyBudgetUsd: t.monthlyBudgetNanoUsd === null ? null : formatUsd(t.monthlyBudgetNanoUsd),
  rpm: t.rpm,
  tpm: t.tpm,
  createdAt: t.createdAt,
});

async function teamById(id: string) {
  const team = await db().team.findUnique({ where: { id } });
  if (!team) throw notFound("team");
  return team;
}

export const teamRoutes = [
  route({
    method: "get",
    path: "/teams",
    scope: "read",
    tag: "Teams",
    summary: "List teams by name",
    query: pageQuery,
    response: listOf(teamSchema),
    handler: async ({ query }) => page(await db().team.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], ...pageArgs(query) }), query.limit, teamView),
  }),
  route({
    method: "post",
    path: "/teams",
    scope: "users_keys",
    tag: "Teams",
    summary: "Create a team; with poolCredits its members spend from the team's credit account",
    body: z.object({ name: z.string().max(63), poolCredits: z.boolean().optional(), monthlyBudgetUsd: z.string().max(32).optional() }),
    response: teamSchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => teamView(await createTeam(body, caller.actor)),
  }),
  route({ method: "get", path: "/teams/{id}", scope: "read", tag: "Teams", summary: "One team", params: idParams, response: teamSchema, handler: async ({ params }) => teamView(await teamById(params.id)) }),
  route({
    method: "get",
    path: "/teams/{id}/members",
    scope: "read",
    tag: "Teams",
    summary: "A team's members",
    params: idParams,
    query: pageQuery,
    response: listOf(userSchema),
    handler: async ({ params, query }) => {
      const team = await teamById(params.id);
      return page(await db().user.findMany({ where: { teamId: team.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pageArgs(query) }), query.limit, userView);
    },
  }),
  route({
    method: "post",
    path: "/teams/{id}/members",
    scope: "users_keys",
    tag: "Teams",
    summary: "Put a user in the team (their keys follow)",
    params: idParams,
    body: z.object({ userEmail: z.string().max(320) }),
    response: userSchema,
    handler: async ({ params, body, caller }) => userView((await joinTeam(body.userEmail, (await teamById(params.id)).name, caller.actor)).user),
  }),
  route({
    method: "delete",
    path: "/teams/{id}/members/{userId}",
    scope: "users_keys",
    tag: "Teams",
    summary: "Take a user out of the team",
    params: idParams.extend({ userId: z.string().min(1).max(128) }),
    response: userSchema,
    handler: async ({ params, caller }) => {
      const user = await db().user.findUnique({ where: { id: params.userId } });
      if (!user || user.teamId !== params.id) throw notFound("member of this team");
      return userView(await leaveTeam(user.email, caller.actor));
    },
  }),
];
