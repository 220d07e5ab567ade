// The e-PPGBM row's cells: what a spreadsheet will make of them. Names come from chats, so a name
// that starts like a formula must open as text (CSV injection); numbers keep their sign.
import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { EPPGBM_HEADER, csvField, eppgbmCells, spreadsheetText, type ExportRow } from "../../src/reports/eppgbm.js";

const row = (over: Partial<ExportRow>): ExportRow => ({
  nik: null,
  name: "Aulia",
  sex: "P",
  birthDate: "2025-01-15",
  motherName: "Siti",
  kecamatan: "Paringin",
  puskesmas: "Puskesmas Paringin",
  desa: "Balang",
  posyandu: "Melati",
  measuredOn: "2026-08-10",
  weightKg: 7.25,
  lengthCm: 70.1,
  position: "lying",
  muacCm: null,
  bbu: "Berat badan kurang",
  zwei: -2.31,
  tbu: "Pendek",
  zlen: -2.5,
  bbtb: "Gizi baik",
  zwfl: -1.02,
  growthCode: "T",
  ...over,
});

const cell = (cells: string[], header: string) => cells[EPPGBM_HEADER.indexOf(header)];

describe("spreadsheetText", () => {
  it.each(["=1+1", "+62811", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"])("marks %j as text", (s) => {
    expect(spreadsheetText(s)).toBe(`'${s}`);
  });
  it.each(["Aulia", "", "'quoted", "Muhammad Rizki", "1+1"])("leaves %j as it is", (s) => {
    expect(spreadsheetText(s)).toBe(s);
  });
});

describe("e-PPGBM cells", () => {
  it("writes a formula-like name, mother's name and posyandu as text, and keeps negative z-scores as numbers (Indonesian decimal comma)", () => {
    const cells = eppgbmCells(row({ name: '=HYPERLINK("http://x","klik")', motherName: "@cmd", posyandu: "-Mawar" }));
    expect(cell(cells, "Nama")).toBe(`'=HYPERLINK("http://x","klik")`);
    expect(cell(cells, "Nama Ortu")).toBe("'@cmd");
    expect(cell(cells, "Posyandu")).toBe("'-Mawar");
    expect(cell(cells, "ZS BB/U")).toBe("-2,31");
    expect(cell(cells, "ZS TB/U")).toBe("-2,50");
    // Through CSV and back, the cell is exactly the marked text (quotes and commas survive).
    const line = cells.map(csvField).join(",");
    const [parsed] = parse(line) as string[][];
    expect(parsed![EPPGBM_HEADER.indexOf("Nama")]).toBe(`'=HYPERLINK("http://x","klik")`);
  });

  it("leaves ordinary names untouched", () => {
    const cells = eppgbmCells(row({}));
    expect(cell(cells, "Nama")).toBe("Aulia");
    expect(cell(cells, "Nama Ortu")).toBe("Siti");
  });
});
