import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { startHubProcess, type HubProcess } from "../helpers/hub-process";
import { WebClient } from "../helpers/web-client";

// Password guessing spread over several hub processes: with REDIS_URL the sign-in throttle's counters
// live in Redis, so an attacker gains nothing by load-balancing the guesses.

let f: HubFixture;
let second: HubProcess;

beforeAll(async () => {
  f = await startHubFixture({ redis: true });
  second = await startHubProcess(f.env);
}, 120_000);

afterAll(async () => {
  await second?.stop("SIGKILL");
  await f?.close();
});

describe("sign-in throttle with Redis", () => {
  it("two hub processes share one account's attempts", async () => {
    await f.lib.createUser({ email: "shared@test.local", password: "shared-password", role: "member" }, "test");
    const hubs = [new WebClient(f.hub.url), new WebClient(second.url)];
    // five wrong passwords spread over both processes, then the right one on either: refused
    for (let i = 0; i < 5; i++) expect((await hubs[i % 2]!.signIn("shared@test.local", `wrong-${i}`)).code).toBe("invalid_credentials");
    expect(await hubs[1]!.signIn("shared@test.local", "shared-password")).toMatchObject({ ok: false, code: "throttled" });
    expect(await hubs[0]!.signIn("shared@test.local", "shared-password")).toMatchObject({ ok: false, code: "throttled" });
  });
});
