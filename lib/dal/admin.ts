import "server-only";
import { assertAdmin, type Caller } from "../caller";
import { currentSettings } from "../admin/settings";
import { auditEntries, auditFilterSchema, auditView, type AuditFilter } from "../admin/audit-log";
import { listAdminTokens } from "../admin/tokens";
import { listChannels } from "../admin/alert-channels";
import { deliveryFilterSchema, listDeliveries } from "../admin/alert-deliveries";
import { adminApiReference } from "../admin-api/reference";
import { listPackages } from "../admin/packages";
import { priceList } from "../billing/price-list";
import { statement } from "../billing/statements";
import { db } from "../db/client";
import { pageOf } from "../db/page";
import { callDetail } from "../analytics/usage";

// The admin pages' data-access layer: the only place their data comes from (eslint.config.mjs keeps
// pages and layouts away from the database). Every loader takes the caller and refuses a non-admin
// before its first query: Next renders a page beside its layout, or alone when the client says the
// layout is already on screen, so the layout's check protects nothing by itself.

export { listKeys, listTeams, listUsers } from "../admin/directory";
export { listProviders, providerNames } from "../admin/providers";
export { listGroups } from "../admin/groups";
export { priceFindings } from "../admin/price-findings";
export { overview } from "../analytics/overview";
export { explorerCharts, explorerPage, explorerQuery } from "../analytics/explorer";
export { ledgerPage } from "../billing/ledger-view";
export { listCodes, MAX_BATCH } from "../admin/codes";
export { modelRouting } from "../admin/routing";

/** Any account's monthly statement (null when there is no such account). */
export async function accountStatement(caller: Caller, accountId: string, month: string) {
  assertAdmin(caller, "the statements");
  if (!(await db().creditAccount.findUnique({ where: { id: accountId }, select: { id: true } }))) return null;
  return statement(accountId, month);
}

export { recentPayments } from "../admin/payments";

/** Any call, with its logged bodies if it has any, and who made it as the admin pages name them. */
export async function adminCall(caller: Caller, requestId: string) {
  const detail = await callDetail(caller, requestId, { own: false });
  if (!detail) return null;
  const { userId, teamId, apiKeyId } = detail.call;
  const [user, team, key] = await Promise.all([
    userId ? db().user.findUnique({ where: { id: userId }, select: { email: true } }) : null,
    teamId ? db().team.findUnique({ where: { id: teamId }, select: { name: true } }) : null,
    apiKeyId ? db().apiKey.findUnique({ where: { id: apiKeyId }, select: { name: true, prefix: true } }) : null,
  ]);
  // a deleted user, team or key still shows by its id
  return { ...detail, who: { user: user?.email ?? userId, team: team?.name ?? teamId, key: key ? `${key.name} (${key.prefix}…)` : apiKeyId } };
}

/** The emails of enabled users, for the owner picker of a new key. */
export async function activeUserEmails(caller: Caller): Promise<string[]> {
  assertAdmin(caller, "the users");
  const users = await db().user.findMany({ where: { disabledAt: null }, select: { email: true }, orderBy: { email: "asc" } });
  return users.map((u) => u.email);
}

/** Accounts credits can be granted to: every user, and the teams that pool their members' credits. */
export async function creditAccountChoices(caller: Caller): Promise<Array<{ value: string; label: string }>> {
  assertAdmin(caller, "the credit accounts");
  const [users, teams] = await Promise.all([
    db().user.findMany({ select: { email: true }, orderBy: { email: "asc" } }),
    db().team.findMany({ where: { poolCredits: true }, select: { name: true }, orderBy: { name: "asc" } }),
  ]);
  return [...users.map((u) => ({ value: `user:${u.email}`, label: u.email })), ...teams.map((t) => ({ value: `team:${t.name}`, label: `team ${t.name} (pooled)` }))];
}

/** Every credit package, those not on sale included. */
export async function allPackages(caller: Caller) {
  assertAdmin(caller, "the credit packages");
  return listPackages();
}

/** Models with their deployments, provider costs and margins (the public price list shows only sell prices). */
export async function adminPriceList(caller: Caller) {
  assertAdmin(caller, "the models and their costs");
  return priceList();
}

/** Every model's public name. */
export async function modelNames(caller: Caller): Promise<string[]> {
  assertAdmin(caller, "the models");
  const models = await db().model.findMany({ select: { name: true }, orderBy: { name: "asc" } });
  return models.map((m) => m.name);
}

/** The chat models the playground offers. */
export async function playgroundModels(caller: Caller): Promise<string[]> {
  assertAdmin(caller, "the playground");
  const models = await db().model.findMany({ where: { enabled: true, type: "chat" }, select: { name: true }, orderBy: { name: "asc" } });
  return models.map((m) => m.name);
}

/** The stored settings, as the settings form edits them. */
export async function adminSettings(caller: Caller) {
  assertAdmin(caller, "the settings");
  return currentSettings();
}

/** The admin tokens (never their secrets or hashes). */
export async function adminTokens(caller: Caller) {
  assertAdmin(caller, "the admin tokens");
  return listAdminTokens();
}

/** The admin API's reference, from the OpenAPI document it serves. */
export function apiReference(caller: Caller) {
  assertAdmin(caller, "the admin API reference");
  return adminApiReference();
}

const AUDIT_PAGE = 50;

/** The audit page's filters from its query string; what does not parse is left out (and said so). */
export function auditQuery(params: Record<string, string | string[] | undefined>): { filter: AuditFilter; cursor?: string; invalid: boolean } {
  const flat = Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const parsed = auditFilterSchema.safeParse(flat);
  const cursor = typeof params.cursor === "string" && params.cursor.length <= 128 ? params.cursor : undefined;
  return parsed.success ? { filter: parsed.data, cursor, invalid: false } : { filter: {}, cursor, invalid: true };
}

/** One page of the audit log, newest first. */
export async function auditPage(caller: Caller, filter: AuditFilter, cursor?: string) {
  assertAdmin(caller, "the audit log");
  const { rows, nextCursor } = pageOf(await auditEntries(filter, { limit: AUDIT_PAGE, cursor }), AUDIT_PAGE);
  return { entries: rows.map(auditView), nextCursor };
}

export { ALERT_EVENTS as ALERT_EVENT_NAMES } from "../alerts/events";

/** The alert channels (never a webhook's secret). */
export async function alertChannels(caller: Caller) {
  assertAdmin(caller, "the alert channels");
  return listChannels();
}

/** The delivery log's filter and page from the alerts page's query string. */
export function alertDeliveriesQuery(params: Record<string, string | string[] | undefined>) {
  const status = typeof params.status === "string" ? params.status : undefined;
  const parsed = deliveryFilterSchema.safeParse({ status });
  const cursor = typeof params.cursor === "string" && params.cursor.length <= 128 ? params.cursor : undefined;
  return { filter: parsed.success ? parsed.data : {}, cursor };
}

/** One page of the alert delivery log, newest first. */
export async function alertDeliveries(caller: Caller, query: ReturnType<typeof alertDeliveriesQuery>) {
  assertAdmin(caller, "the alert deliveries");
  return listDeliveries(query.filter, { limit: 50, cursor: query.cursor });
}

/** The operator's alert thresholds (settings). */
export async function alertThresholds(caller: Caller) {
  assertAdmin(caller, "the alert thresholds");
  const { alertLowBalanceCredits, alertSpendSpikeFactor, alertSpendSpikeFloorUsd } = await currentSettings();
  return { alertLowBalanceCredits, alertSpendSpikeFactor, alertSpendSpikeFloorUsd };
}
