import pino from "pino";
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

export const log = processSingleton("log", () =>
  pino({
    // read directly, not through env(): importing the logger must never throw (a bad LOG_LEVEL is
    // reported by env() validation at start-up)
    level: (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? "") ? process.env.LOG_LEVEL : "info",
    base: { service: "aigne-hub" },
    redact: { paths: REDACT, censor: "[redacted]" },
  }),
);
