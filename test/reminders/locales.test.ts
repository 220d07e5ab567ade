import { beforeAll, describe, expect, it } from "vitest";
import { createI18n, readLocale, type I18n } from "../../src/i18n/index.js";
import { MESSAGE_KEYS, REMINDER_RULES } from "../../src/reminders/rules.js";

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n();
});

function allMessageKeys(): string[] {
  const keys = new Set<string>(Object.values(MESSAGE_KEYS));
  for (const r of REMINDER_RULES) {
    keys.add(r.messageKey);
    if (r.followUp) keys.add(r.followUp.messageKey);
    for (const a of r.alternates ?? []) keys.add(a.messageKey);
    if ("bands" in r) for (const b of r.bands ?? []) keys.add(b.messageKey);
    if ("movedMessageKey" in r) keys.add(r.movedMessageKey);
  }
  return [...keys];
}

const raw = (lang: "id" | "bjn", key: string): string => {
  const [ns, path] = key.split(":") as [string, string];
  let node: unknown = readLocale(lang)[ns];
  for (const part of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[part];
  return typeof node === "string" ? node : "";
};

// Variables the planner and renderer provide (see schedule.ts make() and render.ts textVars()).
const KNOWN_VARS = new Set([
  "name",
  "due",
  "until",
  "visit",
  "trimester",
  "fromDay",
  "toDay",
  "vaccine",
  "ageMonths",
  "week",
  "months",
  "weeks",
  "posyanduDate",
  "date",
  "text",
  "days",
  "items",
  "count",
]);

describe("reminder texts", () => {
  const keys = allMessageKeys();

  it("exist in Indonesian and in Banjar itself (not via fallback)", () => {
    const missing = keys.flatMap((k) => (["id", "bjn"] as const).filter((l) => raw(l, k) === "").map((l) => `${l} ${k}`));
    expect(missing).toEqual([]);
    for (const k of keys) expect(i18n.exists("bjn", k), k).toBe(true);
  });

  it("are written in Banjar, not copied from Indonesian", () => {
    const same = keys.filter((k) => raw("id", k) === raw("bjn", k) && !k.endsWith("merged.item"));
    expect(same).toEqual([]);
  });

  it("use the same variables in both languages, all of them known", () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
    for (const k of keys) {
      expect(vars(raw("bjn", k)), k).toEqual(vars(raw("id", k)));
      for (const v of vars(raw("id", k))) expect(KNOWN_VARS.has(v), `${k}: {{${v}}}`).toBe(true);
    }
  });

  it("keeps tips short (≤ 300 characters) with enough distinct texts", () => {
    const tips = keys.filter((k) => k.startsWith("reminders:tip."));
    for (const k of tips) for (const l of ["id", "bjn"] as const) expect(raw(l, k).length, `${l} ${k}`).toBeLessThanOrEqual(300);
    expect(tips.filter((k) => k.includes(".pregnancy.")).length).toBeGreaterThanOrEqual(15);
    expect(tips.filter((k) => k.includes(".child.")).length).toBeGreaterThanOrEqual(20);
  });

  it("asks follow-ups with SUDAH / BELUM", () => {
    for (const k of keys.filter((x) => x.includes(":followUp."))) {
      expect(raw("id", k), k).toMatch(/SUDAH atau BELUM/);
      expect(raw("bjn", k), k).toMatch(/SUDAH atawa BELUM/);
    }
  });

  it("addresses the mother politely in Banjar (pian, never ikam/nyawa)", () => {
    for (const k of keys) expect(raw("bjn", k), k).not.toMatch(/\b(ikam|nyawa|unda)\b/i);
  });

  it("has a loss message without programme content", () => {
    for (const k of [MESSAGE_KEYS.lossPregnancy, MESSAGE_KEYS.lossChild]) {
      for (const l of ["id", "bjn"] as const) expect(raw(l, k)).not.toMatch(/SUDAH|imunisasi|posyandu|MP-ASI|TTD/);
    }
  });

  it("says when BELUM will be reminded again", () => {
    expect(i18n.t("id", MESSAGE_KEYS.replyNotYet, { days: 3 })).toMatch(/^Baik, kami ingatkan lagi 3 hari lagi\./);
    expect(i18n.t("bjn", MESSAGE_KEYS.replyNotYet, { days: 3 })).toMatch(/3 ari lagi/);
  });
});
