import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress, resolveHost, type Resolver } from "@/lib/net/address-policy";
import { ByteBudget, FetchRefused, guardedFetch, type GuardedFetchOptions } from "@/lib/net/guarded-fetch";

// The address policy and the pinned fetch against real loopback servers. The resolvers below stand in
// for DNS only (a name's answers are the input under test); the sockets and HTTP are real.

describe("address policy", () => {
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.255",
    "169.254.169.254",
    "224.0.0.1",
    "255.255.255.255",
    "192.0.0.8",
    "198.18.0.1",
    "240.0.0.1",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "0:0:0:0:0:ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:8.8.8.8",
    "::ffff:0:7f00:1",
    "::127.0.0.1",
    "::7f00:1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:1",
    "2002:7f00:1::",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "fe80::1",
    "fe80::1%1",
    "fec0::1",
    "fc00::1",
    "fd00::1",
    "fd00:ec2::254",
    "ff02::1",
    "2001:db8::1",
    "100::1",
    "4000::1",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "100.128.0.1", "172.32.0.1", "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"])("allows %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("refuses a name if any of its addresses is not public (the connection could land on it)", async () => {
    const resolve: Resolver = async () => [
      { address: "8.8.8.8", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    await expect(resolveHost("mixed.example", { checked: true, resolve })).rejects.toMatchObject({ reason: "not_allowed" });
    await expect(resolveHost("localhost", { checked: true })).rejects.toMatchObject({ reason: "not_allowed" });
    await expect(resolveHost("[::ffff:127.0.0.1]", { checked: true })).rejects.toMatchObject({ reason: "not_allowed" });
    await expect(resolveHost("no-such-host.invalid", { checked: true })).rejects.toMatchObject({ reason: "unresolvable" });
  });
});

describe("guarded fetch", () => {
  let server: http.Server;
  let port: number;
  const hits: Array<{ host: string | undefined; url: string | undefined }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push({ host: req.headers.host, url: req.url });
      if (req.url === "/hop") return void res.writeHead(302, { location: `http://localhost:${port}/image` }).end();
      res.writeHead(200, { "content-type": "image/png" }).end("png");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const options = (overrides: Partial<GuardedFetchOptions>): GuardedFetchOptions => ({
    signal: AbortSignal.timeout(5000),
    budget: new ByteBudget(1024),
    maxRedirects: 3,
    allowHosts: new Set(),
    allowPrivate: false,
    accept: "image/*",
    ...overrides,
  });

  it("connects to the address it checked, resolving once, with the name in the Host header (no DNS rebinding)", async () => {
    // a rebinding name: the first answer is the one checked, every later one points elsewhere
    const answers: string[] = [];
    const resolve: Resolver = async () => {
      answers.push("asked");
      return [{ address: answers.length === 1 ? "127.0.0.1" : "127.0.0.2", family: 4 }];
    };
    hits.length = 0;
    const fetched = await guardedFetch(`http://rebind.test:${port}/image`, options({ allowHosts: new Set([`rebind.test:${port}`]), resolve }));
    expect(fetched.body.toString()).toBe("png");
    expect(answers).toHaveLength(1);
    expect(hits).toEqual([{ host: `rebind.test:${port}`, url: "/image" }]);
  });

  it("checks the host of every redirect hop", async () => {
    hits.length = 0;
    const failure = await guardedFetch(`http://127.0.0.1:${port}/hop`, options({ allowHosts: new Set([`127.0.0.1:${port}`]) })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FetchRefused);
    expect((failure as FetchRefused).reason).toBe("not_allowed");
    expect(hits.map((h) => h.url)).toEqual(["/hop"]);
  });

  it("refuses to follow more redirects than allowed", async () => {
    const failure = await guardedFetch(`http://127.0.0.1:${port}/hop`, options({ allowHosts: new Set([`127.0.0.1:${port}`, `localhost:${port}`]), maxRedirects: 0 })).catch((e: unknown) => e);
    expect((failure as FetchRefused).reason).toBe("too_many_redirects");
  });
});
