// Agreement of our engine with WHO igrowup's own output on its demonstration survey, shipped by
// jsgrowup as testdata/survey_z_rc.csv (498 children). Columns: GENDER 1 = boy, 2 = girl; agemons
// age in months; WEIGHT kg; HEIGHT cm; measure l = lying, h = standing; oedema y/n; HEAD, MUAC cm;
// TRI, SUB skinfolds mm; SW sampling weight; then igrowup's outputs: _agedays (agemons × 30.4375,
// rounded), _CLENHEI, _CBMI, _Z* z-scores (2 decimals) and _F* flags (1 = implausible, empty when
// the z-score is missing). This file has no head-circumference or MUAC z-scores.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { ageDaysFromMonths, computeZScores } from "./zscore.js";

const require = createRequire(import.meta.url);
export const IGROWUP_SURVEY = join(dirname(require.resolve("jsgrowup/package.json")), "testdata", "survey_z_rc.csv");

const Z_FIELDS = ["zlen", "zwei", "zwfl", "zbmi"] as const;
const F_FIELDS = ["flen", "fwei", "fwfl", "fbmi"] as const;

export interface IgrowupAgreement {
  rows: number;
  /** z-scores present in either output. */
  zCompared: number;
  zWithin001: number;
  zExact: number;
  maxAbsDiff: number;
  flagsCompared: number;
  flagsEqual: number;
  agedaysEqual: number;
  clenheiEqual: number;
  mismatches: string[];
}

const cell = (v: string | undefined): number | undefined => (v === undefined || v.trim() === "" ? undefined : Number(v));

export function compareWithIgrowup(path = IGROWUP_SURVEY): IgrowupAgreement {
  const rows = parse(readFileSync(path, "utf8"), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const r: IgrowupAgreement = { rows: rows.length, zCompared: 0, zWithin001: 0, zExact: 0, maxAbsDiff: 0, flagsCompared: 0, flagsEqual: 0, agedaysEqual: 0, clenheiEqual: 0, mismatches: [] };
  for (const row of rows) {
    const ageDays = ageDaysFromMonths(Number(row.agemons));
    if (String(ageDays) === row._agedays) r.agedaysEqual++;
    const res = computeZScores({
      sex: row.GENDER === "1" ? "L" : "P",
      ageDays,
      weightKg: cell(row.WEIGHT),
      lengthCm: cell(row.HEIGHT),
      position: row.measure === "l" ? "lying" : row.measure === "h" ? "standing" : undefined,
      oedema: row.oedema === "y",
    });
    const whoClen = cell(row._CLENHEI);
    if ((whoClen === undefined && res.clenhei === null) || (whoClen !== undefined && res.clenhei !== null && Math.abs(whoClen - res.clenhei) < 1e-6)) r.clenheiEqual++;
    for (const k of Z_FIELDS) {
      const who = cell(row[`_${k.toUpperCase()}`]);
      const ours = res.z[k];
      if (who === undefined && ours === null) continue;
      r.zCompared++;
      const diff = who !== undefined && ours !== null ? Math.abs(who - ours) : Number.POSITIVE_INFINITY;
      if (diff <= 0.01 + 1e-9) r.zWithin001++;
      if (diff < 1e-9) r.zExact++;
      if (Number.isFinite(diff)) r.maxAbsDiff = Math.max(r.maxAbsDiff, diff);
      if (diff > 0.01 + 1e-9) r.mismatches.push(`id ${row.id} ${k}: WHO ${who ?? "–"}, ours ${ours ?? "–"}`);
    }
    for (const f of F_FIELDS) {
      r.flagsCompared++;
      const who = cell(row[`_${f.toUpperCase()}`]);
      const ours = res.flags[f];
      if ((who === undefined && ours === null) || who === ours) r.flagsEqual++;
      else r.mismatches.push(`id ${row.id} ${f}: WHO ${who ?? "–"}, ours ${ours ?? "–"}`);
    }
  }
  return r;
}

export function formatAgreement(a: IgrowupAgreement): string {
  const pct = (n: number, d: number): string => `${((100 * n) / d).toFixed(2)}%`;
  return [
    `igrowup survey_z_rc.csv: ${a.rows} children`,
    `  z-scores within 0.01: ${a.zWithin001}/${a.zCompared} (${pct(a.zWithin001, a.zCompared)}), identical: ${a.zExact} (${pct(a.zExact, a.zCompared)}), max |diff| ${a.maxAbsDiff.toFixed(2)}`,
    `  flags identical: ${a.flagsEqual}/${a.flagsCompared}; _agedays identical: ${a.agedaysEqual}/${a.rows}; _CLENHEI identical: ${a.clenheiEqual}/${a.rows}`,
  ].join("\n");
}
