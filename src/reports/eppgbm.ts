// The e-PPGBM "entry by name" layout (Sigizi Terpadu, Kemenkes Direktorat Gizi Masyarakat): one row
// per measurement, 38 columns in this order, spelling kept as the application writes it (including
// "Pukesmas"). The official template was not available offline (shared schedule-facts.md §10 marks
// the field list UNCERTAIN): this file is the one place to change when Dinkes Balangan shares it.
// Columns the service does not record (birth weight, RT/RW, PMT, vitamin A count, KPSP, …) are left
// blank rather than guessed.

export interface ExportRow {
  nik: string | null;
  name: string;
  sex: "L" | "P";
  birthDate: string;
  motherName: string | null;
  kecamatan: string | null;
  puskesmas: string | null;
  desa: string | null;
  posyandu: string | null;
  measuredOn: string;
  weightKg: number | null;
  lengthCm: number | null;
  position: "lying" | "standing" | null;
  muacCm: number | null;
  /** Permenkes labels (already in Indonesian) and z-scores. */
  bbu: string | null;
  zwei: number | null;
  tbu: string | null;
  zlen: number | null;
  bbtb: string | null;
  zwfl: number | null;
  growthCode: string | null;
}

const PROVINCE = "KALIMANTAN SELATAN";
const REGENCY = "BALANGAN";

/** dd/mm/yyyy, as e-PPGBM shows dates. */
export const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** The number written in `iso` from `at`, `length` digits long (no substrings: runs per exported row). */
function digits(iso: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + iso.charCodeAt(i) - 48;
  return n;
}

/** Age at measurement as e-PPGBM writes it: "1 Tahun - 2 Bulan - 3 Hari" (calendar years, months, days). */
export function usiaSaatUkur(birthDate: string, on: string): string {
  const by = digits(birthDate, 0, 4);
  const bm = digits(birthDate, 5, 2);
  const bd = digits(birthDate, 8, 2);
  const y = digits(on, 0, 4);
  const m = digits(on, 5, 2);
  const d = digits(on, 8, 2);
  let months = (y - by) * 12 + (m - bm);
  let days = d - bd;
  if (days < 0) {
    months--;
    // Days from the same day-of-month in the previous month (clamped to its length) to the date.
    const prevMonthDays = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
    days = d + prevMonthDays - Math.min(bd, prevMonthDays);
  }
  return `${Math.floor(months / 12)} Tahun - ${months % 12} Bulan - ${days} Hari`;
}

/** Decimal comma with one or two places, as Indonesian spreadsheets expect. */
const dec = (v: number | null, dp: number) => (v === null ? "" : v.toFixed(dp).replace(".", ","));

/** The columns: header and how each is filled from a row. */
/**
 * Free text typed by people (a child's name comes from a chat) as a spreadsheet cell: a leading
 * =, +, -, @, tab or CR would make Excel or LibreOffice read the cell as a formula when the CSV is
 * opened (CSV injection, OWASP), so such a text gets a leading apostrophe, the spreadsheets' own
 * "this is text" mark. Numbers are never passed here (a z-score of -2.31 stays a number).
 */
export const spreadsheetText = (s: string): string => (/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s) ? `'${s}` : s);

export const EPPGBM_COLUMNS: readonly (readonly [string, (r: ExportRow) => string])[] = [
  ["NIK", (r) => r.nik ?? ""],
  ["Nama", (r) => spreadsheetText(r.name)],
  ["JK", (r) => r.sex],
  ["Tgl Lahir", (r) => ddmmyyyy(r.birthDate)],
  ["BB Lahir", () => ""],
  ["TB Lahir", () => ""],
  ["Nama Ortu", (r) => spreadsheetText(r.motherName ?? "")],
  ["Prov", () => PROVINCE],
  ["Kab/Kota", () => REGENCY],
  ["Kec", (r) => (r.kecamatan ?? "").toUpperCase()],
  ["Pukesmas", (r) => (r.puskesmas ?? "").replace(/^puskesmas\s+/i, "").toUpperCase()],
  ["Desa/Kel", (r) => (r.desa ?? "").toUpperCase()],
  ["Posyandu", (r) => spreadsheetText(r.posyandu ?? "")],
  ["RT", () => ""],
  ["RW", () => ""],
  ["Alamat", () => ""],
  ["Usia Saat Ukur", (r) => usiaSaatUkur(r.birthDate, r.measuredOn)],
  ["Tanggal Pengukuran", (r) => ddmmyyyy(r.measuredOn)],
  ["Bulan Pengukuran", (r) => String(digits(r.measuredOn, 5, 2))],
  ["Status Bulan", () => ""],
  ["status tahun", () => ""],
  ["Berat", (r) => dec(r.weightKg, 2)],
  ["Tinggi", (r) => dec(r.lengthCm, 1)],
  ["Cara Ukur", (r) => (r.position === "lying" ? "Terlentang" : r.position === "standing" ? "Berdiri" : "")],
  ["LiLA", (r) => dec(r.muacCm, 1)],
  ["BB/U", (r) => r.bbu ?? ""],
  ["ZS BB/U", (r) => dec(r.zwei, 2)],
  ["TB/U", (r) => r.tbu ?? ""],
  ["ZS TB/U", (r) => dec(r.zlen, 2)],
  ["BB/TB", (r) => r.bbtb ?? ""],
  ["ZS BB/TB", (r) => dec(r.zwfl, 2)],
  ["Naik Berat Badan", (r) => r.growthCode ?? ""],
  ["PMT Diterima (kg)", () => ""],
  ["Jml Vit A", () => ""],
  ["KPSP", () => ""],
  ["KIA", () => ""],
  ["Detail Status", () => ""],
  ["status desa", () => ""],
];

export const EPPGBM_HEADER = EPPGBM_COLUMNS.map(([h]) => h);
const CELLS = EPPGBM_COLUMNS.map(([, f]) => f);

/** The row's cells, written into `into` (one array reused row after row: an export has 100,000s). */
export function eppgbmCells(r: ExportRow, into: string[] = new Array<string>(CELLS.length)): string[] {
  for (let i = 0; i < CELLS.length; i++) into[i] = CELLS[i]!(r);
  return into;
}

const NEEDS_QUOTES = /[",\r\n]/;
/** A CSV field (RFC 4180): quoted when it holds a comma, a double quote or a line break. */
export const csvField = (s: string): string => (NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
