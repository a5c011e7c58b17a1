import { NO_UNITS, type ModelPrice } from "../../billing/cost";
import type { HoldRequest } from "../../billing/holds";
import { callCharge, type Billing } from "../../billing/settle";
import type { VideoObject, VideoStatus } from "../../canonical/video";
import { db, type Db } from "../../db/client";
import { fromWire, toWire } from "../../jobs/wire";
import { ApiError } from "../../http/api-error";
import type { Principal } from "../authenticate";
import { groupOf, mayUse } from "../route";
import { registry } from "../registry";

// The hub's video jobs, and who may see them: a job belongs to the user whose key started it, and
// any of that user's keys that may use the job's model sees it — a narrow key (one model) does not
// see the videos of the user's other models. Everything else gets the 404 an unknown id gets.

export type VideoJob = NonNullable<Awaited<ReturnType<Db["videoJob"]["findFirst"]>>>;

/** How a job is billed: decided when it was admitted, kept until it settles (across restarts). */
export interface JobBilling {
  billing: Billing | null;
  price: ModelPrice | null;
  holdExpiresAt: Date;
}

export const encodeBilling = (value: JobBilling) => JSON.stringify(toWire(value));
export const decodeBilling = (json: string) => fromWire<JobBilling>(JSON.parse(json));

/** The holds a job's create call placed, to put back after a restart. */
export function holdOf(job: Pick<VideoJob, "requestId">, { billing, holdExpiresAt }: JobBilling): HoldRequest | null {
  if (!billing?.held) return null;
  return {
    requestId: job.requestId,
    credit: billing.accountId ? { accountId: billing.accountId, microcredits: billing.maxChargeMicrocredits } : null,
    budgets: billing.budgets.map((budget) => ({ budget, nanoUsd: billing.maxCostNanoUsd })),
    expiresAt: holdExpiresAt,
  };
}

const seconds = (date: Date | null) => (date ? Math.floor(date.getTime() / 1000) : null);

/** OpenAI's video object for a job. */
export function videoObject(job: VideoJob): VideoObject {
  const status = job.status as VideoStatus;
  return {
    id: job.id,
    object: "video",
    created_at: seconds(job.createdAt)!,
    completed_at: seconds(job.completedAt),
    expires_at: seconds(job.expiresAt),
    status,
    model: job.requestedModel,
    progress: status === "completed" ? 100 : job.progress,
    prompt: job.prompt,
    seconds: String(job.seconds),
    size: job.size,
    remixed_from_video_id: null,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? "" } : null,
  };
}

export const videoNotFound = (id: string) =>
  new ApiError({ status: 404, type: "invalid_request_error", code: "video_not_found", param: "video_id", message: `No video with id '${id}' was found.` });

/** The models of the caller's jobs it may see (its key's and its group's lists allow them). */
async function visibleModels(principal: Principal, models: string[]): Promise<string[]> {
  const group = groupOf(await registry(), principal);
  return models.filter((model) => mayUse(principal, group, model));
}

/** The caller's job with this id, or the 404 any other id gets. */
export async function findVideo(principal: Principal, id: string): Promise<VideoJob> {
  const job = await db().videoJob.findFirst({ where: { id, userId: principal.userId } });
  if (!job || (await visibleModels(principal, [job.requestedModel])).length === 0) throw videoNotFound(id);
  return job;
}

export interface ListQuery {
  after?: string;
  limit: number;
  order: "asc" | "desc";
}

/** The caller's jobs, newest first by default; ids are time-ordered, so the cursor is the id. */
export async function listVideos(principal: Principal, query: ListQuery) {
  const models = await db().videoJob.findMany({ where: { userId: principal.userId }, distinct: ["requestedModel"], select: { requestedModel: true } });
  const visible = await visibleModels(principal, models.map((m) => m.requestedModel));
  const rows = await db().videoJob.findMany({
    where: {
      userId: principal.userId,
      requestedModel: { in: visible },
      ...(query.after ? { id: query.order === "desc" ? { lt: query.after } : { gt: query.after } } : {}),
    },
    orderBy: { id: query.order },
    take: query.limit + 1,
  });
  const data = rows.slice(0, query.limit).map(videoObject);
  return { object: "list" as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: rows.length > query.limit };
}

/** What a settled job charged, in micro-credits (Service Provider mode), computed as the settlement did. */
export function jobCharge(job: VideoJob): bigint {
  const { billing, price } = decodeBilling(job.billing);
  return callCharge({ price, usage: null, units: { ...NO_UNITS, videoMs: job.videoMs }, billing });
}
