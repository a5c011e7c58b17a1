import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env";
import { log } from "../log";
import { processSingleton } from "../singleton";

// Outgoing mail over SMTP (HUB_SMTP_URL): address confirmations, "someone tried to sign up with
// your address" notices and alerts (lib/alerts). Without it, the hub sends nothing and self sign-up stays closed
// (lib/auth/sign-up.ts), because an unconfirmed address must not earn starter credits.

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** an HTML alternative of the text (alerts); mail clients show it when they can */
  html?: string;
}

export const mailConfigured = () => Boolean(env().HUB_SMTP_URL);

const transport = (): Transporter => processSingleton("mail-transport", () => nodemailer.createTransport(env().HUB_SMTP_URL!));

export async function sendMail(mail: Mail): Promise<void> {
  if (!mailConfigured()) throw new Error("HUB_SMTP_URL is not set");
  await transport().sendMail({ from: env().HUB_MAIL_FROM, ...mail });
}

/**
 * Sends without making the caller wait: sign-up answers in the same time whether or not a mail goes
 * out and however slow the mail server is. A failure is logged (without the recipient).
 */
export function sendInBackground(mail: Mail, what: string): void {
  sendMail(mail).catch((error: Error) => log.warn({ err: error.message, mail: what }, "could not send mail"));
}
