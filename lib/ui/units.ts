// The units a call (or a sum of calls) was metered in, for the usage pages: tokens for chat, embedding
// and moderation models, audio for transcription, characters for speech, images for image models,
// seconds of video for video models. Rather than guess from the model's type (a model's type can
// change, and an image model may report tokens too), every unit that is not zero is shown, in this
// order; nothing metered shows as none.

import type { MeteredUnits } from "../billing/cost";

export type { MeteredUnits };

/**
 * One unit to show: its message key (usage.units) and how many. Audio reads in seconds (one decimal)
 * under a minute and in minutes (one decimal) from there, as its prices are per minute; video reads
 * in seconds (one decimal), as its prices are per second.
 */
export interface UnitPart {
  unit: "tokens" | "audioSeconds" | "audioMinutes" | "characters" | "images" | "videoSeconds";
  count: number;
}

const oneDecimal = (n: number) => Math.round(n * 10) / 10;

export function unitParts(u: MeteredUnits): UnitPart[] {
  const parts: UnitPart[] = [];
  const tokens = u.promptTokens + u.completionTokens;
  if (tokens > 0) parts.push({ unit: "tokens", count: tokens });
  if (u.audioMs > 0) {
    const seconds = oneDecimal(u.audioMs / 1000);
    // decided on the rounded seconds, so 59.99 s reads "1 min" rather than "60 s"
    parts.push(seconds < 60 ? { unit: "audioSeconds", count: seconds } : { unit: "audioMinutes", count: oneDecimal(u.audioMs / 60_000) });
  }
  if (u.characters > 0) parts.push({ unit: "characters", count: u.characters });
  if (u.images > 0) parts.push({ unit: "images", count: u.images });
  if (u.videoMs > 0) parts.push({ unit: "videoSeconds", count: oneDecimal(u.videoMs / 1000) });
  return parts;
}
