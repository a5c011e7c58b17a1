import { describe, expect, it } from "vitest";
import { clientAddress, PEER_HEADER } from "@/lib/auth/client-address";

// Whom sign-in and sign-up throttles count against: X-Forwarded-For only from trusted proxies.

const headers = (values: Record<string, string>) => new Headers(values);

describe("client address", () => {
  it("is the socket's address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress(headers({ [PEER_HEADER]: "203.0.113.7", "x-forwarded-for": "198.51.100.1" }), "")).toBe("203.0.113.7");
  });

  it("is the nearest untrusted hop behind trusted proxies, and one client has one spelling", () => {
    const h = headers({ [PEER_HEADER]: "::ffff:10.0.0.5", "x-forwarded-for": "1.2.3.4, 198.51.100.9, 10.0.0.9" });
    // 1.2.3.4 was written by the client itself: only the hop the trusted proxy saw counts
    expect(clientAddress(h, "10.0.0.0/8")).toBe("198.51.100.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a listed proxy", () => {
    expect(clientAddress(headers({ [PEER_HEADER]: "192.0.2.1", "x-forwarded-for": "198.51.100.9" }), "10.0.0.0/8, 127.0.0.1")).toBe("192.0.2.1");
  });

  it("stops at garbage in X-Forwarded-For, and is 'unknown' without the hub's own server", () => {
    expect(clientAddress(headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "not-an-ip, 198.51.100.9" }), "127.0.0.1")).toBe("198.51.100.9");
    expect(clientAddress(headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "198.51.100.9, nonsense" }), "127.0.0.1")).toBe("127.0.0.1");
    expect(clientAddress(headers({ "x-forwarded-for": "198.51.100.9" }), "127.0.0.1")).toBe("unknown");
  });
});
