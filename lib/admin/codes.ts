import { z } from "zod";
import { codePrefix, generateCode, hashCode } from "../billing/code-secret";
import { assertAdmin, type Caller } from "../caller";
import { db, type Prisma } from "../db/client";
import { pageArgs, pageOf, type PageRequest } from "../db/page";
import { transaction } from "../db/transaction";
import { uuidv7 } from "../ids";
import { formatCredits, MoneyFormatError, parseCredits } from "../money";
import { actorId, audit, type Actor } from "./audit";
import { AdminError } from "./errors";

// Redemption codes the operator mints: one, or a batch of up to MAX_BATCH alike. The codes are
// returned once, by the call that mints them; the hub keeps only their hashes (billing/code-secret.ts),
// so a lost code cannot be shown again, only disabled and replaced. Customers redeem them through
// billing/codes.ts.

export const MAX_BATCH = 1000;

const whole = (what: string, max: number) =>
  z.coerce.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(1, `${what} must be at least 1`).max(max, `${what} must be at most ${max}`);

/** What minting takes, from a form (strings), the admin API (JSON) or the CLI alike. */
export const mintCodesSchema = z
  .object({
    count: whole("Count", MAX_BATCH).default(1),
    amount: z.string({ error: "Give the credits" }).trim().regex(/^\d+(\.\d+)?$/, "A number of credits like 500"),
    creditExpiryDays: whole("Credit expiry", 3650).optional().describe("the credits expire this many days after redemption; absent: never"),
    expiresAt: z.coerce.date({ error: "Not a date" }).optional().describe("the code cannot be redeemed after this; absent: never"),
    maxUses: whole("Uses", 1_000_000).default(1).describe("redemptions of each code, by anyone"),
    perCustomerLimit: whole("Uses per customer", 1_000_000).default(1).describe("redemptions of each code by one credit account"),
    batch: z.string().trim().min(1).max(63).optional().describe("a name the codes are listed and disabled by; a batch of several gets one if absent"),
    note: z.string().trim().max(500).optional(),
  })
  .refine((input) => input.perCustomerLimit <= input.maxUses, { message: "Uses per customer cannot exceed the uses of the code", path: ["perCustomerLimit"] })
  .refine((input) => !input.expiresAt || input.expiresAt.getTime() > Date.now(), { message: "The code's expiry must be in the future", path: ["expiresAt"] });

export type MintCodesInput = z.input<typeof mintCodesSchema>;

function microcredits(amount: string): bigint {
  let value: bigint;
  try {
    value = parseCredits(amount);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AdminError(error.message);
    throw error;
  }
  if (value <= 0n) throw new AdminError("amount must be greater than zero");
  return value;
}

/** Mints codes; the answer is the only place they ever appear in readable form. */
export async function mintCodes(raw: MintCodesInput, actor: Actor) {
  const parsed = mintCodesSchema.safeParse(raw);
  if (!parsed.success) throw new AdminError(parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "));
  const input = parsed.data;
  const amountMicrocredits = microcredits(input.amount);
  const batch = input.batch ?? (input.count > 1 ? `batch ${new Date().toISOString().slice(0, 16).replace("T", " ")}` : null);
  const codes = Array.from({ length: input.count }, () => ({ id: uuidv7(), code: generateCode() }));
  const settings = {
    batch,
    amountMicrocredits,
    creditExpiryDays: input.creditExpiryDays ?? null,
    expiresAt: input.expiresAt ?? null,
    maxUses: input.maxUses,
    perCustomerLimit: input.perCustomerLimit,
    note: input.note ?? null,
    createdById: actorId(actor),
  };
  await transaction(async (tx) => {
    await tx.redemptionCode.createMany({ data: codes.map(({ id, code }) => ({ id, hash: hashCode(code), prefix: codePrefix(code), ...settings })) });
    const { amountMicrocredits: _amount, createdById: _by, ...terms } = settings;
    await audit(tx, actor, "code.mint", batch ?? codes[0]!.id, { count: input.count, amount: formatCredits(amountMicrocredits), ...terms });
  });
  return { batch, codes: codes.map(({ id, code }) => ({ id, code, prefix: codePrefix(code) })) };
}

type CodeRow = Prisma.RedemptionCodeGetPayload<true>;

export const CODE_STATUSES = ["active", "disabled", "expired", "used_up"] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];

function statusOf(code: CodeRow, now: Date): CodeStatus {
  if (code.disabledAt) return "disabled";
  if (code.expiresAt && code.expiresAt <= now) return "expired";
  return code.uses >= code.maxUses ? "used_up" : "active";
}

/** A code as lists show it: never its hash. */
export const codeView = (code: CodeRow, now = new Date()) => ({
  id: code.id,
  prefix: code.prefix,
  batch: code.batch,
  amountCredits: formatCredits(code.amountMicrocredits),
  creditExpiryDays: code.creditExpiryDays,
  expiresAt: code.expiresAt,
  maxUses: code.maxUses,
  uses: code.uses,
  perCustomerLimit: code.perCustomerLimit,
  status: statusOf(code, now),
  note: code.note,
  createdBy: code.createdById,
  createdAt: code.createdAt,
  disabledAt: code.disabledAt,
});

export type CodeView = ReturnType<typeof codeView>;

/** One keyset page of codes, newest first; `batch` narrows to one batch. */
export async function listCodes(caller: Caller, filter: { batch?: string }, page: PageRequest) {
  assertAdmin(caller, "the redemption codes");
  const rows = await db().redemptionCode.findMany({ where: filter.batch ? { batch: filter.batch } : {}, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(page) });
  const { rows: shown, nextCursor } = pageOf(rows, page.limit);
  return { codes: shown.map((code) => codeView(code)), nextCursor };
}

/** Disables one code: it reads as not valid to whoever tries it from now on. Disabling it again changes nothing. */
export async function disableCode(id: string, actor: Actor): Promise<CodeView> {
  return transaction(async (tx) => {
    const code = await tx.redemptionCode.findUnique({ where: { id } });
    if (!code) throw new AdminError(`no redemption code ${id}`, "not_found");
    if (code.disabledAt) return codeView(code);
    const disabled = await tx.redemptionCode.update({ where: { id }, data: { disabledAt: new Date() } });
    await audit(tx, actor, "code.disable", id, { prefix: code.prefix, batch: code.batch });
    return codeView(disabled);
  });
}

/** Disables every code of a batch not disabled yet (a leaked list); answers how many. */
export async function disableBatch(batch: string, actor: Actor): Promise<number> {
  return transaction(async (tx) => {
    if (!(await tx.redemptionCode.findFirst({ where: { batch }, select: { id: true } }))) throw new AdminError(`no batch of codes named ${batch}`, "not_found");
    const { count } = await tx.redemptionCode.updateMany({ where: { batch, disabledAt: null }, data: { disabledAt: new Date() } });
    if (count) await audit(tx, actor, "code.disable_batch", batch, { count });
    return count;
  });
}
