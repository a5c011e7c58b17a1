import { z } from "zod";
import { assertAdmin, type Caller } from "../caller";
import { bumpConfigVersion } from "../db/change-feed";
import { db, type Tx } from "../db/client";
import { transaction } from "../db/transaction";
import { audit, type Actor } from "./audit";
import { AdminError, parseInput } from "./errors";
import { checkModelPatterns } from "./keys";
import { parseMarginPercent } from "./models";
import { normalizeEmail } from "./users";

// Customer groups ("free", "pro", "enterprise"): a margin over every model's own, per-model margins
// over that, and the models members may call. Admins put customers in a group (or a paid package
// does: lib/billing/package-group.ts). Every change bumps the config version, so running processes
// price and route the group's members by it within a second.

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

/** A margin in percent ("25", "12.5"); null: the models' own margins. */
const margin = z.string().trim().max(8).nullable();

export const groupSchema = z.object({
  name: z.string().trim().regex(NAME, "must be 1-63 letters, digits, spaces or . _ - and start with a letter or digit"),
  description: z.string().trim().max(500).nullable().optional(),
  marginPercent: margin.optional(),
  /** model names or globs ("openai/*"); empty: every model */
  allowedModels: z.array(z.string().max(128)).max(200).optional(),
});
export type GroupInput = z.input<typeof groupSchema>;

export const groupUpdateSchema = groupSchema.partial();
export type GroupUpdate = z.input<typeof groupUpdateSchema>;

const marginBps = (percent: string | null | undefined) => (percent ? parseMarginPercent(percent) : null);

async function groupById(tx: Tx, id: string) {
  const group = await tx.customerGroup.findUnique({ where: { id } });
  if (!group) throw new AdminError(`no customer group ${id}`, "not_found");
  return group;
}

async function nameFree(tx: Tx, name: string, exceptId?: string) {
  const other = await tx.customerGroup.findUnique({ where: { name } });
  if (other && other.id !== exceptId) throw new AdminError(`a customer group named ${name} already exists`, "conflict");
}

export async function createGroup(input: GroupInput, actor: Actor) {
  const { name, description, marginPercent, allowedModels } = parseInput(groupSchema, input, "customer group");
  const data = { name, description: description || null, marginBps: marginBps(marginPercent), allowedModels: JSON.stringify(checkModelPatterns(allowedModels ?? [])) };
  return transaction(async (tx) => {
    await nameFree(tx, name);
    const group = await tx.customerGroup.create({ data });
    await audit(tx, actor, "group.create", group.id, { name, marginPercent: marginPercent ?? null, allowedModels: allowedModels ?? [] });
    await bumpConfigVersion(tx);
    return group;
  });
}

/** Changes the fields given; the others stay. */
export async function updateGroup(id: string, input: GroupUpdate, actor: Actor) {
  const given = parseInput(groupUpdateSchema, input, "customer group");
  return transaction(async (tx) => {
    const before = await groupById(tx, id);
    if (given.name !== undefined) await nameFree(tx, given.name, id);
    const group = await tx.customerGroup.update({
      where: { id },
      data: {
        ...(given.name !== undefined ? { name: given.name } : {}),
        ...(given.description !== undefined ? { description: given.description || null } : {}),
        ...(given.marginPercent !== undefined ? { marginBps: marginBps(given.marginPercent) } : {}),
        ...(given.allowedModels !== undefined ? { allowedModels: JSON.stringify(checkModelPatterns(given.allowedModels)) } : {}),
      },
    });
    await audit(tx, actor, "group.update", id, { name: group.name }, { before, after: group });
    await bumpConfigVersion(tx);
    return group;
  });
}

/** Deletes a group: its members go back to the hub's defaults, its packages move nobody any more. */
export async function deleteGroup(id: string, actor: Actor) {
  return transaction(async (tx) => {
    const group = await groupById(tx, id);
    await tx.customerGroup.delete({ where: { id } });
    await audit(tx, actor, "group.delete", id, { name: group.name }, { before: group });
    await bumpConfigVersion(tx);
    return group;
  });
}

/** A group's margin for one model, over the group's and the model's own; null removes it. */
export async function setGroupModelMargin(groupId: string, modelName: string, marginPercent: string | null, actor: Actor) {
  const bps = marginBps(parseInput(margin, marginPercent, "margin"));
  return transaction(async (tx) => {
    const group = await groupById(tx, groupId);
    const model = await tx.model.findUnique({ where: { name: modelName } });
    if (!model) throw new AdminError(`no model named ${modelName}`, "not_found");
    const key = { groupId_modelId: { groupId, modelId: model.id } };
    const before = await tx.groupPrice.findUnique({ where: key });
    const after = bps === null ? null : await tx.groupPrice.upsert({ where: key, create: { groupId, modelId: model.id, marginBps: bps }, update: { marginBps: bps } });
    if (bps === null && before) await tx.groupPrice.delete({ where: key });
    await audit(tx, actor, "group.price", groupId, { group: group.name, model: modelName, marginPercent }, { before, after });
    await bumpConfigVersion(tx);
    return after;
  });
}

/** Puts a customer in a group (null: in none); their next call is priced and routed by it. */
export async function assignGroup(userEmail: string, groupId: string | null, actor: Actor) {
  return transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: normalizeEmail(userEmail) } });
    if (!user) throw new AdminError(`no user with email ${normalizeEmail(userEmail)}`, "not_found");
    const group = groupId === null ? null : await groupById(tx, groupId);
    const updated = await tx.user.update({ where: { id: user.id }, data: { groupId: group?.id ?? null } });
    await audit(tx, actor, "group.assign", user.id, { user: user.email, group: group?.name ?? null }, { before: { groupId: user.groupId }, after: { groupId: updated.groupId } });
    await bumpConfigVersion(tx);
    return updated;
  });
}

const SHOWN_MEMBERS = 50;

/** Every group with its per-model margins, its customers (the first few by email) and how many packages move buyers into it, by name. */
export async function listGroups(caller: Caller) {
  assertAdmin(caller, "customer groups");
  const rows = await db().customerGroup.findMany({
    orderBy: { name: "asc" },
    include: {
      prices: { include: { model: { select: { name: true } } } },
      users: { select: { email: true }, orderBy: { email: "asc" }, take: SHOWN_MEMBERS },
      _count: { select: { users: true, packages: true } },
    },
  });
  return rows.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    marginPercent: g.marginBps === null ? null : (g.marginBps / 100).toString(),
    allowedModels: JSON.parse(g.allowedModels) as string[],
    modelMargins: g.prices.map((p) => ({ model: p.model.name, marginPercent: (p.marginBps / 100).toString() })).sort((a, b) => a.model.localeCompare(b.model)),
    members: g._count.users,
    memberEmails: g.users.map((u) => u.email),
    packages: g._count.packages,
    createdAt: g.createdAt,
  }));
}
export type GroupView = Awaited<ReturnType<typeof listGroups>>[number];
