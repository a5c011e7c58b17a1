import { describe, expect, it } from "vitest";
import { negotiateLocale } from "@/lib/ui/locale";

describe("the UI's language", () => {
  it("follows the switcher's cookie over the browser", () => {
    expect(negotiateLocale({ cookie: "zh-CN", acceptLanguage: "en-US,en;q=0.9" })).toBe("zh-CN");
    expect(negotiateLocale({ cookie: "en", acceptLanguage: "zh-CN,zh;q=0.9" })).toBe("en");
  });

  it("ignores a cookie that names no language of the hub", () => {
    for (const cookie of ["fr", "zh", "ZH-cn", "", "en; path=/", "<script>"]) {
      expect(negotiateLocale({ cookie, acceptLanguage: "zh-CN" })).toBe("zh-CN");
      expect(negotiateLocale({ cookie, acceptLanguage: null })).toBe("en");
    }
  });

  it.each(["zh-CN", "zh-TW", "zh-HK", "zh", "zh-Hans-CN", "ZH-tw"])("reads any Chinese (%s) as Simplified Chinese", (tag) => {
    expect(negotiateLocale({ acceptLanguage: tag })).toBe("zh-CN");
  });

  it("takes the browser's first language the hub has, by weight", () => {
    expect(negotiateLocale({ acceptLanguage: "fr-FR,fr;q=0.9,zh-CN;q=0.8,en;q=0.7" })).toBe("zh-CN");
    expect(negotiateLocale({ acceptLanguage: "fr,en;q=0.5,zh;q=0.9" })).toBe("zh-CN");
    expect(negotiateLocale({ acceptLanguage: "en-GB,zh-CN;q=0.9" })).toBe("en");
    expect(negotiateLocale({ acceptLanguage: "zh-CN;q=0,en" })).toBe("en");
  });

  it("falls back to English for other languages, an empty header or none", () => {
    expect(negotiateLocale({ acceptLanguage: "fr" })).toBe("en");
    expect(negotiateLocale({ acceptLanguage: "de-DE,ja;q=0.8" })).toBe("en");
    expect(negotiateLocale({ acceptLanguage: "" })).toBe("en");
    expect(negotiateLocale({})).toBe("en");
    expect(negotiateLocale({ acceptLanguage: ";;,q=abc,*" })).toBe("en");
  });
});
