import pino, { type DestinationStream } from "pino";
import pretty from "pino-pretty";
import { LOG_LEVELS } from "./env";
import { processSingleton } from "./singleton";

// Secrets never reach a log line: anything that could carry one is censored by path.
const REDACT = [
  "apiKey",
  "secret",
  "password",
  "authorization",
  "*.apiKey",
  "*.secret",
  "*.password",
  "*.authorization",
  "headers.authorization",
  'headers["x-api-key"]',
];

function destination(): DestinationStream | undefined {
  // the CLI's stdout is its answer (--json); its log lines go to stderr
  if (process.env.HUB_LOG_STDERR) return pino.destination(2);
  // people read development logs, machines read production ones (one JSON object per line)
  if (process.env.NODE_ENV === "development") return pretty({ colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname,service" });
  // one line per call must not cost a blocking write per call: lines written while a write is in
  // flight go out together (pino flushes what is left when the process exits)
  return pino.destination({ dest: 1, sync: false });
}

export const log = processSingleton("log", () =>
  pino(
    {
      // read directly, not through env(): importing the logger must never throw (a bad LOG_LEVEL is
      // reported by env() validation at start-up)
      level: (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? "") ? process.env.LOG_LEVEL : "info",
      base: { service: "aigne-hub" },
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    destination(),
  ),
);
