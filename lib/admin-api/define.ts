import { z } from "zod";
import type { AdminScope } from "../admin/tokens";
import { pageOf } from "../db/page";
import type { Reply } from "../http/reply";
import type { AdminCaller } from "./auth";

// One admin API route, defined once: the server answers it from this definition and the OpenAPI
// document is generated from the same one (openapi.ts), so the two cannot drift apart.

export type Method = "get" | "post" | "patch" | "delete";

export interface RouteContext<P, Q, B> {
  caller: AdminCaller;
  params: P;
  query: Q;
  body: B;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface AdminRoute<P extends z.ZodObject | undefined = z.ZodObject | undefined, Q extends z.ZodObject | undefined = z.ZodObject | undefined, B extends z.ZodType | undefined = z.ZodType | undefined> {
  method: Method;
  /** relative to /api/admin/v1, parameters in braces: "/users/{id}" */
  path: string;
  /** what an admin token needs to use the route (lib/admin/tokens.ts) */
  scope: AdminScope;
  tag: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** the answer's schema, for the document (and the test that holds answers to it) */
  response: z.ZodType;
  /** 201 for what creates */
  status?: 200 | 201;
  /** the answer is a file (CSV) rather than JSON */
  produces?: string;
  /** honours Idempotency-Key: every POST that creates something or moves money */
  idempotent?: boolean;
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

/** Keeps each route's handler typed by its own schemas. */
export const route = <P extends z.ZodObject | undefined = undefined, Q extends z.ZodObject | undefined = undefined, B extends z.ZodType | undefined = undefined>(definition: AdminRoute<P, Q, B>) =>
  definition as unknown as AdminRoute & { handler: (ctx: RouteContext<unknown, unknown, unknown>) => Promise<unknown | Reply> };

// ---- shared shapes

export const idParams = z.object({ id: z.string().min(1).max(128) });

export const MAX_PAGE = 200;

/** Cursor pagination: `cursor` is the `next_cursor` of the page before. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  cursor: z.string().min(1).max(128).optional(),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.literal("list"), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

export { pageArgs } from "../db/page";

/** A list answer from a page fetched with pageArgs. */
export const listAnswer = <T>(data: T[], nextCursor: string | null) => ({ object: "list" as const, data, has_more: nextCursor !== null, next_cursor: nextCursor });

/** The list answer of rows fetched with pageArgs, each shown through `view`. */
export function page<R extends { id: string }, T>(rows: R[], limit: number, view: (row: R) => T) {
  const { rows: shown, nextCursor } = pageOf(rows, limit);
  return listAnswer(shown.map(view), nextCursor);
}

export const dateTime = z.date();
export const errorSchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.string().nullable(), param: z.string().nullable() }),
});
