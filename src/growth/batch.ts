// One CSV row → WHO Anthro-style output columns. Pure; used by the streaming CLI (cli.ts).
import { assessGrowth } from "./assess.js";
import { type Sex } from "./who-tables.js";
import type { Position } from "./zscore.js";

/** Columns appended to every row: WHO Anthro names/meanings, then Permenkes 2/2020 status codes. */
export const OUTPUT_COLUMNS = [
  "clenhei", "cbmi", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "zbmi", "fbmi",
  "status_tbu", "status_bbu", "status_bbtb", "status_imtu", "error",
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

  const measure = (row.measure ?? "").trim().toLowerCase();
  let position: Position | undefined;
  if (measure === "l") position = "lying";
  else if (measure === "h") position = "standing";
  else if (measure !== "") errors.push("bad-measure");

  const oedemaCell = (row.oedema ?? "").trim().toLowerCase();
  if (!OEDEMA_VALUES.has(oedemaCell)) errors.push("bad-oedema");
  const oedema = oedemaCell === "y" || oedemaCell === "1";

  if (!sex) return { ...EMPTY_OUTPUT, error: errors.join(";") };

  const a = assessGrowth({
    sex, ageDays, birthDate, measuredOn, position, oedema,
    weightKg: positiveOrUndefined(weightKg), lengthCm: positiveOrUndefined(lengthCm), headCm: positiveOrUndefined(headCm),
  });
  if (a.ageProblem && a.ageProblem !== "unknown-age" && !errors.includes("bad-date")) errors.push(a.ageProblem);
  return {
    clenhei: fmt(a.clenhei, 2),
    cbmi: fmt(a.cbmi, 2),
    zlen: fmtZ(a.z.zlen),
    flen: fmtFlag(a.flags.flen),
    zwei: fmtZ(a.z.zwei),
    fwei: fmtFlag(a.flags.fwei),
    zwfl: fmtZ(a.z.zwfl),
    fwfl: fmtFlag(a.flags.fwfl),
    zbmi: fmtZ(a.z.zbmi),
    fbmi: fmtFlag(a.flags.fbmi),
    status_tbu: a.status.tbu ?? "",
    status_bbu: a.status.bbu ?? "",
    status_bbtb: a.status.bbtb ?? "",
    status_imtu: a.status.imtu ?? "",
    error: errors.join(";"),
  };
}
