import { describe, expect, it } from "vitest";
import { unitParts } from "@/lib/ui/units";

// Which units the usage pages show for a call or a model: every one that is not zero, audio in
// seconds under a minute and in minutes from there, video in seconds.

const none = { promptTokens: 0, completionTokens: 0, images: 0, audioMs: 0, characters: 0, videoMs: 0 };

describe("unitParts", () => {
  it("shows tokens as prompt plus completion", () => {
    expect(unitParts({ ...none, promptTokens: 1000, completionTokens: 234 })).toEqual([{ unit: "tokens", count: 1234 }]);
  });

  it("shows audio in seconds to one decimal under a minute, in minutes from a minute", () => {
    expect(unitParts({ ...none, audioMs: 12_345 })).toEqual([{ unit: "audioSeconds", count: 12.3 }]);
    expect(unitParts({ ...none, audioMs: 59_940 })).toEqual([{ unit: "audioSeconds", count: 59.9 }]);
    expect(unitParts({ ...none, audioMs: 59_999 })).toEqual([{ unit: "audioMinutes", count: 1 }]);
    expect(unitParts({ ...none, audioMs: 60_000 })).toEqual([{ unit: "audioMinutes", count: 1 }]);
    expect(unitParts({ ...none, audioMs: 162_345 })).toEqual([{ unit: "audioMinutes", count: 2.7 }]);
  });

  it("shows video in seconds to one decimal, however long", () => {
    expect(unitParts({ ...none, videoMs: 8_000 })).toEqual([{ unit: "videoSeconds", count: 8 }]);
    expect(unitParts({ ...none, videoMs: 12_340 })).toEqual([{ unit: "videoSeconds", count: 12.3 }]);
    expect(unitParts({ ...none, videoMs: 49 })).toEqual([{ unit: "videoSeconds", count: 0 }]);
    // no minutes for video: its prices are per second
    expect(unitParts({ ...none, videoMs: 754_560 })).toEqual([{ unit: "videoSeconds", count: 754.6 }]);
  });

  it("shows every unit that is not zero, in a fixed order, and none for a call that metered nothing", () => {
    expect(unitParts({ promptTokens: 5, completionTokens: 0, images: 2, audioMs: 500, characters: 42, videoMs: 4_050 })).toEqual([
      { unit: "tokens", count: 5 },
      { unit: "audioSeconds", count: 0.5 },
      { unit: "characters", count: 42 },
      { unit: "images", count: 2 },
      { unit: "videoSeconds", count: 4.1 },
    ]);
    expect(unitParts(none)).toEqual([]);
  });
});
