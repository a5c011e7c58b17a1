import pino from "pino";
import { env } from "./env";
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
    level: env().LOG_LEVEL,
    base: { service: "aigne-hub" },
    redact: { paths: REDACT, censor: "[redacted]" },
  }),
);
