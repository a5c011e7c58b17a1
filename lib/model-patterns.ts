import { z } from "zod";

// Keys and customer groups list the models they may call as patterns: an exact name ("gpt-4o") or a glob with * ("openai/*", "*-mini").

export type ModelMatcher = (model: string) => boolean;

export function compileModelPatterns(patterns: readonly string[]): ModelMatcher {
  if (patterns.length === 0) return () => true;
  const exact = new Set(patterns.filter((p) => !p.includes("*")));
  const globs = patterns
    .filter((p) => p.includes("*"))
    .map((p) => new RegExp(`^${p.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`));
  return (model) => exact.has(model) || globs.some((re) => re.test(model));
}

const patternsSchema = z.array(z.string());

/** A matcher for patterns stored as a JSON array (ApiKey.allowedModels, CustomerGroup.allowedModels). */
export const storedModelPatterns = (json: string): ModelMatcher => compileModelPatterns(patternsSchema.parse(JSON.parse(json)));
