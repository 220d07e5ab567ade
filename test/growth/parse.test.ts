import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isParseError, parseDecimal, parseReport, parseReports } from "../../src/growth/parse.js";

describe("parseReport", () => {
  it("reads the canonical kader line", () => {
    expect(parseReport("UKUR A7K2 BB 8,2 TB 72,5 terlentang LILA 13,5 LK 44")).toMatchObject({
      childCode: "A7K2",
      weightKg: 8.2,
      lengthCm: 72.5,
      lengthKeyword: "tb",
      position: "lying",
      muacCm: 13.5,
      headCm: 44,
      flags: [],
    });
  });

  it.each([
    ["ukur a7k2 bb 8.2 tb 72.5", { weightKg: 8.2, lengthCm: 72.5 }],
    ["ukor A7K2 berat badan 8,2 kg tinggi badan 72,5 cm", { weightKg: 8.2, lengthCm: 72.5 }],
    ["UKUR A7K2 barat awak 8,2 panjang 70", { weightKg: 8.2, lengthCm: 70, lengthKeyword: "pb" }],
    ["UKUR A7K2 TB 72,5 BB 8,2", { weightKg: 8.2, lengthCm: 72.5 }],
    ["UKUR A7K2 bb8,2kg pb70cm", { weightKg: 8.2, lengthCm: 70, lengthKeyword: "pb" }],
    ["UKUR A7K2 BB: 8,2, TB: 72,5", { weightKg: 8.2, lengthCm: 72.5 }],
    ["UKUR A7K2 B.B. 8,2 T.B 90", { weightKg: 8.2, lengthCm: 90 }],
    ["A7K2 BB 8,2", { childCode: "A7K2", weightKg: 8.2 }],
    ["UKUR A7K2 TB 95 badiri", { position: "standing" }],
    ["UKUR A7K2 TB 95 berdiri", { position: "standing" }],
    ["UKUR A7K2 PB 70 telentang", { position: "lying" }],
    ["UKUR A7K2 PB 70 baring", { position: "lying" }],
    ["UKUR A7K2 lingkar kepala 44 lingkar lengan atas 13", { headCm: 44, muacCm: 13 }],
    ["UKUR A7K2 lk 44 lila 13,5", { headCm: 44, muacCm: 13.5 }],
    ["UKUR A7K2 BB 8,2 tgl 12/11", { measuredOn: { day: 12, month: 11 } }],
    ["UKUR A7K2 BB 8,2 tanggal 12/11/2026", { measuredOn: { day: 12, month: 11, year: 2026 } }],
    ["UKUR A7K2 BB 8,2 tgl 3 nov 26", { measuredOn: { day: 3, month: 11, year: 2026 } }],
    ["UKUR A7K2 BB 8,2 tanggal 29 februari 2028", { measuredOn: { day: 29, month: 2, year: 2028 } }],
    ["UKUR A7K2 BB 8,2 edema", { oedema: true }],
    ["UKUR A7K2 BB 8,2 edema +", { oedema: true }],
    ["UKUR A7K2 BB 8,2 tidak edema", { oedema: false }],
    ["UKUR A7K2 BB 8,2 kada bangkak", { oedema: false }],
    ["UKUR A7K2 BB 8,2 edema tdk", { oedema: false }],
    ["UKUR 0012 BB 8,2", { childCode: "0012" }],
    ["hasil ukur A7K2 BB 8,2", { childCode: "A7K2", weightKg: 8.2 }],
  ])("%s", (line, expected) => {
    const r = parseReport(line);
    expect(isParseError(r)).toBe(false);
    expect(r).toMatchObject(expected);
  });

  it.each([
    ["UKUR A7K2 BB 8200", 8200],
    ["UKUR A7K2 BB 8200 gr", 8200],
    ["UKUR A7K2 BB 820 g", 820],
    ["UKUR A7K2 BB 8.200", 8200],
  ])("flags a weight in grams without converting it: %s", (line, grams) => {
    const r = parseReport(line);
    expect(r).toMatchObject({ weightGrams: grams, flags: ["weight-in-grams"] });
    expect(r).not.toHaveProperty("weightKg");
  });

  it.each([
    ["UKUR BB 8,2", "missing-child-code"],
    ["BB 8,2 TB 70", "missing-child-code"],
    ["UKUR tgl 12/11 BB 8,2", "missing-child-code"],
    ["UKUR terlentang PB 70", "missing-child-code"],
    ["UKUR A7K2", "missing-measurement"],
    ["UKUR A7K2 tgl 12/11", "missing-measurement"],
    ["UKUR A7K2 BB", "bad-number"],
    ["UKUR A7K2 BB x", "bad-number"],
    ["UKUR A7K2 BB 8,2,5", "bad-number"],
    ["UKUR A7K2 BB 0", "bad-number"],
    ["UKUR A7K2 BB 8,2 tgl 32/11", "bad-date"],
    ["UKUR A7K2 BB 8,2 tgl 12/13", "bad-date"],
    ["UKUR A7K2 BB 8,2 tgl 29/02/2027", "bad-date"],
    ["UKUR A7K2 BB 8,2 tgl kemarin", "bad-date"],
    ["UKUR A7K2 8,2 72", "unlabelled-number"],
    ["UKUR A7K2 BB 8,2 BB 8,3", "duplicate-field"],
    ["UKUR A7K2 TB 80 terlentang berdiri", "conflicting-position"],
  ])("%s → %s", (line, code) => {
    const r = parseReport(line);
    expect(r).toMatchObject({ error: code });
  });

  it("names the field of a bad number", () => {
    expect(parseReport("UKUR A7K2 BB 8,2 TB abc")).toMatchObject({ error: "bad-number", field: "length", token: "abc" });
  });
});

describe("parseReports", () => {
  it("returns one result per report line and skips chatter", () => {
    const rs = parseReports("Assalamualaikum bu, laporan posyandu Mawar\nUKUR A1 BB 7,1\n\nukur A2 bb 9 tb 75 berdiri\nmakasih");
    expect(rs).toHaveLength(2);
    expect(rs.map((r) => (isParseError(r) ? r.error : r.childCode))).toEqual(["A1", "A2"]);
  });

  it("returns [] for a message that is not a report", () => {
    expect(parseReports("halo min, jadwal posyandu kapan?")).toEqual([]);
  });

  it("never throws and always answers with a report or a known error (property)", () => {
    const codes = new Set([
      "missing-child-code",
      "missing-measurement",
      "bad-number",
      "bad-date",
      "unlabelled-number",
      "duplicate-field",
      "conflicting-position",
    ]);
    const word = fc.constantFrom(
      "UKUR",
      "ukor",
      "A7K2",
      "BB",
      "bb",
      "TB",
      "PB",
      "LILA",
      "LK",
      "tgl",
      "tanggal",
      "8,2",
      "72.5",
      "8200",
      "12/11",
      "32/13",
      "kg",
      "cm",
      "gr",
      "edema",
      "tidak",
      "terlentang",
      "berdiri",
      "badiri",
      "-",
      "+",
      ":",
      ",",
      "3",
      "nov",
      "2026",
      "x",
    );
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(word, { maxLength: 12 }).map((ws) => ws.join(" ")),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 5 }).map((ls) => ls.join("\n")),
        (text) => {
          const results = parseReports(text);
          for (const r of results) {
            if (isParseError(r)) expect(codes.has(r.error)).toBe(true);
            else {
              expect(r.childCode.length).toBeGreaterThan(0);
              const values = [r.weightKg, r.weightGrams, r.lengthCm, r.muacCm, r.headCm].filter((v) => v !== undefined);
              expect(values.length).toBeGreaterThan(0);
              for (const v of values) expect(Number.isFinite(v) && (v as number) > 0).toBe(true);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("parses any decimal the way it was written (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 199 }), fc.integer({ min: 0, max: 9 }), fc.constantFrom(",", "."), (whole, tenth, sep) => {
        expect(parseDecimal(`${whole}${sep}${tenth}`)).toBeCloseTo(whole + tenth / 10, 10);
        const r = parseReport(`UKUR A1 TB ${whole}${sep}${tenth}`);
        expect(r).toMatchObject({ lengthCm: whole + tenth / 10 });
      }),
    );
  });
});
