// Small pure rules the chat and the database layer share: local dates, the age as a kader says it,
// the measuring position by age, who needs referral, maternal KEK/anaemia, phone numbers.
import { DateTime } from "luxon";
import type { GrowthAssessment } from "./assess.js";
import type { ReferralReason } from "./growth.sql.js";
import type { MeasuredOn } from "./parse.js";
import type { WeighingAssessment } from "./weight-gain.js";
import { HEIGHT_FROM_DAY } from "./who-tables.js";
import { completedMonths, dayNumber, type Position } from "./zscore.js";

/** Today's calendar date where the service runs (WITA by default), YYYY-MM-DD. */
export function localDate(now: Date, timeZone: string): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? now.toISOString().slice(0, 10);
}

function iso(year: number, month: number, day: number): string | null {
  const d = DateTime.utc(year, month, day);
  return d.isValid && d.day === day && d.month === month ? (d.toISODate() as string) : null;
}

/**
 * "tgl 12/11" without a year means the latest 12 November that makes sense: this year, unless that
 * is more than a month ahead (a December posyandu entered in January) — then last year. A date
 * a few days ahead stays in this year so the future-date check can catch the typo.
 */
export function resolveMeasuredOn(m: MeasuredOn | undefined, today: string): string | null {
  if (!m) return today;
  const year = Number(today.slice(0, 4));
  if (m.year !== undefined) return iso(m.year, m.month, m.day);
  const thisYear = iso(year, m.month, m.day);
  if (thisYear && dayNumber(thisYear) - dayNumber(today) <= 31) return thisYear;
  return iso(year - 1, m.month, m.day);
}

// Indonesian month names and common short forms; Banjar uses the same names (Januari … Desember),
// sometimes with the Hulu sound rules (Pebruari, Agustus → Agustus, Nopember).
const MONTHS: Record<string, number> = {
  jan: 1, januari: 1, feb: 2, peb: 2, februari: 2, pebruari: 2, mar: 3, maret: 3, apr: 4, april: 4, mei: 5,
  jun: 6, juni: 6, jul: 7, juli: 7, agu: 8, agt: 8, ags: 8, agus: 8, agustus: 8, sep: 9, sept: 9, september: 9,
  okt: 10, oktober: 10, nov: 11, nop: 11, november: 11, nopember: 11, des: 12, desember: 12,
};

/** A birth date typed any usual way: 12/3/2025, 12-03-2025, 12.03.25, 12 Maret 2025, 2025-03-12. */
export function parseDateText(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, " ");
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})$/.exec(t);
  if (m) return iso(fullYear(Number(m[3])), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\s*-?\s*([a-z]+)\.?\s*-?\s*(\d{2}|\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS[m[2] as string];
    return month ? iso(fullYear(Number(m[3])), month, Number(m[1])) : null;
  }
  return null;
}

const fullYear = (y: number): number => (y < 100 ? 2000 + y : y);

export type BirthDateProblem = "unreadable" | "future" | "too-old";

/** A child's birth date for ANAK BARU: readable, not in the future, under 6 years (balita + margin). */
export function checkBirthDate(text: string, today: string): { date: string } | { problem: BirthDateProblem } {
  const date = parseDateText(text);
  if (!date) return { problem: "unreadable" };
  if (dayNumber(date) > dayNumber(today)) return { problem: "future" };
  // Posyandu follow children 0–59 months; a few months over still gets registered (late entry).
  if (completedMonths(date, today) >= 72) return { problem: "too-old" };
  return { date };
}

/** Age as a kader says it: "8 bulan 10 hari" (completed months, then days since that month-day). */
export function ageParts(birthDate: string, on: string): { months: number; days: number } | null {
  const months = completedMonths(birthDate, on);
  if (!Number.isFinite(months) || months < 0) return null;
  const anniversary = DateTime.fromISO(birthDate, { zone: "utc" }).plus({ months });
  const days = dayNumber(on) - dayNumber(anniversary.toISODate() as string);
  return { months, days };
}

/**
 * How the length was measured when the kader did not say: Permenkes 2/2020 — under 24 months
 * lying (panjang badan, PB), from 24 months standing (tinggi badan, TB). "PB" always means lying.
 */
export function defaultPosition(ageDays: number | null, keyword: "pb" | "tb" | undefined): Position {
  if (keyword === "pb") return "lying";
  if (ageDays === null) return keyword === "tb" ? "standing" : "lying";
  return ageDays < HEIGHT_FROM_DAY ? "lying" : "standing";
}

/**
 * Reasons to refer a child to the puskesmas, per the issue and Buku KIA 2023 ("Rujuk bila BB anak
 * Tidak Naik … atau di Bawah Garis Merah"), kader training (T/BGM → konfirmasi → rujuk) and
 * Permenkes 2/2020 statuses:
 * - PB/U or TB/U < −2 SD (pendek, sangat pendek);
 * - BB/PB or BB/TB < −2 SD (gizi kurang, gizi buruk); IMT/U when BB/TB is missing;
 * - bilateral pitting oedema (a sign of gizi buruk whatever the weight);
 * - 2T (tidak naik twice in a row) and BGM (BB/U < −3 SD).
 * A single T is counselled, not referred (schedule-facts.md §6: 2T → refer).
 */
/**
 * LiLA of a child 6–59 months: < 11,5 cm is gizi buruk and 11,5–< 12,5 cm gizi kurang, whatever
 * the weight (Kemenkes, Pedoman Pencegahan dan Tata Laksana Gizi Buruk pada Balita, 2019; WHO
 * 2013 SAM guideline; faq-topics.md F `gizi-buruk`). WHO's MUAC-for-age z-score table is not
 * available here, so the absolute cut-offs the programme screens with are used.
 */
export const MUAC_SEVERE_CM = 11.5;
export const MUAC_MODERATE_CM = 12.5;

export function muacReason(muacCm: number | undefined, ageDays: number | null): ReferralReason | null {
  // 6–59 months: from 183 days (6 × 30.4375) to under 60 months (1826 days).
  if (muacCm === undefined || ageDays === null || ageDays < 183 || ageDays >= 1826) return null;
  if (muacCm < MUAC_SEVERE_CM) return "muac-severe";
  if (muacCm < MUAC_MODERATE_CM) return "muac-moderate";
  return null;
}

export function referralReasons(
  a: Pick<GrowthAssessment, "status"> & { ageDays?: number | null },
  extra: { oedema?: boolean; weighing?: Pick<WeighingAssessment, "twoT" | "bgm"> | null; muacCm?: number },
): ReferralReason[] {
  const reasons: ReferralReason[] = [];
  if (a.status.tbu === "severely-stunted" || a.status.tbu === "stunted") reasons.push(a.status.tbu);
  const wasting = a.status.bbtb ?? a.status.imtu;
  if (wasting === "severely-wasted" || wasting === "wasted") reasons.push(wasting);
  if (extra.oedema) reasons.push("oedema");
  const muac = muacReason(extra.muacCm, a.ageDays ?? null);
  if (muac) reasons.push(muac);
  if (extra.weighing?.twoT) reasons.push("2T");
  if (extra.weighing?.bgm) reasons.push("BGM");
  return reasons;
}

export type AdviceCode = "refer" | "not-gaining" | "underweight" | "overweight" | "good";

/** What the kader tells the family when no referral is needed (growth:advice.<code>). */
export function adviceFor(a: Pick<GrowthAssessment, "status">, reasons: readonly ReferralReason[], code: string | null): AdviceCode {
  if (reasons.length > 0) return "refer";
  if (code === "T") return "not-gaining";
  if (a.status.bbu === "underweight") return "underweight";
  const w = a.status.bbtb ?? a.status.imtu;
  if (w === "possible-risk-of-overweight" || w === "overweight" || w === "obese" || a.status.bbu === "risk-of-overweight") return "overweight";
  return "good";
}

/** KEK in pregnancy: LiLA < 23,5 cm (Depkes 2012; schedule-facts.md §9). */
export const KEK_MUAC_CM = 23.5;
/**
 * Anaemia in pregnancy: Hb < 11 g/dL (schedule-facts.md §9; in trimester II the cut-off is
 * 10,5 g/dL — the issue asks for 11 throughout, which errs on the side of a check-up).
 */
export const ANAEMIA_HB_GDL = 11;

export function maternalFlags(m: { muacCm?: number | undefined; hbGdl?: number | undefined }): { kek: boolean; anaemia: boolean } {
  return {
    kek: m.muacCm !== undefined && m.muacCm < KEK_MUAC_CM,
    anaemia: m.hbGdl !== undefined && m.hbGdl < ANAEMIA_HB_GDL,
  };
}

/** An Indonesian phone number as stored in contact_channels.phone (62…), or null. */
export function normalisePhone(text: string): string | null {
  const digits = text.replace(/[^\d+]/g, "").replace(/^\+/, "");
  if (!/^\d+$/.test(digits)) return null;
  const full = digits.startsWith("0") ? `62${digits.slice(1)}` : digits.startsWith("8") ? `62${digits}` : digits;
  return /^62\d{8,13}$/.test(full) ? full : null;
}

/** A number as Indonesians write it: decimal comma, `dp` decimals (z-scores: 2). */
export function formatNumber(value: number, dp: number): string {
  return value.toFixed(dp).replace(".", ",").replace(/^-/, "−");
}

/** "12/11/2026" for messages. */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}/${m}/${y}`;
}
