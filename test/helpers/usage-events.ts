import { randomUUID } from "node:crypto";
import type { Queued } from "@/lib/billing/usage-writer";

// Deterministic synthetic usage events (spread over users, teams, keys, models and time) for the
// rollup tests and the analytics benchmark.

export interface SyntheticUsage {
  count: number;
  /** index of the first event: different offsets give different, still deterministic, events */
  offset?: number;
  /** events start at from and spread over spanMinutes */
  from: Date;
  spanMinutes: number;
  /** key i belongs to users[i % users.length], user j to teams[j % teams.length], as in a real hub */
  keys?: string[];
  users?: string[];
  teams?: Array<string | null>;
  models?: string[];
}

const DEFAULT_MODELS = ["gpt-4o-mini", "claude-sonnet", "gemini-flash"];

/**
 * Models metered in something other than tokens, as the hub meters them: a transcription model in
 * audio milliseconds, a speech model in characters, an image model in images, a video model in video
 * milliseconds. Pass their names in `models` to have such events.
 */
export const METERED_MODELS = { "whisper-1": "audio", "tts-1": "characters", "dall-e-3": "images", "sora-2": "video" } as const;

const ENDPOINT_OF: Record<string, string> = { images: "images", video: "videos" };

/** how event n of a model was metered: in tokens, or in the model's own unit (and no tokens) on its endpoint */
function metering(model: string, n: number) {
  const kind = (METERED_MODELS as Record<string, string>)[model];
  return {
    endpoint: kind ? (ENDPOINT_OF[kind] ?? "audio") : "chat",
    promptTokens: kind ? 0 : 10 + (n % 7),
    completionTokens: kind ? 0 : 5 + (n % 11),
    cachedTokens: kind ? 0 : n % 3,
    reasoningTokens: kind ? 0 : n % 2,
    // up to two minutes of audio, in odd milliseconds so sums are not round
    audioMs: kind === "audio" ? 1000 + ((n * 373) % 120_000) : 0,
    characters: kind === "characters" ? 20 + ((n * 31) % 4000) : 0,
    // clips of 1 to 20 seconds, in odd milliseconds
    videoMs: kind === "video" ? 1000 + ((n * 997) % 19_000) : 0,
    images: kind === "images" ? 1 + (n % 4) : 0,
  };
}

export function syntheticUsage(options: SyntheticUsage): Queued[] {
  const users = options.users ?? ["user-0", "user-1", "user-2"];
  const teams = options.teams ?? [null, "team-a", "team-a", "team-a", "team-a"];
  const keys = options.keys ?? ["key-0", "key-1", "key-2", "key-3"];
  const models = options.models ?? DEFAULT_MODELS;
  const base = options.from.getTime();
  return Array.from({ length: options.count }, (_, i) => {
    const n = i + (options.offset ?? 0);
    const model = n % models.length;
    const key = n % keys.length;
    const user = key % users.length;
    return {
      event: {
        requestId: randomUUID(),
        stream: n % 2 === 0,
        apiKeyId: keys[key]!,
        userId: users[user]!,
        teamId: teams[user % teams.length]!,
        requestedModel: models[model]!,
        modelId: null,
        providerId: null,
        providerName: model === 2 ? "gemini" : "openai",
        credentialId: null,
        deploymentId: null,
        attempts: 1,
        upstreamModel: null,
        ...metering(models[model]!, n),
        cacheWriteTokens: 0,
        usageSource: "upstream" as const,
        costNanoUsd: BigInt(1000 + n),
        chargeMicrocredits: BigInt(2000 + n),
        latencyMs: 100 + (n % 50),
        ttfbMs: 20,
        status: n % 13 === 0 ? 502 : 200,
        errorCode: null,
        errorMessage: null,
        // a prime stride scatters consecutive events over the whole span
        startedAt: new Date(base + ((n * 7919) % options.spanMinutes) * 60_000),
      },
      settlement: null,
    };
  });
}
