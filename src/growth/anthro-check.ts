// Agreement of our engine with WHO Anthro 1.1.0 on the reference set
// test/growth/fixtures/who-anthro-reference.csv: ~11,700 measurements and the output of WHO's own
// R code (anthro_zscores) for them, made by scripts/who-anthro-reference.R. Input columns: sex
// (1 boy, 2 girl), age_days (may have a fraction), weight_kg, lenhei_cm, measure (l/h/empty),
// head_cm, muac_cm, oedema (y/n); WHO's output: clenhei, c9mo_flag, z* (2 decimals) and f* flags
// (empty where there is no z-score). Used by test/growth/who-anthro.test.ts and bench:zscore.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { computeZScores, type WhoFlags, type ZScores } from "./zscore.js";

export const ANTHRO_REFERENCE = new URL("../../test/growth/fixtures/who-anthro-reference.csv", import.meta.url);

const Z_FIELDS = ["zlen", "zwei", "zwfl", "zbmi", "zhc", "zac"] as const satisfies readonly (keyof ZScores)[];
const F_FIELDS = ["flen", "fwei", "fwfl", "fbmi", "fhc", "fac"] as const satisfies readonly (keyof WhoFlags)[];

export interface AnthroAgreement {
  rows: number;
  /** z-scores present in either output. */
  zCompared: number;
  /** Equal at 2 decimals (and both missing counts as equal, not compared). */
  zEqual: number;
  maxAbsDiff: number;
  flagsCompared: number;
  flagsEqual: number;
  clenheiEqual: number;
  c9moEqual: number;
  mismatches: string[];
}

const cell = (v: string | undefined): number | undefined => (v === undefined || v.trim() === "" ? undefined : Number(v));

export function compareWithAnthro(path: string | URL = ANTHRO_REFERENCE): AnthroAgreement {
  const rows = parse<Record<string, string>>(readFileSync(path, "utf8"), { columns: true, comment: "#", skip_empty_lines: true });
  const r: AnthroAgreement = {
    rows: rows.length,
    zCompared: 0,
    zEqual: 0,
    maxAbsDiff: 0,
    flagsCompared: 0,
    flagsEqual: 0,
    clenheiEqual: 0,
    c9moEqual: 0,
    mismatches: [],
  };
  for (const row of rows) {
    const res = computeZScores({
      sex: row.sex === "1" ? "L" : "P",
      ageDays: cell(row.age_days) ?? null,
      weightKg: cell(row.weight_kg),
      lengthCm: cell(row.lenhei_cm),
      position: row.measure === "l" ? "lying" : row.measure === "h" ? "standing" : undefined,
      oedema: row.oedema === "y",
      headCm: cell(row.head_cm),
      muacCm: cell(row.muac_cm),
    });
    const whoClen = cell(row.clenhei);
    if (
      (whoClen === undefined && res.clenhei === null) ||
      (whoClen !== undefined && res.clenhei !== null && Math.abs(whoClen - res.clenhei) < 1e-8)
    )
      r.clenheiEqual++;
    else r.mismatches.push(`id ${row.id} clenhei: WHO ${whoClen ?? "–"}, ours ${res.clenhei ?? "–"}`);
    if (row.c9mo_flag === (res.standingUnder9Months ? "1" : "0")) r.c9moEqual++;
    else r.mismatches.push(`id ${row.id} c9mo_flag: WHO ${row.c9mo_flag}, ours ${res.standingUnder9Months}`);
    for (const k of Z_FIELDS) {
      const who = cell(row[k]);
      const ours = res.z[k];
      if (who === undefined && ours === null) continue;
      r.zCompared++;
      const diff = who !== undefined && ours !== null ? Math.abs(who - ours) : Number.POSITIVE_INFINITY;
      if (who !== undefined && ours !== null && who.toFixed(2) === ours.toFixed(2)) r.zEqual++;
      else r.mismatches.push(`id ${row.id} ${k}: WHO ${who ?? "–"}, ours ${ours ?? "–"}`);
      if (Number.isFinite(diff)) r.maxAbsDiff = Math.max(r.maxAbsDiff, diff);
    }
    for (const f of F_FIELDS) {
      r.flagsCompared++;
      const who = cell(row[f]);
      const ours = res.flags[f];
      if ((who === undefined && ours === null) || who === ours) r.flagsEqual++;
      else r.mismatches.push(`id ${row.id} ${f}: WHO ${who ?? "–"}, ours ${ours ?? "–"}`);
    }
  }
  return r;
}

export function formatAgreement(a: AnthroAgreement): string {
  const pct = (n: number, d: number): string => `${((100 * n) / d).toFixed(2)}%`;
  return [
    `WHO Anthro 1.1.0 reference set: ${a.rows} measurements`,
    `  z-scores equal at 2 decimals: ${a.zEqual}/${a.zCompared} (${pct(a.zEqual, a.zCompared)}), max |diff| ${a.maxAbsDiff.toFixed(2)}`,
    `  flags identical: ${a.flagsEqual}/${a.flagsCompared}; clenhei identical: ${a.clenheiEqual}/${a.rows}; c9mo_flag identical: ${a.c9moEqual}/${a.rows}`,
  ].join("\n");
}
