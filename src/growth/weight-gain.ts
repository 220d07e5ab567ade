// Posyandu growth codes from a child's monthly weighings (Buku KIA / KMS):
//   N  naik        — gain since last month's weighing ≥ KBM
//   T  tidak naik  — gain < KBM (including no gain or a loss)
//   O  no weighing last month (earlier weighings exist), or last month's was < 14 days ago —
//      N/T cannot be judged
//   B  baru        — first weighing ever — N/T cannot be judged
// plus 2T (T at this and at last month's weighing → refer) and BGM (weight-for-age below −3 SD, the
// red line of the KMS / Buku KIA → confirm and refer). Only the KBM method is implemented; Buku KIA
// also allows judging by the direction of the plotted curve, which needs a chart reader.
import { computeZScores } from "./zscore.js";
import { ageInDays, completedMonths, dayNumber } from "./zscore.js";
import type { Sex } from "./who-tables.js";

export type GrowthCode = "N" | "T" | "O" | "B";

export interface Weighing {
  /** Local date of the weighing, YYYY-MM-DD (Asia/Makassar). */
  date: string;
  weightKg: number;
}

export interface WeighingAssessment extends Weighing {
  code: GrowthCode;
  /** Umur bulan penuh at this weighing. */
  ageMonths: number;
  /** Gain in grams since last month's weighing (null for O/B). */
  gainG: number | null;
  /** The KBM (minimum gain, grams) applied (null for O/B). */
  kbmG: number | null;
  /** Tidak naik twice in a row (this and last month). */
  twoT: boolean;
  /** Bawah Garis Merah: weight-for-age z < −3. */
  bgm: boolean;
  zwei: number | null;
}

/**
 * KBM (kenaikan berat badan minimal, grams per month) by umur bulan penuh at this weighing.
 * Source: Buku KIA 2023 growth page, row "800 900 800 600 500 400 300 200".
 * [UNCERTAIN] the month alignment of the 400/300/200 bands (6–7, 8–10, ≥ 11) follows the Permenkes
 * 155/2010 KMS table as summarised in kader training material, not checked against its text. Age 0 months (the
 * first month of life) uses the 1-month value, the gain expected over the first month.
 */
export function kbmGrams(ageMonths: number): number | null {
  if (!Number.isFinite(ageMonths) || ageMonths < 0 || ageMonths > 60) return null;
  if (ageMonths <= 1) return 800;
  if (ageMonths === 2) return 900;
  if (ageMonths === 3) return 800;
  if (ageMonths === 4) return 600;
  if (ageMonths === 5) return 500;
  if (ageMonths <= 7) return 400;
  if (ageMonths <= 10) return 300;
  return 200;
}

/**
 * KBM is a gain per month; a "last month" weighing only days earlier (30th → 1st) cannot be judged
 * against it. Team choice (KBM is defined between two monthly weighings, so it is used only when the
 * previous weighing was about a month earlier): at least 14 days apart, else O.
 */
export const MIN_INTERVAL_DAYS = 14;

/** Calendar month index (year × 12 + month) of an ISO date, for "last month" comparisons. */
function monthIndex(isoDate: string): number {
  return Number(isoDate.slice(0, 4)) * 12 + Number(isoDate.slice(5, 7)) - 1;
}

/**
 * Assesses every weighing of one child, oldest first. "Last month" means the previous calendar
 * month (posyandu weigh monthly, on a fixed day that may shift a little); when that month has several
 * weighings the latest counts. Weighings with an invalid date or weight are skipped.
 */
export function weightGainStatus(child: { sex: Sex; birthDate: string }, weighings: readonly Weighing[]): WeighingAssessment[] {
  const valid = weighings
    .filter((w) => Number.isFinite(dayNumber(w.date)) && Number.isFinite(w.weightKg) && w.weightKg > 0)
    .slice()
    .sort((a, b) => dayNumber(a.date) - dayNumber(b.date));
  const out: WeighingAssessment[] = [];
  for (let i = 0; i < valid.length; i++) {
    const w = valid[i] as Weighing;
    const ageMonths = completedMonths(child.birthDate, w.date);
    const ageDays = ageInDays(child.birthDate, w.date);
    const zwei = ageDays >= 0 ? computeZScores({ sex: child.sex, ageDays, weightKg: w.weightKg }).z.zwei : null;
    const bgm = zwei !== null && zwei < -3;
    const thisMonth = monthIndex(w.date);
    let lastMonthIdx = -1;
    for (let j = i - 1; j >= 0; j--) {
      const m = monthIndex((valid[j] as Weighing).date);
      if (m === thisMonth - 1) {
        lastMonthIdx = j;
        break;
      }
      if (m < thisMonth - 1) break;
    }
    if (i === 0) {
      out.push({ ...w, code: "B", ageMonths, gainG: null, kbmG: null, twoT: false, bgm, zwei });
      continue;
    }
    const kbmG = kbmGrams(ageMonths);
    if (lastMonthIdx < 0 || kbmG === null) {
      out.push({ ...w, code: "O", ageMonths, gainG: null, kbmG: null, twoT: false, bgm, zwei });
      continue;
    }
    const prev = valid[lastMonthIdx] as Weighing;
    if (dayNumber(w.date) - dayNumber(prev.date) < MIN_INTERVAL_DAYS) {
      out.push({ ...w, code: "O", ageMonths, gainG: null, kbmG: null, twoT: false, bgm, zwei });
      continue;
    }
    const gainG = Math.round((w.weightKg - prev.weightKg) * 1000);
    // Buku KIA 2023: "Kenaikan BB sama dengan KBM atau lebih" → N; less than KBM → T.
    const code: GrowthCode = gainG >= kbmG ? "N" : "T";
    const prevCode = out[lastMonthIdx]?.code;
    out.push({ ...w, code, ageMonths, gainG, kbmG, twoT: code === "T" && prevCode === "T", bgm, zwei });
  }
  return out;
}
