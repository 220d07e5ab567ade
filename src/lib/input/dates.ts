// Forgiving reading of the dates and pregnancy ages people type, in Indonesian, Banjar and chat
// spelling: "15-3-2026", "15/03/26", "15 maret", "15 mrt 2026", "2026-03-15", "hari ini",
// "kemarin", "samalam" (Banjar: kemarin), "2 bulan lalu", "3 bulan tadi" (Banjar), "12 minggu",
// "hamil 12 mgg 3 hari", "3 bulan". Parents and kader alike. Pure.
import { addDays, addOffset, isLocalDate } from "../../reminders/dates.js";
import { NUMBER_WORDS } from "./numbers.js";

const MONTHS: Record<string, number> = {
  jan: 1,
  januari: 1,
  january: 1,
  feb: 2,
  februari: 2,
  pebruari: 2,
  febuari: 2,
  february: 2,
  peb: 2,
  mar: 3,
  mrt: 3,
  maret: 3,
  march: 3,
  apr: 4,
  april: 4,
  aprl: 4,
  mei: 5,
  may: 5,
  jun: 6,
  juni: 6,
  june: 6,
  jul: 7,
  juli: 7,
  july: 7,
  agu: 8,
  agt: 8,
  ags: 8,
  agus: 8,
  agustus: 8,
  august: 8,
  aug: 8,
  sep: 9,
  sept: 9,
  september: 9,
  sepember: 9,
  okt: 10,
  oct: 10,
  oktober: 10,
  october: 10,
  nov: 11,
  nop: 11,
  november: 11,
  nopember: 11,
  des: 12,
  dec: 12,
  desember: 12,
  december: 12,
};

const TODAY_WORDS = /^(hari ini|ari ini|hr ini|tadi|barusan|hanyar haja|hanyar)$/;
const YESTERDAY_WORDS = /^(kemarin|kemaren|kmrn|kmarin|samalam|sumalam)$/;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[,]+/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * A calendar date from loose text, or null. `prefer` picks the year when none is typed: "past"
 * (HPHT, a birth date) takes the latest such date not after today, "future" (HPL) the next one
 * from today on. Two-digit years are 20xx.
 */
export function parseLooseDate(text: string, today: string, prefer: "past" | "future" = "past"): string | null {
  const s = normalise(text).replace(/^(tgl|tanggal|tangal|tg)\.?\s*/, "");
  if (TODAY_WORDS.test(s)) return today;
  if (YESTERDAY_WORDS.test(s)) return addDays(today, -1);
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{2}|\d{4}))?$/.exec(s);
  if (m) return withYear(Number(m[1]), Number(m[2]), m[3], today, prefer);
  m = /^(\d{1,2})\s*[-/.]?\s*([a-z]+)\.?(?:\s*[-/.]?\s*(\d{2}|\d{4}))?$/.exec(s);
  if (m) {
    const month = MONTHS[m[2]!];
    if (month !== undefined) return withYear(Number(m[1]), month, m[3], today, prefer);
  }
  return findDateInSentence(s, today, prefer);
}

const MONTH_WORDS = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");
const NUMBER = `\\d{1,2}|${Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .join("|")}`;
/**
 * "3 bulan lalu", "2 minggu yang lalu", "seminggu lalu", "5 hari tadi", and Banjar "3 bulan tadi",
 * "dua minggu nang liwat". "se" is written joined ("sebulan") or apart.
 */
const AGO = new RegExp(
  `(?:^|\\s)(${NUMBER})\\s*(hari|ari|hr|minggu|mgg|pekan|bulan|bln|tahun|thn)\\s+(?:yang\\s+|yg\\s+|nang\\s+)?(?:lalu|lewat|liwat|tadi|silam|yll)\\b`,
);
const ISO_IN = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/;
const NUMERIC_IN = /(?:^|[^\d])(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?(?![\d])/;
const NAMED_IN = new RegExp(`(?:^|[^\\d])(\\d{1,2})\\s*[-/.]?\\s*(${MONTH_WORDS})\\b\\.?(?:\\s*[-/.]?\\s*(\\d{4}|\\d{2})\\b)?`);

/**
 * A date said inside a sentence: "anak ulun lahir tanggal 1 september 2026", "lahirnya 12/3/26
 * pagi", "lahir 3 bulan tadi", "lahir kemarin". The first readable date wins. Relative ages count
 * back from today in calendar months and days.
 */
export function findDateInSentence(text: string, today: string, prefer: "past" | "future" = "past"): string | null {
  const s = normalise(text);
  const ago = AGO.exec(s);
  if (ago) {
    const n = NUMBER_WORDS[ago[1]!] ?? Number(ago[1]);
    const unit = ago[2]!;
    if (/^(hari|ari|hr)$/.test(unit)) return addDays(today, -n);
    if (/^(minggu|mgg|pekan)$/.test(unit)) return addDays(today, -7 * n);
    if (/^(bulan|bln)$/.test(unit)) return addOffset(today, { months: -n });
    return addOffset(today, { months: -12 * n });
  }
  let m = ISO_IN.exec(s);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NAMED_IN.exec(s);
  if (m) return withYear(Number(m[1]), MONTHS[m[2]!]!, m[3], today, prefer);
  m = NUMERIC_IN.exec(s);
  if (m) return withYear(Number(m[1]), Number(m[2]), m[3], today, prefer);
  if (/\b(hari ini|ari ini|barusan)\b/.test(s)) return today;
  if (/\b(kemarin|kemaren|kmrn|kmarin|samalam|sumalam)\b/.test(s)) return addDays(today, -1);
  return null;
}

function build(year: number, month: number, day: number): string | null {
  const iso = `${year}-${pad(month)}-${pad(day)}`;
  return isLocalDate(iso) ? iso : null;
}

function withYear(day: number, month: number, yearText: string | undefined, today: string, prefer: "past" | "future"): string | null {
  if (yearText !== undefined) {
    const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    return build(year, month, day);
  }
  const thisYear = Number(today.slice(0, 4));
  const candidate = build(thisYear, month, day);
  if (!candidate) return build(thisYear + (prefer === "past" ? -1 : 1), month, day); // 29 Feb
  if (prefer === "past" && candidate > today) return build(thisYear - 1, month, day);
  if (prefer === "future" && candidate < today) return build(thisYear + 1, month, day);
  return candidate;
}

export interface PregnancyAge {
  weeks: number;
  days: number;
}

/**
 * "12 minggu", "hamil 12 mgg 3 hari", "usia kandungan 20 minggu", "3 bulan". Months are turned
 * into days as months × 30.44 (the mean Gregorian month), rounded down — a rough figure, which is
 * why the bot repeats the resulting HPL and asks to correct it with the bidan's HPHT/HPL.
 */
export function parsePregnancyAge(text: string): PregnancyAge | null {
  const s = normalise(text);
  let m = /(\d{1,2})\s*(?:minggu|mgg|mg|minggo|wk|weeks?)\b(?:\s*(?:lebih\s*)?(\d)\s*(?:hari|ari|hr)\b)?/.exec(s);
  if (m) return { weeks: Number(m[1]), days: m[2] ? Number(m[2]) : 0 };
  m = /(\d{1,2})\s*(?:bulan|bln|bl)\b/.exec(s);
  if (m) {
    const totalDays = Math.floor(Number(m[1]) * 30.4375);
    return { weeks: Math.floor(totalDays / 7), days: totalDays % 7 };
  }
  return null;
}
