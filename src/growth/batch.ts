// One CSV row → WHO Anthro-style output columns. Used by the streaming CLI (cli.ts) and by
// POST /api/v1/growth/assess (routes.ts).
//
// Clinical safety: a Permenkes status is given only where WHO Anthro gives a plausible z-score.
// - Invalid input (bad sex, age, date, number, measure, oedema code; measured before birth): no
//   z-score and no status at all; `error` lists every problem.
// - A WHO flag of 1 (implausible z, e.g. |zlen| > 6) keeps WHO's z and flag but leaves that index's
//   status blank (`error`: who-flag-zlen …), as does standing height under 9 months (WHO Anthro's
//   c9mo_flag) for the length-based indices (standing-under-9-months): such a value is first
//   re-measured, never classified.
// - Oedema: no weight-based z-score (WHO), BB/TB is gizi buruk (edema) — bilateral pitting oedema
//   is severe acute malnutrition whatever the weight (WHO 2013 SAM guideline; Kemenkes Pedoman
//   Pencegahan dan Tata Laksana Gizi Buruk pada Balita 2019) —, BB/U and IMT/U blank (oedema).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCALES_DIR } from "../i18n/index.js";
import { assessGrowth, type GrowthAssessment } from "./assess.js";
import type { StatusIndex } from "./classify.js";
import { type Sex } from "./who-tables.js";
import type { Position, WhoFlags, ZScores } from "./zscore.js";

/**
 * Columns appended to every row: WHO Anthro names/meanings, then each Permenkes 2/2020 status as a
 * stable code and its official Indonesian label (locales/id/growth.json, growth:status.*).
 */
export const OUTPUT_COLUMNS = [
  "clenhei",
  "cbmi",
  "c9mo_flag",
  "zlen",
  "flen",
  "zwei",
  "fwei",
  "zwfl",
  "fwfl",
  "zbmi",
  "fbmi",
  "zhc",
  "fhc",
  "zac",
  "fac",
  "status_tbu",
  "status_tbu_label",
  "status_bbu",
  "status_bbu_label",
  "status_bbtb",
  "status_bbtb_label",
  "status_imtu",
  "status_imtu_label",
  "error",
] as const;

export type OutputColumn = (typeof OUTPUT_COLUMNS)[number];

const EMPTY_OUTPUT = Object.freeze(Object.fromEntries(OUTPUT_COLUMNS.map((c) => [c, ""])) as Record<OutputColumn, string>);

const BOY = new Set(["1", "l", "m", "lk", "laki-laki", "laki", "male"]);
const GIRL = new Set(["2", "p", "f", "pr", "perempuan", "female"]);
const OEDEMA_VALUES = new Set(["", "y", "n", "1", "2"]);

export function parseSex(value: string | undefined): Sex | null {
  const v = (value ?? "").trim().toLowerCase();
  if (BOY.has(v)) return "L";
  if (GIRL.has(v)) return "P";
  return null;
}

/** Decimal comma or point; empty → undefined; anything else → NaN. */
export function parseNumberCell(value: string | undefined): number | undefined {
  const v = (value ?? "").trim();
  if (v === "") return undefined;
  if (!/^-?\d+(?:[.,]\d+)?$/.test(v)) return Number.NaN;
  return Number(v.replace(",", "."));
}

/** YYYY-MM-DD, or DD/MM/YYYY (as typed in Indonesian spreadsheets) → YYYY-MM-DD; else null. */
export function parseDateCell(value: string | undefined): string | null {
  const v = (value ?? "").trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(v);
  if (m) return `${m[3]}-${(m[2] as string).padStart(2, "0")}-${(m[1] as string).padStart(2, "0")}`;
  return null;
}

// Plain function declarations (no per-row closures): this runs 100,000 times per batch.
function fmt(v: number | null, dp: number): string {
  if (v === null || !Number.isFinite(v)) return "";
  const f = 10 ** dp;
  return String(Math.round(v * f) / f);
}
function fmtZ(v: number | null): string {
  return v === null ? "" : v.toFixed(2);
}
function fmtFlag(v: 0 | 1 | null): string {
  return v === null ? "" : String(v);
}
function positiveOrUndefined(v: number | undefined): number | undefined {
  return v !== undefined && v > 0 ? v : undefined;
}

type StatusLabels = Record<StatusIndex, Record<string, string>>;
let labels: StatusLabels | null = null;

/** The Permenkes label of a status code (Indonesian: the regulation's own terms). */
function statusLabel(index: StatusIndex, code: string): string {
  labels ??= (JSON.parse(readFileSync(join(LOCALES_DIR, "id", "growth.json"), "utf8")) as { status: StatusLabels }).status;
  return labels[index][code] ?? "";
}

/** Which z-score (and WHO flag) each status is classified from. */
const STATUS_Z: Record<StatusIndex, { z: keyof ZScores; f: keyof WhoFlags; lengthBased: boolean }> = {
  tbu: { z: "zlen", f: "flen", lengthBased: true },
  bbu: { z: "zwei", f: "fwei", lengthBased: false },
  bbtb: { z: "zwfl", f: "fwfl", lengthBased: true },
  imtu: { z: "zbmi", f: "fbmi", lengthBased: true },
};

interface StatusCell {
  code: string;
  label: string;
}
const NO_STATUS: StatusCell = { code: "", label: "" };

/** One status (code and label), blank where WHO flags its z-score or the length is implausible. */
function statusCell(index: StatusIndex, a: GrowthAssessment, errors: string[]): StatusCell {
  const { z, f, lengthBased } = STATUS_Z[index];
  if (a.flags[f] === 1) {
    errors.push(`who-flag-${z}`);
    return NO_STATUS;
  }
  const code = a.status[index];
  if (code === null || (lengthBased && a.standingUnder9Months)) return NO_STATUS;
  return { code, label: statusLabel(index, code) };
}

/** Computes the output cells for one input row (keys are the input's column names). */
export function assessRow(row: Readonly<Record<string, string | undefined>>): Record<OutputColumn, string> {
  const errors: string[] = [];
  const sex = parseSex(row.sex);
  if (!sex) errors.push("bad-sex");

  let ageDays: number | undefined;
  let birthDate: string | undefined;
  let measuredOn: string | undefined;
  const ageCell = parseNumberCell(row.age_days);
  if (ageCell !== undefined) {
    if (Number.isNaN(ageCell) || ageCell < 0) errors.push("bad-age");
    else ageDays = ageCell;
  } else if ((row.birth_date ?? "").trim() !== "" || (row.measured_at ?? "").trim() !== "") {
    const b = parseDateCell(row.birth_date);
    const m = parseDateCell(row.measured_at);
    if (!b || !m) errors.push("bad-date");
    else {
      birthDate = b;
      measuredOn = m;
    }
  } else errors.push("missing-age");

  const weightKg = parseNumberCell(row.weight_kg);
  if (weightKg !== undefined && !(weightKg > 0)) errors.push("bad-weight");
  const lengthCm = parseNumberCell(row.lenhei_cm);
  if (lengthCm !== undefined && !(lengthCm > 0)) errors.push("bad-length");
  const headCm = parseNumberCell(row.head_cm);
  if (headCm !== undefined && !(headCm > 0)) errors.push("bad-head");
  const muacCm = parseNumberCell(row.muac_cm);
  if (muacCm !== undefined && !(muacCm > 0)) errors.push("bad-muac");

  const measure = (row.measure ?? "").trim().toLowerCase();
  let position: Position | undefined;
  if (measure === "l") position = "lying";
  else if (measure === "h") position = "standing";
  else if (measure !== "") errors.push("bad-measure");

  const oedemaCell = (row.oedema ?? "").trim().toLowerCase();
  if (!OEDEMA_VALUES.has(oedemaCell)) errors.push("bad-oedema");
  const oedema = oedemaCell === "y" || oedemaCell === "1";

  // Invalid input: nothing is computed, so nothing can be mistaken for a result.
  if (!sex || errors.some((e) => e !== "missing-age")) return { ...EMPTY_OUTPUT, error: errors.join(";") };

  const a = assessGrowth({
    sex,
    ageDays,
    birthDate,
    measuredOn,
    position,
    oedema,
    weightKg: positiveOrUndefined(weightKg),
    lengthCm: positiveOrUndefined(lengthCm),
    headCm: positiveOrUndefined(headCm),
    muacCm: positiveOrUndefined(muacCm),
  });
  if (a.ageProblem === "measured-before-birth" || a.ageProblem === "bad-date") return { ...EMPTY_OUTPUT, error: a.ageProblem };
  if (a.ageProblem === "too-old") errors.push(a.ageProblem);

  if (a.standingUnder9Months) errors.push("standing-under-9-months");
  const tbu = statusCell("tbu", a, errors);
  const bbu = statusCell("bbu", a, errors);
  let bbtb = statusCell("bbtb", a, errors);
  const imtu = statusCell("imtu", a, errors);
  if (oedema && a.ageProblem !== "too-old") {
    // Oedema is gizi buruk by itself; WHO gives no weight-based z-score to classify.
    bbtb = { code: "severely-wasted", label: statusLabel("bbtb", "severely-wasted-oedema") };
    errors.push("oedema");
  }
  // One object literal in column order (no spreads or computed keys: this runs 100,000 times).
  return {
    clenhei: fmt(a.clenhei, 2),
    cbmi: fmt(a.cbmi, 2),
    c9mo_flag: a.standingUnder9Months ? "1" : "0",
    zlen: fmtZ(a.z.zlen),
    flen: fmtFlag(a.flags.flen),
    zwei: fmtZ(a.z.zwei),
    fwei: fmtFlag(a.flags.fwei),
    zwfl: fmtZ(a.z.zwfl),
    fwfl: fmtFlag(a.flags.fwfl),
    zbmi: fmtZ(a.z.zbmi),
    fbmi: fmtFlag(a.flags.fbmi),
    zhc: fmtZ(a.z.zhc),
    fhc: fmtFlag(a.flags.fhc),
    zac: fmtZ(a.z.zac),
    fac: fmtFlag(a.flags.fac),
    status_tbu: tbu.code,
    status_tbu_label: tbu.label,
    status_bbu: bbu.code,
    status_bbu_label: bbu.label,
    status_bbtb: bbtb.code,
    status_bbtb_label: bbtb.label,
    status_imtu: imtu.code,
    status_imtu_label: imtu.label,
    error: errors.join(";"),
  };
}
