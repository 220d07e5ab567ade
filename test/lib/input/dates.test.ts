import { describe, expect, it } from "vitest";
import { parseLooseDate, parsePregnancyAge } from "../../../src/lib/input/dates.js";
import { readBirthDate, readPregnancyAnchor, replyIntent } from "../../../src/reminders/chat.js";

const TODAY = "2026-03-10";

describe("parseLooseDate", () => {
  it.each([
    ["15-03-2026", "past", "2026-03-15"],
    ["15/3/26", "past", "2026-03-15"],
    ["1.2.2026", "past", "2026-02-01"],
    ["2026-02-01", "past", "2026-02-01"],
    ["tgl 5 maret 2026", "past", "2026-03-05"],
    ["5 mrt", "past", "2026-03-05"],
    ["20 des", "past", "2025-12-20"], // no year, HPHT/birth: the latest one not after today
    ["20 des", "future", "2026-12-20"], // HPL: the next one
    ["1 pebruari", "past", "2026-02-01"],
    ["12 agt 2025", "past", "2025-08-12"],
    ["hari ini", "past", TODAY],
    ["ari ini", "past", TODAY],
    ["kemarin", "past", "2026-03-09"],
    ["samalam", "past", "2026-03-09"], // Banjar: kemarin
    ["31-02-2026", "past", null], // no such day
    ["15 bulan", "past", null],
    ["besok", "past", null],
    ["", "past", null],
  ] as const)("%s (%s) → %s", (text, prefer, expected) => {
    expect(parseLooseDate(text, TODAY, prefer)).toBe(expected);
  });
});

describe("parsePregnancyAge", () => {
  it.each([
    ["12 minggu", { weeks: 12, days: 0 }],
    ["hamil 12 mgg 3 hari", { weeks: 12, days: 3 }],
    ["usia kandungan 20 minggu", { weeks: 20, days: 0 }],
    // 3 months × 30.44 days = 91 days = 13 weeks 0 days (rough; the bot shows the HPL to check).
    ["3 bulan", { weeks: 13, days: 0 }],
    ["hamil 7 bln", { weeks: 30, days: 3 }],
    ["15-03-2026", null],
  ] as const)("%s → %o", (text, expected) => {
    expect(parsePregnancyAge(text)).toEqual(expected);
  });
});

describe("readPregnancyAnchor (HPHT, HPL = HPHT + 280 days, or weeks)", () => {
  it.each([
    ["1-2-2026", { hpht: "2026-02-01" }],
    ["HPHT 1 feb 2026", { hpht: "2026-02-01" }],
    ["HPL 8-11-2026", { hpht: "2026-02-01" }],
    ["hpl 8 nov", { hpht: "2026-02-01" }],
    ["hamil 10 minggu", { hpht: "2025-12-30" }],
    ["kada tahu", { unknown: true }],
    ["12-03-2026", { error: "range" }], // after today
    ["1-1-2025", { error: "range" }], // more than 44 weeks ago
    ["kapan ya", { error: "unreadable" }],
  ] as const)("%s → %o", (text, expected) => {
    expect(readPregnancyAnchor(text, TODAY)).toEqual(expected);
  });
});

describe("readBirthDate (balita: under 5 years)", () => {
  it.each([
    ["10-05-2025", { birthDate: "2025-05-10" }],
    ["hari ini", { birthDate: TODAY }],
    ["11-03-2026", { error: "future" }],
    ["10-03-2021", { error: "old" }], // 60 completed months today
    ["11-03-2021", { birthDate: "2021-03-11" }], // one day short of 5 years
    ["Ahmad", { error: "unreadable" }],
  ] as const)("%s → %o", (text, expected) => {
    expect(readBirthDate(text, TODAY)).toEqual(expected);
  });
});

describe("replies to a reminder", () => {
  it.each([
    ["SUDAH", undefined, "done"],
    ["sdh bu", undefined, "done"],
    ["hudah pang", undefined, "done"],
    ["Belum", undefined, "notYet"],
    ["blm", undefined, "notYet"],
    ["balum", undefined, "notYet"],
    ["TUNDA", undefined, "notYet"],
    ["kaina", undefined, "notYet"],
    ["", "rem:done", "done"],
    ["", "rem:notyet", "notYet"],
    ["sudah lahir", undefined, null], // that is the birth report
    ["sudah imunisasi tapi anak saya demam tinggi semalam", undefined, null], // a question for the FAQ
    ["berapa kali imunisasi", undefined, null],
  ] as const)("%s %s → %s", (text, payload, expected) => {
    expect(replyIntent(text, payload)).toBe(expected);
  });
});
