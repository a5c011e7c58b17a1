// A mail server on loopback (smtp-server) that keeps every message it is sent, for tests of the
// mail the hub writes: address confirmations and sign-up notices.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** the whole message as sent (headers and body, quoted-printable soft breaks undone) */
  raw: string;
}

export interface FakeSmtp {
  /** smtp://127.0.0.1:<port>, for HUB_SMTP_URL */
  url: string;
  mails: ReceivedMail[];
  /** waits for the first message to `to` (that matches, if given) */
  waitFor(to: string, options?: { match?: RegExp; timeoutMs?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

// quoted-printable ends long lines with "=\r\n" and writes "=" as "=3D": undo both so links read whole
const unquote = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");

export async function startFakeSmtp(options: { port?: number } = {}): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw: unquote(Buffer.concat(chunks).toString("utf8")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(to, { match, timeoutMs = 5000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = mails.find((m) => m.to.includes(to.toLowerCase()) && (!match || match.test(m.raw)));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to}${match ? ` matching ${match}` : ""} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
