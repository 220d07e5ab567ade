import { describe, expect, it } from "vitest";
import { createI18n, readLocale } from "../../src/i18n/index.js";

type Tree = Record<string, unknown>;

function leafKeys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    value && typeof value === "object" ? leafKeys(value as Tree, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe("locales", () => {
  const id = readLocale("id");
  const bjn = readLocale("bjn");

  // Namespaces only staff read, in Indonesian (the staff console); Banjar falls back to them.
  const STAFF_ONLY = new Set(["console", "reports-staff"]);

  it("has a Banjar text for every Indonesian key", () => {
    const missing: string[] = [];
    for (const [ns, tree] of Object.entries(id)) {
      if (STAFF_ONLY.has(ns)) continue;
      const banjar = new Set(leafKeys(bjn[ns] ?? {}));
      for (const key of leafKeys(tree)) if (!banjar.has(key)) missing.push(`${ns}:${key}`);
    }
    expect(missing).toEqual([]);
  });

  it("has no Banjar key that Indonesian lacks (typos in key names)", () => {
    const extra: string[] = [];
    for (const [ns, tree] of Object.entries(bjn)) {
      const indonesian = new Set(leafKeys(id[ns] ?? {}));
      for (const key of leafKeys(tree)) if (!indonesian.has(key)) extra.push(`${ns}:${key}`);
    }
    expect(extra).toEqual([]);
  });

  it("falls back from Banjar to Indonesian and uses Indonesian plural rules for Banjar", async () => {
    const i18n = await createI18n();
    i18n.instance.addResourceBundle("id", "probe", { only_id: "ada", child_other: "{{count}} anak" });
    expect(i18n.t("bjn", "probe:only_id")).toBe("ada");
    // English rules would look for child_one at count 1; Indonesian has only "other".
    expect(i18n.t("bjn", "probe:child", { count: 1 })).toBe("1 anak");
    expect(i18n.t("id", "probe:child", { count: 1 })).toBe("1 anak");
  });
});
