// The events the hub alerts on, and what each carries. Money is in decimal strings (credits, USD), so
// an event travels through the job queue and into a webhook body as plain JSON.

export const ALERT_EVENTS = [
  "balance.low",
  "budget.threshold",
  "credential.suspended",
  "credential.recovered",
  "provider.down",
  "topup.paid",
  "topup.failed",
  "recharge.failed",
  "spend.spike",
  "price.below_cost",
] as const;

export type AlertEventType = (typeof ALERT_EVENTS)[number];
/** "test" is what `sendTestAlert` sends: every channel takes it, whatever it subscribes to. */
export type AlertType = AlertEventType | "test";

export interface AlertDataByType {
  "balance.low": { accountId: string; owner: string; balanceCredits: string; thresholdCredits: string };
  "budget.threshold": { scope: "key" | "user" | "team"; scopeId: string; label: string; month: string; percent: 80 | 100; spentUsd: string; limitUsd: string };
  "credential.suspended": { provider: string; credentialId: string; credential: string; reason: string };
  "credential.recovered": { provider: string; credentialId: string; credential: string };
  /** every credential of an enabled provider is suspended: calls to it cannot be served */
  "provider.down": { provider: string; credentials: number };
  "topup.paid": { paymentId: string; accountId: string; customer: string | null; amount: string; currency: string; credits: string };
  "topup.failed": { paymentId: string; accountId: string; customer: string | null; amount: string; currency: string; credits: string };
  /** an auto-recharge charge did not pay (declined, or the bank asks the customer to confirm it); `disabled`: it turned itself off */
  "recharge.failed": { paymentId: string; accountId: string; customer: string | null; amount: string; currency: string; reason: string; needsAction: boolean; disabled: boolean };
  "spend.spike": { userId: string; customer: string; day: string; spentUsd: string; meanUsd: string; factor: number };
  /** the price guard found a model newly selling below its provider's cost (details: which components, to whom, at what) */
  "price.below_cost": { modelId: string; model: string; details: string };
  test: { channel: string };
}

export interface AlertEvent<T extends AlertType = AlertType> {
  /** the message's id: the webhook-id header, the same on every retry and replay of it */
  id: string;
  type: T;
  /** one alert per key and destination: a crossing noticed twice (a retried job) alerts once */
  dedupKey: string;
  /** ISO time the hub noticed it */
  at: string;
  data: AlertDataByType[T];
  /** a customer's own alert (their low-balance threshold): it goes to them, not to the operator's channels */
  userId?: string;
}

/** The message a destination receives (the webhook body; the e-mail is written from it). */
export interface AlertMessage {
  id: string;
  type: AlertType;
  timestamp: string;
  data: Record<string, unknown>;
}

export const messageOf = (event: AlertEvent): AlertMessage => ({ id: event.id, type: event.type, timestamp: event.at, data: event.data as unknown as Record<string, unknown> });
