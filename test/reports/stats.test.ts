import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  ageGroupOf,
  changeOf,
  monthAYearEarlier,
  monthsBetween,
  monthsOld,
  periodOf,
  rankByRate,
  standing,
  wilson95,
  type MeasuredRow,
} from "../../src/reports/stats.js";

const row = (over: Partial<MeasuredRow>): MeasuredRow => ({
  childId: "c",
  measuredOn: "2026-08-10",
  createdAt: new Date("2026-08-10T02:00:00Z"),
  weightKg: 9,
  zlen: null,
  zwei: null,
  zwfl: null,
  oedema: false,
  flags: {},
  growthCode: null,
  twoT: false,
  bgm: false,
  ...over,
});

describe("report rules", () => {
  it("gives the Wilson 95% interval in percent", () => {
    // Reference values: Newcombe (1998), method 3, 10/100 → 0.0552–0.1744; 0/10 → 0–0.2775.
    expect(wilson95(10, 100)).toEqual({ low: 5.5, high: 17.4 });
    expect(wilson95(0, 10)).toEqual({ low: 0, high: 27.8 });
    expect(wilson95(0, 0)).toBeNull();
  });

  it("reads months, periods and age groups", () => {
    expect(periodOf("2026-02")).toEqual({ month: "2026-02", start: "2026-02-01", end: "2026-02-28" });
    expect(periodOf("2026-13")).toBeNull();
    expect(periodOf("26-02")).toBeNull();
    expect(monthAYearEarlier("2024-02")).toBe("2023-02");
    expect(monthsBetween("2025-11", "2026-02")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
    expect(monthsOld("2026-03-15", "2026-04-14")).toBe(0);
    expect(monthsOld("2026-03-15", "2026-04-15")).toBe(1);
    expect([0, 12, 13, 36, 37, 59].map(ageGroupOf)).toEqual(["0-12", "0-12", "13-36", "13-36", "37-59", "37-59"]);
  });

  it("counts the latest measurement that gives the index; a WHO flag excludes the child", () => {
    const earlier = row({ measuredOn: "2026-08-02", zlen: -2.5 });
    const later = row({ measuredOn: "2026-08-20", zlen: -1.0 });
    expect(standing([earlier, later], "stunting")).toEqual({ kind: "valid", case: false, severe: false });
    // A weight-only weighing later in the month does not hide the length measured earlier.
    expect(standing([earlier, row({ measuredOn: "2026-08-25", zwei: -1 })], "stunting")).toEqual({
      kind: "valid",
      case: true,
      severe: false,
    });
    expect(standing([row({ zlen: -6.5, flags: { zlen: 1 } })], "stunting")).toEqual({ kind: "flagged" });
    expect(standing([row({ zlen: -3.2 })], "stunting")).toEqual({ kind: "valid", case: true, severe: true });
    expect(standing([row({ zwei: -0.5 })], "stunting")).toEqual({ kind: "none" });
  });

  it("counts oedema as gizi buruk, and a z of exactly −2 or +2 as not a case (Permenkes intervals)", () => {
    expect(standing([row({ oedema: true, zwfl: null })], "wasting")).toEqual({ kind: "valid", case: true, severe: true });
    expect(standing([row({ zwfl: -2 })], "wasting")).toEqual({ kind: "valid", case: false, severe: false });
    expect(standing([row({ zwfl: 2 })], "overweight")).toEqual({ kind: "valid", case: false, severe: false });
    expect(standing([row({ zwfl: 3.4 })], "overweight")).toEqual({ kind: "valid", case: true, severe: true });
  });

  it("ranks highest first, ties share a rank, small numbers unranked; change says naik or turun", () => {
    const r = rankByRate(
      [
        { percent: 20, smallN: false },
        { percent: 30, smallN: false },
        { percent: 90, smallN: true },
        { percent: 20, smallN: false },
      ],
      (x) => x,
    );
    expect(r).toEqual([2, 1, null, 2]);
    expect(changeOf(14.9, 17.9)).toEqual({ points: -3, direction: "turun" });
    expect(changeOf(21.7, 20.2)).toEqual({ points: 1.5, direction: "naik" });
    expect(changeOf(null, 3)).toBeNull();
  });
});

describe("weighing rounds", () => {
  it("takes the latest February or August round that has ended", async () => {
    const { latestRound, roundsUpTo } = await import("../../src/reports/public.js");
    expect(latestRound("2026-08-15")).toBe("2026-02");
    expect(latestRound("2026-09-01")).toBe("2026-08");
    expect(latestRound("2026-01-10")).toBe("2025-08");
    expect(roundsUpTo("2026-02", 3)).toEqual(["2025-02", "2025-08", "2026-02"]);
  });
});

describe("e-PPGBM layout", () => {
  it("writes ages and dates as e-PPGBM does", async () => {
    const { usiaSaatUkur, ddmmyyyy, EPPGBM_HEADER } = await import("../../src/reports/eppgbm.js");
    expect(usiaSaatUkur("2024-06-15", "2026-08-20")).toBe("2 Tahun - 2 Bulan - 5 Hari");
    expect(usiaSaatUkur("2026-08-01", "2026-08-01")).toBe("0 Tahun - 0 Bulan - 0 Hari");
    expect(usiaSaatUkur("2024-01-31", "2024-03-01")).toBe("0 Tahun - 1 Bulan - 1 Hari");
    expect(usiaSaatUkur("2023-03-15", "2024-03-05")).toBe("0 Tahun - 11 Bulan - 19 Hari");
    expect(ddmmyyyy("2026-08-09")).toBe("09/08/2026");
    expect(EPPGBM_HEADER.slice(0, 4)).toEqual(["NIK", "Nama", "JK", "Tgl Lahir"]);
    expect(EPPGBM_HEADER.at(-1)).toBe("status desa");
  });

  it("writes CSV that a CSV reader gives back cell for cell, whatever the names hold", async () => {
    const { eppgbmCells, EPPGBM_HEADER } = await import("../../src/reports/eppgbm.js");
    const { csvStream } = await import("../../src/reports/export.js");
    const text = (maxLength: number) =>
      fc.string({ unit: fc.constantFrom("a", "Z", " ", ",", '"', "\n", "\r", ";", "é", "ñ", "'", "="), maxLength });
    const base = {
      nik: "6311000000000001",
      sex: "L" as const,
      birthDate: "2024-06-15",
      kecamatan: "Paringin",
      puskesmas: "Puskesmas Paringin",
      desa: "Paringin Kota",
      measuredOn: "2026-08-20",
      weightKg: 9.5,
      lengthCm: 75.25,
      position: "lying" as const,
      muacCm: null,
      bbu: "Berat badan normal",
      zwei: -0.5,
      tbu: "Normal",
      zlen: -1.25,
      bbtb: "Gizi baik",
      zwfl: 0.1,
      growthCode: "N",
    };
    const row = fc
      .record({ name: text(12), motherName: fc.option(text(12), { nil: null }), posyandu: fc.option(text(3000), { nil: null }) })
      .map((r) => ({ ...base, ...r }));
    const roundTrip = async (batches: (typeof base & { name: string; motherName: string | null; posyandu: string | null })[][]) => {
      // The stream's source: the database's batches, each row given in the layout's terms.
      const rows = batches.flat();
      let next = 0;
      const source = { batches: batches.map((b) => b.map(() => [] as never)), row: () => rows[next++]! };
      const counter = { rows: 0 };
      const chunks: Buffer[] = [];
      for await (const chunk of csvStream(source, counter)) chunks.push(chunk as Buffer);
      const lines = parse(Buffer.concat(chunks).toString("utf8"), { bom: true }) as string[][];
      expect(lines[0]).toEqual(EPPGBM_HEADER);
      expect(lines.slice(1)).toEqual(rows.map((r) => eppgbmCells(r)));
      expect(counter.rows).toBe(rows.length);
    };
    await fc.assert(fc.asyncProperty(fc.array(fc.array(row, { maxLength: 40 }), { maxLength: 5 }), roundTrip), { numRuns: 60 });
    // Rows well past one output chunk (64 kB), with two-byte characters and quotes in them.
    const long = { ...base, name: 'Nur "Aini", é', motherName: null, posyandu: 'Melati é,"'.repeat(300) };
    await roundTrip([Array.from({ length: 40 }, () => long), Array.from({ length: 3 }, () => long)]);
  });
});

describe("completed months", () => {
  it("agrees with calendar months, month ends included", async () => {
    const { monthsOld } = await import("../../src/reports/stats.js");
    expect(monthsOld("2024-01-31", "2024-02-29")).toBe(1);
    expect(monthsOld("2024-01-31", "2024-02-28")).toBe(0);
    expect(monthsOld("2021-09-01", "2026-08-31")).toBe(59);
    expect(monthsOld("2021-08-31", "2026-08-31")).toBe(60);
  });
});
