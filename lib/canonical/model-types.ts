/** What a model does, and so which endpoint serves it. */
export const MODEL_TYPES = ["chat", "embedding", "image", "transcription", "speech", "moderation", "video"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
