import { z } from "zod";
import { CODE_STATUSES, disableBatch, disableCode, listCodes, mintCodes, mintCodesSchema } from "../../admin/codes";
import { OPERATOR } from "../../caller";
import { dateTime, idParams, listAnswer, listOf, pageQuery, route } from "../define";

const codeSchema = z.object({
  id: z.string(),
  prefix: z.string().describe('the first group of the code ("HUB-7KQ2"), never enough to redeem it'),
  batch: z.string().nullable(),
  amountCredits: z.string(),
  creditExpiryDays: z.number().int().nullable(),
  expiresAt: dateTime.nullable(),
  maxUses: z.number().int(),
  uses: z.number().int(),
  perCustomerLimit: z.number().int(),
  status: z.enum(CODE_STATUSES),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: dateTime,
  disabledAt: dateTime.nullable(),
});

export const codeRoutes = [
  route({
    method: "get",
    path: "/codes",
    scope: "read",
    tag: "Redemption codes",
    summary: "List redemption codes, newest first (never the codes themselves)",
    query: pageQuery.extend({ batch: z.string().max(63).optional() }),
    response: listOf(codeSchema),
    handler: async ({ query }) => {
      const { codes, nextCursor } = await listCodes(OPERATOR, { batch: query.batch }, query);
      return listAnswer(codes, nextCursor);
    },
  }),
  route({
    method: "post",
    path: "/codes",
    scope: "billing",
    tag: "Redemption codes",
    summary: "Mint one redemption code or a batch; the answer holds the codes, once",
    body: mintCodesSchema,
    response: z.object({ batch: z.string().nullable(), codes: z.array(z.object({ id: z.string(), code: z.string(), prefix: z.string() })) }),
    status: 201,
    idempotent: true,
    handler: async ({ body, caller }) => mintCodes(body, caller.actor),
  }),
  route({
    method: "post",
    path: "/codes/{id}/disable",
    scope: "billing",
    tag: "Redemption codes",
    summary: "Disable a redemption code (disabling it again changes nothing)",
    params: idParams,
    response: codeSchema,
    handler: async ({ params, caller }) => disableCode(params.id, caller.actor),
  }),
  route({
    method: "post",
    path: "/code-batches/{batch}/disable",
    scope: "billing",
    tag: "Redemption codes",
    summary: "Disable every code of a batch",
    params: z.object({ batch: z.string().min(1).max(63) }),
    response: z.object({ batch: z.string(), disabled: z.number().int() }),
    handler: async ({ params, caller }) => ({ batch: params.batch, disabled: await disableBatch(params.batch, caller.actor) }),
  }),
];
