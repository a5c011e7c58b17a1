import { headers } from "next/headers";
import type { Messages, NamespaceKeys, NestedKeyOf } from "next-intl";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { withAuditOrigin } from "../admin/audit";
import { AdminError } from "../admin/errors";
import { clientAddress } from "../auth/client-address";
import { requireAdmin, requireUser, type SessionUser } from "../auth/session";
import { log } from "../log";
import type { FormState } from "./form-state";

type Run<T> = (input: T, user: SessionUser) => Promise<string | FormState>;

/** A form's schema, or a function building it per request (to word its messages in the reader's language). */
type Schema<S extends z.ZodType> = S | (() => S | Promise<S>);

/** FormData → object: repeated names become arrays; empty strings become absent (optional fields). */
function formObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith("$ACTION")) continue;
    if (value === "") continue;
    out[name] = name in out ? [out[name], value].flat() : value;
  }
  return out;
}

function wrap<S extends z.ZodType>(guard: () => Promise<SessionUser>, schema: Schema<S>, run: Run<z.infer<S>>) {
  return async (_state: FormState, form: FormData): Promise<FormState> => {
    const user = await guard();
    const parsed = (typeof schema === "function" ? await schema() : schema).safeParse(formObject(form));
    if (!parsed.success) return { fieldErrors: z.flattenError(parsed.error).fieldErrors as FormState["fieldErrors"] };
    try {
      // every change the action makes is audited as the web UI's, with the client's address
      const ip = clientAddress(await headers());
      const result = await withAuditOrigin({ source: "page", ip }, () => run(parsed.data, user));
      return typeof result === "string" ? { ok: result } : result;
    } catch (error) {
      // operator mistakes read as a message; anything else is logged, not shown (it may hold internals)
      if (error instanceof AdminError) return { error: error.message };
      log.error({ err: (error as Error).message }, "server action failed");
      return { error: (await getTranslations("admin"))("somethingWentWrong") };
    }
  };
}

/**
 * A server action for an admin form: the caller must be an admin (checked here, not only by the
 * page) and the form is validated with zod (errors go next to the fields; pass a function building
 * the schema to word its messages in the reader's language). It does not revalidate
 * the page: the form refreshes it once the answer is shown (components/action-form.tsx).
 */
export const adminAction = <S extends z.ZodType>(schema: Schema<S>, run: Run<z.infer<S>>) => wrap(requireAdmin, schema, run);

/** The same for what any signed-in user may do to their own things. */
export const userAction = <S extends z.ZodType>(schema: Schema<S>, run: Run<z.infer<S>>) => wrap(requireUser, schema, run);

type Namespace = NamespaceKeys<Messages, NestedKeyOf<Messages>>;
/** the translator of one namespace of the UI's messages */
export type Translator<N extends Namespace> = Awaited<ReturnType<typeof getTranslations<N>>>;

/**
 * adminAction in the reader's language: the namespace's translator words the schema's messages and is
 * handed to the run. The schema builder is async: Next's compiler refuses a synchronous function
 * written in an exported action's definition ("Server Actions must be async functions").
 */
export function translatedAdminAction<N extends Namespace, S extends z.ZodType>(
  namespace: N,
  schema: (t: Translator<N>) => Promise<S>,
  run: (input: z.infer<S>, user: SessionUser, t: Translator<N>) => Promise<string | FormState>,
) {
  return async (state: FormState, form: FormData): Promise<FormState> => {
    const t = await getTranslations(namespace);
    return adminAction(() => schema(t), (input, user) => run(input, user, t))(state, form);
  };
}
