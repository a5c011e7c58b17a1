import type { z } from "zod";

/** A refused operator action, with a message fit to show as is (CLI line, UI toast). */
export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    message: string,
    readonly code: "invalid" | "not_found" | "conflict" = "invalid",
  ) {
    super(message);
  }
}

/** Input checked against its zod schema; the first problem becomes an AdminError ("<what>: <field> <message>"). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AdminError(`${what}: ${parsed.error.issues[0]?.path.join(".") || "input"} ${parsed.error.issues[0]?.message ?? "is not valid"}`);
  return parsed.data;
}
