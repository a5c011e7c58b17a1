import type { AlertDataByType, AlertMessage, AlertType } from "./events";

// The e-mail of an alert: a one-line title per event type, then every field of the event, under the
// hub's brand name (the operator's setting) in the subject and the heading.

type Titles = { [T in AlertType]: (data: AlertDataByType[T]) => string };

const TITLES: Titles = {
  "balance.low": (d) => `Low balance: ${d.owner} has ${d.balanceCredits} credits left (alert below ${d.thresholdCredits})`,
  "budget.threshold": (d) => `Budget ${d.percent}% reached: ${d.scope} ${d.label} spent $${d.spentUsd} of $${d.limitUsd} in ${d.month}`,
  "credential.suspended": (d) => `Credential suspended: ${d.provider}/${d.credential} was refused by the provider`,
  "credential.recovered": (d) => `Credential recovered: ${d.provider}/${d.credential} works again`,
  "provider.down": (d) => `Provider down: every credential of ${d.provider} is suspended`,
  "topup.paid": (d) => `Top-up paid: ${d.amount} ${d.currency.toUpperCase()} for ${d.credits} credits${d.customer ? ` by ${d.customer}` : ""}`,
  "topup.failed": (d) => `Top-up failed: ${d.amount} ${d.currency.toUpperCase()}${d.customer ? ` by ${d.customer}` : ""}`,
  "recharge.failed": (d) =>
    `Auto-recharge of ${d.amount} ${d.currency.toUpperCase()} failed${d.customer ? ` for ${d.customer}` : ""}: ${d.reason}${d.needsAction ? " — top up on the billing page to confirm with your bank" : ""}${d.disabled ? " (auto-recharge is now off)" : ""}`,
  "spend.spike": (d) => `Spend spike: ${d.customer} spent $${d.spentUsd} today, over ${d.factor}× their daily mean of $${d.meanUsd}`,
  "price.below_cost": (d) => `Below cost: ${d.model} sells below its provider's cost`,
  test: (d) => `Test alert for channel ${d.channel}`,
};

export const titleOf = (message: AlertMessage): string => (TITLES[message.type] as (data: unknown) => string)(message.data);

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderMail(message: AlertMessage, brand: string): { subject: string; text: string; html: string } {
  const title = titleOf(message);
  const fields = Object.entries(message.data).map(([key, value]) => [key, value === null ? "—" : String(value)] as const);
  const text = [title, "", ...fields.map(([k, v]) => `${k}: ${v}`), "", `event ${message.type} · ${message.timestamp} · id ${message.id}`, `— ${brand}`].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111">
<h2 style="margin:0 0 12px">${escape(brand)}</h2>
<p style="font-size:16px">${escape(title)}</p>
<table style="border-collapse:collapse">${fields.map(([k, v]) => `<tr><td style="padding:2px 12px 2px 0;color:#666">${escape(k)}</td><td>${escape(v)}</td></tr>`).join("")}</table>
<p style="color:#888;font-size:12px">event ${escape(message.type)} · ${escape(message.timestamp)} · id ${escape(message.id)}</p>
</body></html>`;
  return { subject: `[${brand}] ${title}`, text, html };
}
