// Nutritional status labels of Permenkes RI No. 2 Tahun 2020 (Standar Antropometri Anak), children
// 0–60 months. The regulation's intervals: "< −3 SD", "−3 SD sd < −2 SD", "−2 SD sd +1 SD",
// "> +1 SD …", i.e. a z of exactly −3 is already "−3 SD sd < −2 SD" and exactly +1 is still normal.
// The codes are stable identifiers; the official Indonesian labels live in locales/*/growth.json
// under growth:status.<index>.<code>.

/** TB/U or PB/U (length/height-for-age). */
export type StatusTbu = "severely-stunted" | "stunted" | "normal" | "tall";
/** BB/U (weight-for-age). */
export type StatusBbu = "severely-underweight" | "underweight" | "normal" | "risk-of-overweight";
/** BB/PB or BB/TB (weight-for-length/height) and IMT/U (BMI-for-age), 0–60 months. */
export type StatusWasting = "severely-wasted" | "wasted" | "normal" | "possible-risk-of-overweight" | "overweight" | "obese";

export type StatusIndex = "tbu" | "bbu" | "bbtb" | "imtu";

/** PB/U, TB/U: sangat pendek < −3; pendek −3 sd < −2; normal −2 sd +3; tinggi > +3. */
export function classifyTbu(z: number | null): StatusTbu | null {
  if (z === null || !Number.isFinite(z)) return null;
  if (z < -3) return "severely-stunted";
  if (z < -2) return "stunted";
  if (z <= 3) return "normal";
  return "tall";
}

/** BB/U: berat badan sangat kurang < −3; kurang −3 sd < −2; normal −2 sd +1; risiko BB lebih > +1. */
export function classifyBbu(z: number | null): StatusBbu | null {
  if (z === null || !Number.isFinite(z)) return null;
  if (z < -3) return "severely-underweight";
  if (z < -2) return "underweight";
  if (z <= 1) return "normal";
  return "risk-of-overweight";
}

/**
 * BB/PB, BB/TB and IMT/U (0–60 months): gizi buruk < −3; gizi kurang −3 sd < −2; gizi baik −2 sd +1;
 * berisiko gizi lebih > +1 sd +2; gizi lebih > +2 sd +3; obesitas > +3.
 */
export function classifyWasting(z: number | null): StatusWasting | null {
  if (z === null || !Number.isFinite(z)) return null;
  if (z < -3) return "severely-wasted";
  if (z < -2) return "wasted";
  if (z <= 1) return "normal";
  if (z <= 2) return "possible-risk-of-overweight";
  if (z <= 3) return "overweight";
  return "obese";
}

export interface NutritionStatus {
  tbu: StatusTbu | null;
  bbu: StatusBbu | null;
  bbtb: StatusWasting | null;
  imtu: StatusWasting | null;
}

/**
 * All four Permenkes 2/2020 statuses from WHO z-scores (null where the z-score is missing).
 * Bilateral pitting oedema is gizi buruk whatever the weight (WHO 2013 SAM guideline; Kemenkes,
 * Pedoman Pencegahan dan Tata Laksana Gizi Buruk pada Balita, 2019): the weight-based z-scores are
 * not computed then (the water weighs): BB/PB–BB/TB reads "gizi buruk", IMT/U stays blank (as batch.ts).
 */
export function classifyAll(
  z: { zlen: number | null; zwei: number | null; zwfl: number | null; zbmi: number | null },
  oedema = false,
): NutritionStatus {
  if (oedema) return { tbu: classifyTbu(z.zlen), bbu: null, bbtb: "severely-wasted", imtu: null };
  return { tbu: classifyTbu(z.zlen), bbu: classifyBbu(z.zwei), bbtb: classifyWasting(z.zwfl), imtu: classifyWasting(z.zbmi) };
}

/** The i18n key of a status label, e.g. `growth:status.tbu.stunted`. */
export function statusKey(index: StatusIndex, code: string): string {
  return `growth:status.${index}.${code}`;
}
