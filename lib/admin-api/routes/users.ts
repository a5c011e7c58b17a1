import { z } from "zod";
import { setEnabled, setRole } from "../../admin/toggles";
import { createUser, ROLES } from "../../admin/users";
import { db } from "../../db/client";
import { ApiError } from "../../http/api-error";
import { requireScope } from "../auth";
import { dateTime, idParams, listOf, page, pageArgs, pageQuery, route } from "../define";

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  teamId: z.string().nullable(),
  disabled: z.boolean(),
  emailVerified: z.boolean(),
  createdAt: dateTime,
});

type UserRow = { id: string; email: string; name: string | null; role: string; teamId: string | null; disabledAt: Date | null; emailVerified: Date | null; createdAt: Date };
export const userView = (u: UserRow): z.infer<typeof userSchema> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role === "admin" ? "admin" : "member",
  teamId: u.teamId,
  disabled: u.disabledAt !== null,
  emailVerified: u.emailVerified !== null,
  createdAt: u.createdAt,
});

export const notFound = (what: string) => new ApiError({ status: 404, type: "not_found_error", code: "not_found", message: `No ${what} with this id.` });

async function userById(id: string) {
  const user = await db().user.findUnique({ where: { id } });
  if (!user) throw notFound("user");
  return user;
}

export const userRoutes = [
  route({
    method: "get",
    path: "/users",
    scope: "read",
    tag: "Users",
    summary: "List users, oldest first",
    query: pageQuery.extend({ email: z.string().max(320).optional(), role: z.enum(ROLES).optional(), teamId: z.string().max(128).optional() }),
    response: listOf(userSchema),
    handler: async ({ query }) => {
      const rows = await db().user.findMany({
        where: { ...(query.email ? { email: query.email.trim().toLowerCase() } : {}), ...(query.role ? { role: query.role } : {}), ...(query.teamId ? { teamId: query.teamId } : {}) },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        ...pageArgs(query),
      });
      return page(rows, query.limit, userView);
    },
  }),
  route({
    method: "post",
    path: "/users",
    scope: "users_keys",
    tag: "Users",
    summary: "Create a user (a customer or a member); in Service Provider mode they get the starter credits",
    body: z.object({ email: z.string().max(320), role: z.enum(ROLES).default("member"), name: z.string().max(200).optional(), password: z.string().min(8).max(200).optional() }),
    response: userSchema,
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => {
      // making someone an admin hands out everything: only a full token may
      if (body.role === "admin") requireScope(caller, "full");
      return userView(await createUser(body, caller.actor));
    },
  }),
  route({
    method: "get",
    path: "/users/{id}",
    scope: "read",
    tag: "Users",
    summary: "One user",
    params: idParams,
    response: userSchema,
    handler: async ({ params }) => userView(await userById(params.id)),
  }),
  route({
    method: "patch",
    path: "/users/{id}",
    scope: "users_keys",
    tag: "Users",
    summary: "Disable or enable a user, or change their role (a role change, or any change to an admin, needs the full scope)",
    params: idParams,
    body: z.object({ disabled: z.boolean().optional(), role: z.enum(ROLES).optional() }).refine((b) => b.disabled !== undefined || b.role !== undefined, "give disabled and/or role"),
    response: userSchema,
    handler: async ({ params, body, caller }) => {
      const user = await userById(params.id);
      // an admin's account is the keys to the hub: only a full token may lock one out or change it
      if (user.role === "admin") requireScope(caller, "full");
      if (body.role !== undefined && body.role !== user.role) {
        requireScope(caller, "full");
        await setRole(user.id, body.role, caller.actor);
      }
      if (body.disabled !== undefined && body.disabled !== (user.disabledAt !== null)) await setEnabled("user", user.id, !body.disabled, caller.actor);
      return userView(await userById(user.id));
    },
  }),
];
