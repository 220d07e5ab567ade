import { describe, expect, it } from "vitest";
import { isReadableCode, newChildCode } from "../../src/children/index.js";
import { parseGrowthCommand } from "../../src/growth/chat.js";
import {
  adviceFor,
  ageParts,
  checkBirthDate,
  defaultPosition,
  formatNumber,
  localDate,
  maternalFlags,
  muacReason,
  normalisePhone,
  referralPriority,
  referralReasons,
  resolveMeasuredOn,
} from "../../src/growth/rules.js";
import type { NutritionStatus } from "../../src/growth/index.js";

const normal: NutritionStatus = { tbu: "normal", bbu: "normal", bbtb: "normal", imtu: "normal" };

describe("growth chat rules", () => {
  it("uses the WITA calendar date", () => {
    expect(localDate(new Date("2026-11-27T16:30:00Z"), "Asia/Makassar")).toBe("2026-11-28");
    expect(localDate(new Date("2026-11-27T15:59:00Z"), "Asia/Makassar")).toBe("2026-11-27");
  });

  it.each([
    [undefined, "2026-11-27"],
    [{ day: 12, month: 11 }, "2026-11-12"],
    [{ day: 2, month: 12 }, "2026-12-02"], // a few days ahead: kept, so the future-date check can ask
    [{ day: 28, month: 12 }, "2026-12-28"],
    [{ day: 12, month: 11, year: 2025 }, "2025-11-12"],
    [{ day: 31, month: 2, year: 2026 }, null],
  ])("resolves measurement date %j → %s", (m, expected) => {
    expect(resolveMeasuredOn(m, "2026-11-27")).toBe(expected);
  });

  it("puts a December date typed in January in last year", () => {
    expect(resolveMeasuredOn({ day: 28, month: 12 }, "2027-01-05")).toBe("2026-12-28");
  });

  it.each([
    ["12/3/2025", "2025-03-12"],
    ["12-03-2025", "2025-03-12"],
    ["12.03.25", "2025-03-12"],
    ["12 Maret 2025", "2025-03-12"],
    ["12 mar 2025", "2025-03-12"],
    ["1 Pebruari 2025", "2025-02-01"],
    ["17 Agustus 2024", "2024-08-17"],
    ["2025-03-12", "2025-03-12"],
    ["31/2/2025", null],
    // Read as a parent's dates are (lib/input/dates): a kader may say "kemarin" too.
    ["kemarin", "2026-11-26"],
    ["2 bulan lalu", "2026-09-27"],
    ["12 Maretan 2025", null],
  ])("reads the birth date %s", (text, expected) => {
    expect(checkBirthDate(text, "2026-11-27")).toEqual(expected === null ? { problem: "unreadable" } : { date: expected });
  });

  it("refuses future and over-age birth dates", () => {
    expect(checkBirthDate("1/12/2026", "2026-11-27")).toEqual({ problem: "future" });
    expect(checkBirthDate("1/1/2020", "2026-11-27")).toEqual({ problem: "too-old" });
    expect(checkBirthDate("xx", "2026-11-27")).toEqual({ problem: "unreadable" });
    expect(checkBirthDate("12/3/2025", "2026-11-27")).toEqual({ date: "2025-03-12" });
    // Under five (children/balita.ts): 59 completed months yes, 60 no.
    expect(checkBirthDate("28/11/2021", "2026-11-27")).toEqual({ date: "2021-11-28" });
    expect(checkBirthDate("27/11/2021", "2026-11-27")).toEqual({ problem: "too-old" });
  });

  it.each([
    ["2025-03-12", "2026-11-27", { months: 20, days: 15 }],
    ["2026-01-31", "2026-03-01", { months: 1, days: 1 }], // anniversary 28 Feb (end of month)
    ["2026-11-27", "2026-11-27", { months: 0, days: 0 }],
  ])("says the age of %s on %s", (birth, on, expected) => {
    expect(ageParts(birth, on)).toEqual(expected);
  });

  it.each([
    [100, undefined, "lying"],
    [730, "tb", "lying"],
    [731, undefined, "standing"],
    [900, "pb", "lying"],
    [null, "tb", "standing"],
  ] as const)("measures a child of %s days (%s) %s", (age, keyword, expected) => {
    expect(defaultPosition(age, keyword)).toBe(expected);
  });

  it.each([
    [normal, {}, []],
    [{ ...normal, tbu: "stunted" }, {}, ["stunted"]],
    [{ ...normal, tbu: "severely-stunted", bbtb: "wasted" }, {}, ["severely-stunted", "wasted"]],
    [{ ...normal, bbtb: null, imtu: "severely-wasted" }, {}, ["severely-wasted"]],
    [normal, { oedema: true }, ["oedema"]],
    [normal, { weighing: { code: "T", twoT: true, bgm: false } }, ["2T"]],
    // Buku KIA 2023: "rujuk bila T" — a single T refers by default; "2T" keeps the older practice.
    [normal, { weighing: { code: "T", twoT: false, bgm: false } }, ["T"]],
    [normal, { weighing: { code: "T", twoT: false, bgm: false }, rules: ["2T", "BGM", "obese"] }, []],
    [normal, { weighing: { code: "T", twoT: true, bgm: false }, rules: ["2T"] }, ["2T"]],
    [{ ...normal, bbu: "severely-underweight" }, { weighing: { code: "N", twoT: false, bgm: true } }, ["BGM"]],
    [{ ...normal, bbu: "severely-underweight" }, { weighing: { code: "N", twoT: false, bgm: true }, rules: ["T"] }, []],
    [{ ...normal, bbu: "underweight" }, {}, []],
    // Above the orange line: obesitas by default, gizi lebih too when the Pokja chooses it.
    [{ ...normal, bbtb: "obese" }, {}, ["obese"]],
    [{ ...normal, bbtb: "overweight" }, {}, []],
    [{ ...normal, bbtb: "overweight" }, { rules: ["overweight"] }, ["overweight"]],
    [{ ...normal, bbtb: "obese" }, { rules: ["T"] }, []],
    // Oedema is gizi buruk (classify.ts sets the status): one reason.
    [{ ...normal, bbtb: "severely-wasted", imtu: null }, { oedema: true }, ["oedema"]],
  ] as const)("refers %j %j → %j", (status, extra, expected) => {
    expect(referralReasons({ status: status as NutritionStatus }, extra)).toEqual(expected);
  });

  it.each([
    [["stunted"], "routine"],
    [["stunted", "BGM", "2T"], "routine"],
    [["stunted", "severely-wasted"], "urgent"],
    [["oedema"], "urgent"],
    [["muac-severe"], "urgent"],
    [["muac-moderate"], "routine"],
  ] as const)("gives %j the priority %s", (reasons, expected) => {
    expect(referralPriority(reasons)).toBe(expected);
  });

  it.each([
    [normal, [], "T", "not-gaining"],
    [normal, ["2T"], "T", "refer"],
    [{ ...normal, bbu: "underweight" }, [], "N", "underweight"],
    [{ ...normal, bbtb: "overweight" }, [], null, "overweight"],
    [normal, [], "N", "good"],
    [normal, ["severely-wasted"], null, "refer-urgent"],
    // BB/U "risiko berat badan lebih" alone: no overweight advice, the length decides.
    [{ ...normal, bbu: "risk-of-overweight", bbtb: null, imtu: null }, [], "N", "measure-length"],
    [{ ...normal, bbu: "risk-of-overweight", bbtb: "normal" }, [], "N", "good"],
    [{ ...normal, bbu: "risk-of-overweight", bbtb: "possible-risk-of-overweight" }, [], "N", "overweight"],
  ] as const)("advises %j", (status, reasons, code, expected) => {
    expect(adviceFor({ status: status as NutritionStatus }, reasons, code)).toBe(expected);
  });

  it("advises from the recent length and the open referral when only the weight was measured", () => {
    const weightOnly = { ...normal, tbu: null, bbtb: null, imtu: null } as NutritionStatus;
    expect(adviceFor({ status: weightOnly }, [], "N")).toBe("good");
    expect(adviceFor({ status: weightOnly }, [], "N", { latestTbu: "stunted" })).toBe("stunted");
    expect(adviceFor({ status: weightOnly }, [], "N", { openReferral: true, latestTbu: "stunted" })).toBe("referral-open");
  });

  it.each([
    [{ muacCm: 23.4 }, { kek: true, anaemia: false }],
    [{ muacCm: 23.5 }, { kek: false, anaemia: false }],
    [{ hbGdl: 10.9 }, { kek: false, anaemia: true }],
    [{ hbGdl: 11 }, { kek: false, anaemia: false }],
    [{}, { kek: false, anaemia: false }],
  ])("flags pregnancy %j", (m, expected) => {
    expect(maternalFlags(m)).toEqual(expected);
  });

  it.each([
    ["0812-3456-7890", "6281234567890"],
    ["+62 812 3456 7890", "6281234567890"],
    ["81234567890", "6281234567890"],
    ["12345", null],
    ["abc", null],
  ])("normalises the phone %s", (text, expected) => {
    expect(normalisePhone(text)).toBe(expected);
  });

  it("writes numbers with a decimal comma", () => {
    expect(formatNumber(-2.456, 2)).toBe("−2,46");
    expect(formatNumber(8.2, 1)).toBe("8,2");
  });

  it.each([
    ["ANAK BARU", "new-child"],
    ["anak hanyar", "new-child"],
    ["UKUR", "guided-report"],
    ["UKUR A7K2 BB 8,2 TB 72,5", "report"],
    ["A7K2 BB 8,2\nB3X9 BB 9", "report"],
    ["KMPQ BB 8,2\n8684 TB 70", "report"],
    ["cara ukur tinggi badan bayi", null],
    ["Budi sakit demam", null],
    ["batal ukur", "undo"],
    ["RIWAYAT a7k2", "history"],
    ["cari siti", "search"],
    ["KEMBAR A7K2", "twin"],
    ["HAMIL 081234567890 LILA 22", "maternal"],
    ["TERIMA R-12", "referral"],
    ["hasil r12 sembuh", "referral"],
    ["berapa berat bayi normal", null],
    ["BATAL", "undo"], // a kader's undo; for anyone else the handler passes it on to the general cancel
    ["bumil hrs periksa brp kali", null],
    ["hamil muda boleh makan nanas?", null],
  ])("recognises %s", (text, kind) => {
    expect(parseGrowthCommand(text)?.kind ?? null).toBe(kind);
  });
});

describe("code-first report lines", () => {
  it("reads codes of letters only or digits only at the start of a line", () => {
    const c = parseGrowthCommand("KMPQ BB 8,2\n8684 TB 70");
    expect(c?.kind === "report" && c.results.map((r) => ("childCode" in r ? r.childCode : r.error))).toEqual(["KMPQ", "8684"]);
  });
});

describe("child codes", () => {
  it.each([
    ["A7K2", true],
    ["822G", false], // 822 grams
    ["TB7K", false], // TB 7…
    ["KMPQ", false], // letters only: not a code at the start of a line
    ["8684", false], // digits only
    ["UKUR", false],
  ])("%s is readable in reports: %s", (code, expected) => {
    expect(isReadableCode(code)).toBe(expected);
  });

  it("draws readable codes", () => {
    const drawn = Array.from({ length: 2000 }, () => newChildCode());
    const readable = drawn.filter(isReadableCode);
    // Most draws are fine; the rest are drawn again.
    expect(readable.length / drawn.length).toBeGreaterThan(0.5);
  });
});

describe("LiLA of children 6–59 months (Kemenkes 2019: < 11,5 gizi buruk, < 12,5 gizi kurang)", () => {
  it.each([
    [11.4, 400, "muac-severe"],
    [11.5, 400, "muac-moderate"],
    [12.4, 1800, "muac-moderate"],
    [12.5, 400, null],
    [11.0, 150, null], // under 6 months: not screened by LiLA
    [11.0, 182, null], // 182 days is still under 6 months (6 × 30.4375 = 182.6)
    [11.0, 183, "muac-severe"], // from 183 days
    [11.0, 1825, "muac-severe"], // the last day under 60 months
    [11.0, 1826, null], // 5 years and over
    [undefined, 400, null],
  ] as const)("LiLA %s cm at %s days → %s", (muac, ageDays, expected) => {
    expect(muacReason(muac, ageDays)).toBe(expected);
    expect(
      referralReasons({ status: { tbu: "normal", bbu: "normal", bbtb: "normal", imtu: "normal" }, ageDays }, { muacCm: muac }),
    ).toEqual(expected ? [expected] : []);
  });
});
