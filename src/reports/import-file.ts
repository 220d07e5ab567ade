// Reading an e-PPGBM children-and-measurements file into checked rows. e-PPGBM gives XLSX, CSV, or
// an HTML table saved with an .xls name: the format is sniffed from the bytes, never trusted from
// the name. Columns are found by their header (the entry-by-name spelling of eppgbm.ts, case and
// punctuation ignored), so extra or reordered columns do no harm. Every problem is reported with
// its row and column; z-scores in the file are ignored (the service computes its own).
import { parse as parseCsv } from "csv-parse/sync";
import { isValidNik } from "../children/index.js";

export type FileKind = "xlsx" | "html" | "csv";

/** XLSX is a zip ("PK"); e-PPGBM's .xls is HTML; anything else is read as CSV. */
export function sniffKind(bytes: Buffer): FileKind {
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) return "xlsx";
  const head = bytes.subarray(0, 2048).toString("utf8").toLowerCase();
  if (/<(html|table|meta|!doctype)/.test(head)) return "html";
  return "csv";
}

const decodeEntities = (s: string) =>
  s
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/gi, "&");

/**
 * The cells of an HTML table, row by row. A small reader for the flat tables e-PPGBM writes (no
 * nested tables, no colspan): tags inside a cell are dropped, entities decoded.
 */
export function htmlTableRows(html: string): string[][] {
  const rows: string[][] = [];
  for (const tr of html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)) {
    const cells = [...(tr[1] ?? "").matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((c) =>
      decodeEntities((c[1] ?? "").replace(/<[^>]*>/g, ""))
        .replace(/\s+/g, " ")
        .trim(),
    );
    if (cells.length > 0) rows.push(cells);
  }
  return rows;
}

const isoOf = (d: Date) => d.toISOString().slice(0, 10);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** The grid of a file (first sheet of a workbook), every cell as text; dates as YYYY-MM-DD. */
export async function gridOf(bytes: Buffer): Promise<{ kind: FileKind; rows: string[][] }> {
  const kind = sniffKind(bytes);
  if (kind === "html") return { kind, rows: htmlTableRows(bytes.toString("utf8")) };
  if (kind === "csv") {
    // An old binary Excel workbook (OLE2, "D0 CF 11 E0") is no text: refused as unreadable.
    if (bytes.subarray(0, 4).equals(OLE2)) throw new Error("binary .xls workbook");
    const text = bytes.toString("utf8");
    const firstLine = text.slice(0, text.indexOf("\n") >>> 0);
    // Indonesian spreadsheets save with ";" (the comma is the decimal mark).
    const delimiter =
      (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : firstLine.includes("\t") ? "\t" : ",";
    const rows: string[][] = parseCsv(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true });
    return { kind, rows: rows.map((r) => r.map((c) => c.trim())) };
  }
  // Loaded when a spreadsheet comes in: exceljs adds ~30 MB to the process (idle RSS, BENCHMARKS.md).
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow({ includeEmpty: false }, (row) => {
    const out: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      out[col - 1] = cellText(v);
    });
    rows.push(Array.from(out, (c) => (c ?? "").trim()));
  });
  return { kind, rows };
}

/** The fields read from a row, by the header names e-PPGBM uses (and a few common variants). */
const HEADERS = {
  nik: ["nik"],
  name: ["nama", "namaanak", "namabalita"],
  sex: ["jk", "jeniskelamin"],
  birthDate: ["tgllahir", "tanggallahir"],
  motherName: ["namaortu", "namaorangtua", "namaibu"],
  kecamatan: ["kec", "kecamatan"],
  desa: ["desakel", "desa", "kelurahan", "desakelurahan"],
  posyandu: ["posyandu"],
  measuredOn: ["tanggalpengukuran", "tglpengukuran", "tglukur", "tanggalukur"],
  weight: ["berat", "bb", "beratbadan"],
  length: ["tinggi", "tb", "pb", "tinggibadan", "panjangbadan"],
  position: ["caraukur"],
  muac: ["lila"],
} as const satisfies Record<string, readonly string[]>;
type Field = keyof typeof HEADERS;
const REQUIRED: readonly Field[] = ["name", "sex", "birthDate", "desa", "measuredOn"];
/** Each field's column as the e-PPGBM layout spells it, for naming problems. */
const COLUMN: Record<Field, string> = {
  nik: "NIK",
  name: "Nama",
  sex: "JK",
  birthDate: "Tgl Lahir",
  motherName: "Nama Ortu",
  kecamatan: "Kec",
  desa: "Desa/Kel",
  posyandu: "Posyandu",
  measuredOn: "Tanggal Pengukuran",
  weight: "Berat",
  length: "Tinggi",
  position: "Cara Ukur",
  muac: "LiLA",
};
const norm = (h: string) => h.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * Why a row is refused, as a stable code; the words people read are in
 * locales/id/reports-staff.json (import.reason.<code>), filled with the problem's params.
 */
export const IMPORT_PROBLEMS = [
  "file_unreadable",
  "no_header",
  "column_missing",
  "empty",
  "sex_invalid",
  "nik_invalid",
  "date_invalid",
  "date_future",
  "before_birth",
  "five_or_older",
  "not_number",
  "filler_value",
  "grams",
  "out_of_range",
  "no_measurement",
  "position_invalid",
  "desa_unknown",
  "desa_ambiguous",
  "posyandu_unknown",
  "sex_differs",
  "birth_date_differs",
  "measured_twice",
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEMS)[number];

export interface ImportProblem {
  /** Row number as the person sees it in the file (the header is row 1). */
  row: number;
  /** The column as e-PPGBM names it ("Tgl Lahir"); empty for the file as a whole. */
  column: string;
  code: ImportProblemCode;
  /** Values the reason's text names (the allowed range). */
  params?: Record<string, number>;
}

export interface ImportRow {
  row: number;
  nik: string | null;
  name: string;
  sex: "L" | "P";
  birthDate: string;
  motherName: string | null;
  kecamatan: string | null;
  desa: string;
  posyandu: string | null;
  measuredOn: string;
  weightKg: number | null;
  lengthCm: number | null;
  position: "lying" | "standing" | null;
  muacCm: number | null;
}

/** A date as e-PPGBM writes it (dd/mm/yyyy, dd-mm-yyyy) or ISO; null when it cannot exist. */
export function readDate(text: string): string | null {
  let y: number, m: number, d: number;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return isoOf(date);
}

/** A number with a decimal comma or point; null for an empty cell, NaN for text. */
export function readNumber(text: string): number | null {
  const t = text.replace(/\s/g, "");
  if (t === "" || t === "-") return null;
  if (!/^\d+([.,]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(",", "."));
}

// Plausible ranges for a child under five (WHO growth standards span 45–120 cm, ~2–30 kg; wider
// here so that real extremes pass and only impossible entries stop). 999/999.99 is e-PPGBM's
// "no value" filler and grams (e.g. 8500) a common slip: both are named in the reason.
const WEIGHT_KG = { min: 0.5, max: 60 };
const LENGTH_CM = { min: 35, max: 140 };
const MUAC_CM = { min: 5, max: 30 };
const FILLER = [99.9, 99.99, 999, 999.9, 999.99, 9999];

function checkMeasure(value: number, range: { min: number; max: number }, grams: boolean): Pick<ImportProblem, "code" | "params"> | null {
  if (FILLER.includes(value)) return { code: "filler_value" };
  if (grams && value >= 1000 && value / 1000 >= range.min && value / 1000 <= range.max) return { code: "grams" };
  if (value < range.min || value > range.max) return { code: "out_of_range", params: { min: range.min, max: range.max } };
  return null;
}

/** Checks the grid: rows ready to import, and every problem found (nothing is dropped silently). */
export function checkRows(grid: string[][], today: string): { rows: ImportRow[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const rows: ImportRow[] = [];
  const headerIndex = grid.findIndex(
    (r) =>
      r.some((c) => (HEADERS.name as readonly string[]).includes(norm(c))) &&
      r.some((c) => (HEADERS.measuredOn as readonly string[]).includes(norm(c))),
  );
  if (headerIndex < 0) {
    problems.push({ row: 1, column: "", code: "no_header" });
    return { rows, problems };
  }
  const header = grid[headerIndex]!.map(norm);
  const col = {} as Record<Field, number>;
  for (const f of Object.keys(HEADERS) as Field[]) col[f] = header.findIndex((h) => (HEADERS[f] as readonly string[]).includes(h));
  const missing = REQUIRED.filter((f) => col[f] < 0);
  if (missing.length > 0) {
    for (const f of missing) problems.push({ row: headerIndex + 1, column: COLUMN[f], code: "column_missing" });
    return { rows, problems };
  }
  for (let i = headerIndex + 1; i < grid.length; i++) {
    const cells = grid[i]!;
    if (cells.every((c) => c === "")) continue;
    const row = i + 1;
    const cell = (f: Field) => (col[f] >= 0 ? (cells[col[f]] ?? "").trim() : "");
    const bad = (column: string, code: ImportProblemCode, params?: Record<string, number>) =>
      problems.push({ row, column, code, ...(params ? { params } : {}) });
    const before = problems.length;

    const name = cell("name").replace(/\s+/g, " ");
    if (!name) bad("Nama", "empty");
    const sexText = norm(cell("sex"));
    const sex = ["l", "lakilaki", "laki"].includes(sexText) ? "L" : ["p", "perempuan"].includes(sexText) ? "P" : null;
    if (!sex) bad("JK", "sex_invalid");
    const nikText = cell("nik").replace(/^'/, "");
    const nik = nikText === "" || nikText === "-" ? null : nikText;
    if (nik && !isValidNik(nik)) bad("NIK", "nik_invalid");
    const birthDate = readDate(cell("birthDate"));
    if (!birthDate) bad("Tgl Lahir", "date_invalid");
    const measuredOn = readDate(cell("measuredOn"));
    if (!measuredOn) bad("Tanggal Pengukuran", "date_invalid");
    else if (measuredOn > today) bad("Tanggal Pengukuran", "date_future");
    if (birthDate && measuredOn) {
      if (measuredOn < birthDate) bad("Tanggal Pengukuran", "before_birth");
      else {
        const limit = new Date(`${birthDate}T00:00:00Z`);
        limit.setUTCMonth(limit.getUTCMonth() + 60);
        if (measuredOn >= isoOf(limit)) bad("Tgl Lahir", "five_or_older");
      }
    }
    const desa = cell("desa");
    if (!desa) bad("Desa/Kel", "empty");
    const weight = readNumber(cell("weight"));
    const length = readNumber(cell("length"));
    const muac = readNumber(cell("muac"));
    if (weight !== null && Number.isNaN(weight)) bad("Berat", "not_number");
    else if (weight !== null) {
      const why = checkMeasure(weight, WEIGHT_KG, true);
      if (why) bad("Berat", why.code, why.params);
    }
    if (length !== null && Number.isNaN(length)) bad("Tinggi", "not_number");
    else if (length !== null) {
      const why = checkMeasure(length, LENGTH_CM, false);
      if (why) bad("Tinggi", why.code, why.params);
    }
    if (muac !== null && Number.isNaN(muac)) bad("LiLA", "not_number");
    else if (muac !== null) {
      const why = checkMeasure(muac, MUAC_CM, false);
      if (why) bad("LiLA", why.code, why.params);
    }
    if (weight === null && length === null) bad("Berat", "no_measurement");
    const positionText = norm(cell("position"));
    const position =
      positionText.startsWith("terlentang") || positionText === "telentang"
        ? "lying"
        : positionText.startsWith("berdiri")
          ? "standing"
          : null;
    if (positionText && !position) bad("Cara Ukur", "position_invalid");
    if (problems.length > before) continue;
    rows.push({
      row,
      nik,
      name,
      sex: sex!,
      birthDate: birthDate!,
      motherName: cell("motherName") || null,
      kecamatan: cell("kecamatan") || null,
      desa,
      posyandu: cell("posyandu") || null,
      measuredOn: measuredOn!,
      weightKg: weight,
      lengthCm: length,
      position,
      muacCm: muac,
    });
  }
  return { rows, problems };
}

type CellValue = import("exceljs").CellValue;

/** A spreadsheet cell as text: a date as YYYY-MM-DD, a link or rich text by its text, a formula by its result. */
function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return isoOf(v);
  if (typeof v !== "object") return String(v);
  if ("richText" in v) return v.richText.map((r) => r.text).join("");
  if ("text" in v) return v.text;
  if ("result" in v) return v.result === undefined ? "" : cellText(v.result);
  if ("error" in v) return v.error;
  return "";
}
