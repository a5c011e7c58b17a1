import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubFixture, type HubFixture } from "../helpers/hub-fixture";
import { actionId, WebClient } from "../helpers/web-client";

// The web UI in English and Simplified Chinese: the browser's Accept-Language picks the language,
// the switcher's cookie overrides it, <html lang> says which, and the URLs stay the same.

let f: HubFixture;
let web: WebClient;
const EMAIL = "reader@test.local";
const PASSWORD = "reader-password-1";

beforeAll(async () => {
  f = await startHubFixture();
  await f.lib.setMode("service_provider", "test");
  await f.lib.createUser({ email: EMAIL, role: "member", password: PASSWORD }, "test");
  web = new WebClient(f.hub.url);
  expect((await web.signIn(EMAIL, PASSWORD)).ok).toBe(true);
});

afterAll(async () => {
  await f?.close();
});

async function page(path: string, acceptLanguage: string): Promise<{ lang: string | undefined; html: string }> {
  const res = await web.fetch(path, { headers: { "accept-language": acceptLanguage } });
  expect(res.status).toBe(200);
  const html = await res.text();
  return { lang: /<html[^>]*\blang="([^"]+)"/.exec(html)?.[1], html };
}

/** Posts the language switcher's form as the browser does (a one-argument action: the FormData). */
async function switchTo(locale: string): Promise<Response> {
  const form = new FormData();
  form.append("_1_locale", locale);
  form.append("0", JSON.stringify(["$K1"]));
  return web.fetch("/dashboard", {
    method: "POST",
    body: form,
    headers: { "next-action": actionId("lib/ui/locale-action.ts", "setLocaleAction"), origin: f.hub.url, accept: "text/x-component" },
  });
}

describe("the UI's language", () => {
  it("is Chinese for a browser that asks for zh-CN, on the billing page and the dashboard", async () => {
    const billing = await page("/billing", "zh-CN,zh;q=0.9,en;q=0.8");
    expect(billing.lang).toBe("zh-CN");
    expect(billing.html).toContain("月度对账单");
    expect(billing.html).toContain("余额（积分）");
    expect(billing.html).toContain("<title>账单 · AIGNE Hub</title>");
    expect(billing.html).not.toContain("Monthly statements");
    const dashboard = await page("/dashboard", "zh-TW");
    expect(dashboard.lang).toBe("zh-CN");
    expect(dashboard.html).toContain("你最近 30 天的用量。");
    expect(dashboard.html).toContain("退出登录");
  });

  it("is English for a browser that asks for en (or a language the hub does not have)", async () => {
    const billing = await page("/billing", "en-US,en;q=0.9");
    expect(billing.lang).toBe("en");
    expect(billing.html).toContain("Monthly statements");
    expect(billing.html).toContain("<title>Billing · AIGNE Hub</title>");
    expect(billing.html).not.toContain("月度对账单");
    const dashboard = await page("/dashboard", "fr-FR");
    expect(dashboard.lang).toBe("en");
    expect(dashboard.html).toContain("Your usage of the hub over the last 30 days.");
  });

  it("follows the switcher's cookie over the browser's header", async () => {
    const res = await switchTo("zh-CN");
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("hub-locale="));
    expect(cookie).toMatch(/^hub-locale=zh-CN;/);
    expect(cookie).toMatch(/SameSite=lax/i);
    expect(cookie).toMatch(/Max-Age=31536000/i);
    const billing = await page("/billing", "en-US,en;q=0.9");
    expect(billing.lang).toBe("zh-CN");
    expect(billing.html).toContain("月度对账单");

    await switchTo("en");
    const dashboard = await page("/dashboard", "zh-CN");
    expect(dashboard.lang).toBe("en");
    expect(dashboard.html).toContain("Your usage of the hub over the last 30 days.");
  });

  it("ignores a language the switcher does not offer", async () => {
    await switchTo("en");
    const res = await switchTo("fr");
    expect(res.headers.getSetCookie().filter((c) => c.startsWith("hub-locale="))).toEqual([]);
    expect((await page("/dashboard", "zh-CN")).lang).toBe("en");
  });

  it("translates the public sign-in page too, with the switcher on it", async () => {
    const anonymous = new WebClient(f.hub.url);
    const res = await anonymous.fetch("/sign-in", { headers: { "accept-language": "zh" } });
    const html = await res.text();
    expect(html).toMatch(/<html[^>]*lang="zh-CN"/);
    expect(html).toContain("使用你的邮箱和密码登录。");
    expect(html).toContain('data-testid="locale-switcher"');
  });
});
