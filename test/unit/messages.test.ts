import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { NAMESPACES } from "@/i18n/messages";
import { LOCALES } from "@/lib/ui/locale";

// The UI's texts in every language: the same keys, nothing left empty, every message valid ICU with
// the same placeholders and tags as the English one (a translation that drops {credits} or <link>
// would show the wrong thing or throw when rendered).

const ROOT = path.resolve(import.meta.dirname, "../../messages");

type Tree = { [key: string]: string | Tree };

const load = (locale: string, ns: string) => JSON.parse(readFileSync(path.join(ROOT, locale, `${ns}.json`), "utf8")) as Tree;

/** "a.b.c" → message, for every leaf. */
function leaves(tree: Tree, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === "object") for (const [k, v] of leaves(value, at)) out.set(k, v);
    else out.set(at, value);
  }
  return out;
}

/** the argument names and tag names a message uses, sorted */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) found.add(`{${el.value}}`);
      if (el.type === TYPE.select || el.type === TYPE.plural) {
        found.add(`{${el.value}}`);
        for (const option of Object.values(el.options)) walk(option.value);
      }
      if (el.type === TYPE.tag) {
        found.add(`<${el.value}>`);
        walk(el.children);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

describe("messages", () => {
  it("each language has a file for each namespace, and no other", () => {
    for (const locale of LOCALES) {
      expect(readdirSync(path.join(ROOT, locale)).sort()).toEqual(NAMESPACES.map((ns) => `${ns}.json`).sort());
    }
  });

  for (const ns of NAMESPACES) {
    describe(ns, () => {
      const english = leaves(load("en", ns));
      for (const locale of LOCALES.filter((l) => l !== "en")) {
        const other = leaves(load(locale, ns));

        it(`${locale} has exactly the English keys`, () => {
          expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
        });

        it(`${locale} uses the same placeholders and tags as English`, () => {
          const mismatched = [...english].filter(([key, en]) => other.has(key) && placeholders(String(en)).join() !== placeholders(String(other.get(key))).join());
          expect(mismatched.map(([key]) => key)).toEqual([]);
        });
      }

      it.each(LOCALES)("%s has no empty message and every message is valid ICU", (locale) => {
        for (const [key, message] of leaves(load(locale, ns))) {
          expect(typeof message === "string" && message.trim().length > 0, `${locale}/${ns}.json ${key}`).toBe(true);
          expect(() => parse(String(message)), `${locale}/${ns}.json ${key}`).not.toThrow();
        }
      });
    });
  }
});
