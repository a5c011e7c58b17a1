import { readFileSync } from "node:fs";
import { parse } from "yaml";

// Loads a compose file as `docker compose config` would see it: YAML merge keys resolved and
// ${VAR}, ${VAR:-default} and ${VAR:?error} interpolated from the given variables (an .env file).

export interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  init?: boolean;
  restart?: string;
  environment?: Record<string, string>;
  env_file?: Array<{ path: string; required?: boolean }>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; start_period?: string; retries?: number };
  stop_grace_period?: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const VARIABLE = /\$\{(\w+)(?::([?-])([^}]*))?\}/g;

export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(VARIABLE, (_, name: string, operator?: string, operand?: string) => {
    const set = vars[name];
    if (set) return set;
    if (operator === "?") throw new Error(`compose: ${operand}`);
    return operator === "-" ? operand! : "";
  });
}

/** The names of every ${VAR} a compose file reads. */
export const variablesOf = (text: string) => [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]!))];

function deepInterpolate(value: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof value === "string") return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => deepInterpolate(v, vars));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepInterpolate(v, vars)]));
  return value;
}

export function loadCompose(file: string, vars: Record<string, string | undefined>): ComposeFile {
  return deepInterpolate(parse(readFileSync(file, "utf8"), { merge: true }), vars) as ComposeFile;
}

/** KEY=value lines of an .env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.trim();
  }
  return vars;
}
