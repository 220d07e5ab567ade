import { describe, expect, it } from "vitest";
import { REFERRAL_REASONS } from "../../src/growth/growth.sql.js";
import { LANGUAGES, createI18n } from "../../src/i18n/index.js";

const i18n = await createI18n();

const keys = [
  ...["severely-stunted", "stunted", "normal", "tall"].map((c) => `growth:status.tbu.${c}`),
  ...["severely-underweight", "underweight", "normal", "risk-of-overweight"].map((c) => `growth:status.bbu.${c}`),
  ...["bbtb", "imtu"].flatMap((i) =>
    ["severely-wasted", "wasted", "normal", "possible-risk-of-overweight", "overweight", "obese"].map((c) => `growth:status.${i}.${c}`),
  ),
  ...[
    "missing-child-code",
    "missing-measurement",
    "bad-number",
    "bad-date",
    "unlabelled-number",
    "duplicate-field",
    "conflicting-position",
  ].map((c) => `growth:parse.${c}`),
  ...[
    "who-flag",
    "same-day-duplicate",
    "weight-in-grams",
    "future-date",
    "before-birth",
    "age-5-years-or-more",
    "standing-under-9-months",
    "length-decreased",
    "weight-jump",
  ].map((c) => `growth:plausibility.${c}`),
  ...["weight-decimal"].map((c) => `growth:plausibility.${c}`),
  ...["N", "T", "O", "B", "2T", "BGM"].map((c) => `growth:code.${c}`),
  ...["refer-urgent", "refer", "referral-open", "stunted", "not-gaining", "underweight", "overweight", "measure-length", "good"].flatMap(
    (c) => [`growth:advice.${c}`, `growth:parent.advice.${c}`],
  ),
  ...REFERRAL_REASONS.map((r) => `growth:reason.${r}`),
  ...["notify", "update", "reminder", "urgent_head"].map((k) => `growth:referral.${k}`),
  ...["refer_urgent", "referral_created_urgent", "referral_updated"].map((k) => `growth:reply.${k}`),
  "growth:danger_signs",
  "growth:confirm.blocked",
  ...["child", "weight", "length", "muac", "head", "date", "position", "oedema"].map((c) => `growth:field.${c}`),
  ...["zlen", "zwei", "zwfl", "zbmi", "zhc", "zac"].map((c) => `growth:indicator.${c}`),
  "growth:status.bbtb.severely-wasted-oedema",
];

describe("growth texts", () => {
  it.each(LANGUAGES.flatMap((lang) => keys.map((key) => [lang, key] as const)))("%s has %s", (lang, key) => {
    expect(i18n.instance.exists(key, { lng: lang, fallbackLng: false })).toBe(true);
  });

  it("interpolates the parser's values", () => {
    expect(i18n.t("bjn", "growth:parse.bad-date", { token: "32/11" })).toContain("32/11");
    expect(i18n.t("id", "growth:plausibility.weight-in-grams", { kg: "8,2" })).toContain("8,2 kg");
  });
});
