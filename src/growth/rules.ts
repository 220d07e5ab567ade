// Small pure rules the chat and the database layer share: local dates, the age as a kader says it,
// the measuring position by age, who needs referral, maternal KEK/anaemia, phone numbers.
import { DateTime } from "luxon";
import { isUnderFive } from "../children/balita.js";
import { parseLooseDate } from "../lib/input/dates.js";
import type { GrowthAssessment } from "./assess.js";
import type { StatusTbu } from "./classify.js";
import type { ReferralPriority, ReferralReason } from "./growth.sql.js";
import { DEFAULT_REFERRAL_RULES, type ReferralRule } from "./referral-rules.js";
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
  return d.isValid && d.day === day && d.month === month ? d.toISODate() : null;
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

export type BirthDateProblem = "unreadable" | "future" | "too-old";

/**
 * A child's birth date for ANAK BARU and the API: read as parents' dates are (lib/input/dates:
 * "12/3/2025", "12 Maret", "kemarin", "2 bulan lalu"), not in the future, under five (balita.ts).
 */
export function checkBirthDate(text: string, today: string): { date: string } | { problem: BirthDateProblem } {
  const date = parseLooseDate(text, today, "past");
  if (!date) return { problem: "unreadable" };
  if (dayNumber(date) > dayNumber(today)) return { problem: "future" };
  if (!isUnderFive(date, today)) return { problem: "too-old" };
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
 * LiLA of a child 6–59 months: < 11,5 cm is gizi buruk and 11,5–< 12,5 cm gizi kurang, whatever
 * the weight (Kemenkes, Pedoman Pencegahan dan Tata Laksana Gizi Buruk pada Balita, 2019; WHO
 * 2013 SAM guideline; the FAQ topic `gizi-buruk`). WHO's MUAC-for-age z-score table is not
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

/**
 * Severe acute malnutrition (gizi buruk): BB/PB or BB/TB < −3 SD, bilateral pitting oedema, or LiLA
 * < 11,5 cm — the child goes to the puskesmas the same day (Kemenkes, Pedoman Pencegahan dan Tata
 * Laksana Gizi Buruk pada Balita, 2019; WHO 2013 SAM guideline). Everything else is routine.
 */
export const URGENT_REASONS: readonly ReferralReason[] = ["severely-wasted", "oedema", "muac-severe"];

export function referralPriority(reasons: readonly ReferralReason[]): ReferralPriority {
  return reasons.some((r) => URGENT_REASONS.includes(r)) ? "urgent" : "routine";
}

/**
 * Reasons to refer a child to the puskesmas:
 * - always: PB/U or TB/U < −2 SD (pendek, sangat pendek); BB/PB or BB/TB < −2 SD (gizi kurang,
 *   gizi buruk), IMT/U when BB/TB is missing; bilateral pitting oedema (gizi buruk whatever the
 *   weight); LiLA < 12,5 cm at 6–59 months (Permenkes 2/2020; Kemenkes gizi buruk pedoman 2019);
 * - the weighing rules of Buku KIA 2023 chosen by the Pokja (GROWTH_REFERRAL_RULES,
 *   referral-rules.ts): T or only 2T, BGM (BB/U < −3 SD), obesitas (> +3 SD) or gizi lebih (> +2 SD).
 */
export function referralReasons(
  a: Pick<GrowthAssessment, "status"> & { ageDays?: number | null },
  extra: {
    oedema?: boolean;
    weighing?: Pick<WeighingAssessment, "code" | "twoT" | "bgm"> | null;
    muacCm?: number;
    rules?: readonly ReferralRule[];
  },
): ReferralReason[] {
  const rules = extra.rules ?? DEFAULT_REFERRAL_RULES;
  const reasons: ReferralReason[] = [];
  if (a.status.tbu === "severely-stunted" || a.status.tbu === "stunted") reasons.push(a.status.tbu);
  const wasting = a.status.bbtb ?? a.status.imtu;
  // With oedema the status is gizi buruk because of the oedema (classify.ts): one reason, "oedema".
  if (extra.oedema) reasons.push("oedema");
  else if (wasting === "severely-wasted" || wasting === "wasted") reasons.push(wasting);
  const muac = muacReason(extra.muacCm, a.ageDays ?? null);
  if (muac) reasons.push(muac);
  if (extra.weighing?.twoT && (rules.includes("2T") || rules.includes("T"))) reasons.push("2T");
  else if (extra.weighing?.code === "T" && rules.includes("T")) reasons.push("T");
  if (extra.weighing?.bgm && rules.includes("BGM")) reasons.push("BGM");
  if (wasting === "obese" && (rules.includes("obese") || rules.includes("overweight"))) reasons.push("obese");
  else if (wasting === "overweight" && rules.includes("overweight")) reasons.push("overweight");
  return reasons;
}

export type AdviceCode =
  "refer-urgent" | "refer" | "referral-open" | "stunted" | "not-gaining" | "underweight" | "overweight" | "measure-length" | "good";

/** What else is known about the child when this measurement is weighed alone. */
export interface AdviceContext {
  /** The child has a referral not yet closed. */
  openReferral?: boolean;
  /** PB/U or TB/U of the latest recent length when this report has none. */
  latestTbu?: StatusTbu | null;
}

/**
 * What the kader tells the family (growth:advice.<code>). Overweight advice follows BB/PB–BB/TB
 * (IMT/U when it is missing): BB/U "risiko berat badan lebih" alone cannot tell a heavy child from
 * a tall one (Permenkes 2/2020 says BB/U > +1 is to be confirmed with BB/PB–BB/TB), so it asks for
 * a length instead.
 */
export function adviceFor(
  a: Pick<GrowthAssessment, "status">,
  reasons: readonly ReferralReason[],
  code: string | null,
  context: AdviceContext = {},
): AdviceCode {
  if (referralPriority(reasons) === "urgent") return "refer-urgent";
  if (reasons.length > 0) return "refer";
  if (context.openReferral) return "referral-open";
  const tbu = a.status.tbu ?? context.latestTbu ?? null;
  if (tbu === "stunted" || tbu === "severely-stunted") return "stunted";
  if (code === "T") return "not-gaining";
  if (a.status.bbu === "underweight" || a.status.bbu === "severely-underweight") return "underweight";
  const w = a.status.bbtb ?? a.status.imtu;
  if (w === "possible-risk-of-overweight" || w === "overweight" || w === "obese") return "overweight";
  if (w === null && a.status.bbu === "risk-of-overweight") return "measure-length";
  return "good";
}

/** KEK in pregnancy: LiLA < 23,5 cm (Depkes 2012, Pedoman Gizi Ibu Hamil; Buku KIA). */
export const KEK_MUAC_CM = 23.5;
/**
 * Anaemia in pregnancy: Hb < 11 g/dL (WHO 2011, Haemoglobin concentrations for the diagnosis of
 * anaemia; Buku KIA). Some guides use 10,5 g/dL in trimester II; 11 throughout errs on the side of a check-up.
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
