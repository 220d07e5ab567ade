import { describe, expect, it } from "vitest";
import { kbmGrams, weightGainStatus, type Weighing } from "../../src/growth/weight-gain.js";

describe("KBM (Buku KIA)", () => {
  it.each([
    [0, 800],
    [1, 800],
    [2, 900],
    [3, 800],
    [4, 600],
    [5, 500],
    [6, 400],
    [7, 400],
    [8, 300],
    [10, 300],
    [11, 200],
    [12, 200],
    [60, 200],
    [61, null],
    [-1, null],
  ])("umur %s bulan → %s g", (months, grams) => expect(kbmGrams(months)).toBe(grams));
});

// A girl born 2025-01-15; posyandu on the 15th–20th of each month.
const child = { sex: "P" as const, birthDate: "2025-01-15" };
const codes = (ws: Weighing[]): string[] => weightGainStatus(child, ws).map((r) => r.code + (r.twoT ? "+2T" : ""));

describe("N / T / O / B", () => {
  it.each<[string, Weighing[], string[]]>([
    ["first weighing is B", [{ date: "2025-12-16", weightKg: 8 }], ["B"]],
    // 11 months old on 2025-12-16 → KBM 200 g
    [
      "gain = KBM is N",
      [
        { date: "2025-11-17", weightKg: 8 },
        { date: "2025-12-16", weightKg: 8.2 },
      ],
      ["B", "N"],
    ],
    [
      "gain < KBM is T",
      [
        { date: "2025-11-17", weightKg: 8 },
        { date: "2025-12-16", weightKg: 8.1 },
      ],
      ["B", "T"],
    ],
    [
      "loss is T",
      [
        { date: "2025-11-17", weightKg: 8 },
        { date: "2025-12-16", weightKg: 7.8 },
      ],
      ["B", "T"],
    ],
    [
      "two T in a row is 2T",
      [
        { date: "2025-10-15", weightKg: 8 },
        { date: "2025-11-17", weightKg: 8.1 },
        { date: "2025-12-16", weightKg: 8.1 },
      ],
      ["B", "T", "T+2T"],
    ],
    [
      "T N T is not 2T",
      [
        { date: "2025-09-15", weightKg: 7.6 },
        { date: "2025-10-15", weightKg: 7.6 },
        { date: "2025-11-17", weightKg: 8 },
        { date: "2025-12-16", weightKg: 8 },
      ],
      ["B", "T", "N", "T"],
    ],
    [
      "a skipped month gives O",
      [
        { date: "2025-10-15", weightKg: 7.8 },
        { date: "2025-12-16", weightKg: 8.5 },
      ],
      ["B", "O"],
    ],
    [
      "T, gap, T is not 2T",
      [
        { date: "2025-08-15", weightKg: 7.5 },
        { date: "2025-09-15", weightKg: 7.5 },
        { date: "2025-11-17", weightKg: 7.6 },
        { date: "2025-12-16", weightKg: 7.6 },
      ],
      ["B", "T", "O", "T"],
    ],
    [
      "order of input does not matter",
      [
        { date: "2025-12-16", weightKg: 8.2 },
        { date: "2025-11-17", weightKg: 8 },
      ],
      ["B", "N"],
    ],
  ])("%s", (_name, ws, expected) => expect(codes(ws)).toEqual(expected));

  it("uses the KBM for the age at this weighing (2 months: 900 g)", () => {
    const r = weightGainStatus(child, [
      { date: "2025-02-20", weightKg: 4.2 },
      { date: "2025-03-20", weightKg: 5.05 },
    ]);
    expect(r[1]).toMatchObject({ code: "T", ageMonths: 2, kbmG: 900, gainG: 850 });
  });

  it("counts a weighing in the previous calendar month even when the posyandu day shifted", () => {
    // 2025-10-28 → 2025-11-12: 15 days, different months; 9 months old → KBM 300 g.
    const r = weightGainStatus(child, [
      { date: "2025-10-28", weightKg: 7.8 },
      { date: "2025-11-12", weightKg: 8.1 },
    ]);
    expect(r[1]).toMatchObject({ code: "N", kbmG: 300, gainG: 300 });
  });

  it("does not judge a monthly KBM over a few days (30th → 1st is O)", () => {
    const r = weightGainStatus(child, [
      { date: "2025-10-30", weightKg: 7.8 },
      { date: "2025-11-01", weightKg: 8.0 },
    ]);
    expect(r[1]?.code).toBe("O");
  });

  it("compares with the latest weighing of last month", () => {
    const r = weightGainStatus(child, [
      { date: "2025-11-03", weightKg: 7.5 },
      { date: "2025-11-25", weightKg: 8.0 },
      { date: "2025-12-16", weightKg: 8.1 },
    ]);
    expect(r[2]).toMatchObject({ code: "T", gainG: 100 });
  });
});

describe("BGM", () => {
  it("marks weight-for-age below −3 SD", () => {
    // 12-month-old girl: WHO −3 SD ≈ 7.0 kg.
    const r = weightGainStatus(child, [
      { date: "2026-01-15", weightKg: 6.2 },
      { date: "2026-02-16", weightKg: 8.9 },
    ]);
    expect(r[0]?.bgm).toBe(true);
    expect(r[0]?.zwei).toBeLessThan(-3);
    expect(r[1]?.bgm).toBe(false);
  });
});
