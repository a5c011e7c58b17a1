import { z } from "zod";
import { OPERATOR } from "../../caller";
import { assignGroup, createGroup, deleteGroup, groupSchema, listGroups, setGroupModelMargin, updateGroup, type GroupView } from "../../admin/groups";
import { priceFindings, runPriceCheck } from "../../admin/price-findings";
import { PRICE_COMPONENTS } from "../../billing/price-components";
import { db } from "../../db/client";
import { dateTime, idParams, route } from "../define";
import { notFound, userSchema, userView } from "./users";

// Customer groups (their margins, per-model margins, model lists and members) and the price guard
// (its findings, and a check on demand).

const customerGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  marginPercent: z.string().nullable(),
  allowedModels: z.array(z.string()),
  modelMargins: z.array(z.object({ model: z.string(), marginPercent: z.string() })),
  members: z.number().int(),
  /** the first 50 members by email */
  memberEmails: z.array(z.string()),
  packages: z.number().int(),
  createdAt: dateTime,
});

async function groupView(id: string): Promise<GroupView> {
  const group = (await listGroups(OPERATOR)).find((g) => g.id === id);
  if (!group) throw notFound("customer group");
  return group;
}

const findingSchema = z.object({
  model: z.string(),
  kind: z.enum(["drift", "below_cost"]),
  source: z.enum(["bundled", "catalogue"]),
  component: z.enum(PRICE_COMPONENTS),
  group: z.string().nullable(),
  hubUsd: z.string(),
  referenceUsd: z.string(),
  checkedAt: dateTime,
});

export const groupRoutes = [
  route({ method: "get", path: "/groups", scope: "read", tag: "Customer groups", summary: "Customer groups by name, with their margins, model lists and sizes", response: z.object({ data: z.array(customerGroupSchema) }), handler: async () => ({ data: await listGroups(OPERATOR) }) }),
  route({
    method: "post",
    path: "/groups",
    scope: "billing",
    tag: "Customer groups",
    summary: "Create a customer group: a margin over every model's own (none: the models' own) and the models its members may call (none: all)",
    body: groupSchema,
    response: customerGroupSchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => groupView((await createGroup(body, caller.actor)).id),
  }),
  route({
    method: "patch",
    path: "/groups/{id}",
    scope: "billing",
    tag: "Customer groups",
    summary: "Change a group's name, description, margin or model list (fields not given stay)",
    params: idParams,
    body: groupSchema.partial(),
    response: customerGroupSchema,
    handler: async ({ params, body, caller }) => groupView((await updateGroup(params.id, body, caller.actor)).id),
  }),
  route({
    method: "delete",
    path: "/groups/{id}",
    scope: "billing",
    tag: "Customer groups",
    summary: "Delete a group: its members pay the hub's own prices again",
    params: idParams,
    response: z.object({ id: z.string(), deleted: z.literal(true) }),
    handler: async ({ params, caller }) => ({ id: (await deleteGroup(params.id, caller.actor)).id, deleted: true as const }),
  }),
  route({
    method: "post",
    path: "/groups/{id}/model-margins",
    scope: "billing",
    tag: "Customer groups",
    summary: "A group's margin for one model, over the group's and the model's own (null removes it)",
    params: idParams,
    body: z.object({ model: z.string().max(128), marginPercent: z.string().max(8).nullable() }),
    response: customerGroupSchema,
    handler: async ({ params, body, caller }) => {
      await setGroupModelMargin(params.id, body.model, body.marginPercent, caller.actor);
      return groupView(params.id);
    },
  }),
  route({
    method: "post",
    path: "/groups/{id}/members",
    scope: "billing",
    tag: "Customer groups",
    summary: "Put a customer in the group (out of any other): their next call is priced and routed by it",
    params: idParams,
    body: z.object({ userEmail: z.string().max(320) }),
    response: userSchema,
    handler: async ({ params, body, caller }) => userView(await assignGroup(body.userEmail, params.id, caller.actor)),
  }),
  route({
    method: "delete",
    path: "/groups/{id}/members/{userId}",
    scope: "billing",
    tag: "Customer groups",
    summary: "Take a customer out of the group",
    params: idParams.extend({ userId: z.string().min(1).max(128) }),
    response: userSchema,
    handler: async ({ params, caller }) => {
      const user = await db().user.findUnique({ where: { id: params.userId } });
      if (!user || user.groupId !== params.id) throw notFound("member of this group");
      return userView(await assignGroup(user.email, null, caller.actor));
    },
  }),
  route({ method: "get", path: "/price-findings", scope: "read", tag: "Models", summary: "What the price guard last found: price drift from the list prices, and prices selling below cost", response: z.object({ data: z.array(findingSchema) }), handler: async () => ({ data: await priceFindings(OPERATOR) }) }),
  route({
    method: "post",
    path: "/price-findings/check",
    scope: "billing",
    tag: "Models",
    summary: "Run the price guard now (it also runs hourly)",
    response: z.object({ checkedAt: dateTime, models: z.number().int(), drift: z.number().int(), belowCost: z.number().int(), catalogue: z.union([z.object({ ok: z.literal(true), entries: z.number().int() }), z.object({ ok: z.literal(false), error: z.string() })]).optional() }),
    handler: async ({ caller }) => runPriceCheck(caller.actor),
  }),
];
