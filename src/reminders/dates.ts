// Calendar-date helpers for the reminder programme. Every date here is a local calendar date in
// WITA (Asia/Makassar, UTC+8, no DST): Kabupaten Balangan's time zone (Kalimantan Selatan is in WITA: Keppres 41/1987
// on Indonesia's time zones). Dates travel as "YYYY-MM-DD" strings so they never shift with the
// host's time zone.
import { DateTime, FixedOffsetZone } from "luxon";

export const WITA = "Asia/Makassar";

// Calendar arithmetic runs in a fixed UTC+8 zone: identical to Asia/Makassar (no DST since 1932)
// and many times faster in luxon than an IANA zone, which goes through Intl on every call.
const WITA_FIXED = FixedOffsetZone.instance(8 * 60);

/** An offset from an anchor date. Months are calendar months (luxon clamps Jan 31 + 1 month to Feb 28/29). */
export interface Offset {
  months?: number;
  weeks?: number;
  days?: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class InvalidDateError extends Error {
  constructor(value: string, what = "date") {
    super(`invalid ${what} "${value}" (expected a real calendar date YYYY-MM-DD)`);
    this.name = "InvalidDateError";
  }
}

/** Parses "YYYY-MM-DD" as the start of that day in WITA; rejects impossible dates like 2026-02-30. */
export function parseLocalDate(value: string, what = "date"): DateTime {
  const m = ISO_DATE.exec(value);
  if (!m) throw new InvalidDateError(value, what);
  const dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: WITA_FIXED });
  if (!dt.isValid) throw new InvalidDateError(value, what);
  return dt;
}

export function isLocalDate(value: string): boolean {
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

export function formatLocalDate(dt: DateTime): string {
  return dt.setZone(WITA_FIXED).toISODate() ?? "";
}

// The arithmetic below works on plain year/month/day numbers and days since 1970 (Date.UTC): the
// same calendar as luxon in a fixed zone, without building DateTime objects. Planning a family's
// programme calls these hundreds of times, and the daily tick plans thousands of families.

function ymd(value: string, what = "date"): [number, number, number] {
  const m = ISO_DATE.exec(value);
  if (!m) throw new InvalidDateError(value, what);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new InvalidDateError(value, what);
  return [y, mo, d];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const DAY_MS = 86_400_000;

function epochDay(y: number, mo: number, d: number): number {
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

function fromEpochDay(n: number): string {
  const dt = new Date(n * DAY_MS);
  return `${String(dt.getUTCFullYear()).padStart(4, "0")}-${String(dt.getUTCMonth() + 1).padStart(2, "0")}-${String(dt.getUTCDate()).padStart(2, "0")}`;
}

/** Calendar months later (or earlier), the day clamped to the month's last day like luxon (Jan 31 + 1 month = Feb 28/29). */
function plusMonths(y: number, mo: number, d: number, months: number): [number, number, number] {
  const total = y * 12 + (mo - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return [ny, nm, Math.min(d, daysInMonth(ny, nm))];
}

export function addOffset(date: string, offset: Offset): string {
  // Months first, then days: "5 bulan 14 hari" means 5 calendar months, then 14 days.
  const [y, mo, d] = plusMonths(...ymd(date), offset.months ?? 0);
  return fromEpochDay(epochDay(y, mo, d) + (offset.weeks ?? 0) * 7 + (offset.days ?? 0));
}

/**
 * Like addOffset, but months count as "umur bulan penuh": the first day the child has completed
 * that many months. When the birth day does not exist in the target month (born 31 Jan → no
 * 31 Feb), the month is completed only on the 1st of the next month, not on the clamped 28 Feb
 * (matches ageInCompletedMonths below).
 */
export function addAgeOffset(birthDate: string, offset: Offset): string {
  const birth = ymd(birthDate);
  const [y, mo, d] = plusMonths(...birth, offset.months ?? 0);
  const clamped = d < birth[2] ? 1 : 0;
  return fromEpochDay(epochDay(y, mo, d) + clamped + (offset.weeks ?? 0) * 7 + (offset.days ?? 0));
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(epochDay(...ymd(date)) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(...ymd(to)) - epochDay(...ymd(from));
}

export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings sort chronologically
}

const HOUR_MS = 3_600_000;
/** The last day localDateOf answered: every message of a day asks for the same date. */
let lastDay = { from: NaN, to: NaN, date: "" };

/** Today's calendar date in WITA for a given instant. */
export function localDateOf(instant: Date): string {
  const ms = instant.getTime();
  if (ms >= lastDay.from && ms < lastDay.to) return lastDay.date;
  const date = formatLocalDate(DateTime.fromJSDate(instant, { zone: WITA }));
  // The date is read at UTC+8 (formatLocalDate), so it changes at 16:00 UTC, every day alike.
  const from = Math.floor((ms + 8 * HOUR_MS) / DAY_MS) * DAY_MS - 8 * HOUR_MS;
  lastDay = { from, to: from + DAY_MS, date };
  return date;
}

/**
 * The given day of a month, moved to the month's last day when the month is shorter
 * (posyandu "tanggal 31" falls on 30 April and on 28/29 February).
 */
export function dayInMonth(year: number, month: number, day: number): string {
  return fromEpochDay(epochDay(year, month, Math.min(Math.max(day, 1), daysInMonth(year, month))));
}

/**
 * Age in completed months ("umur bulan penuh"): leftover days are dropped, and when the day of
 * month has not been reached yet the month does not count (Kemenkes
 * kader training "Menghitung Umur Bulan Penuh": if the day difference is negative, subtract 1 month).
 * So a child born 31 Jan is still 0 months old on 28/29 Feb.
 */
export function ageInCompletedMonths(birthDate: string, onDate: string): number {
  const [by, bm, bd] = ymd(birthDate);
  const [y, m, d] = ymd(onDate);
  let months = (y - by) * 12 + (m - bm);
  if (d < bd) months -= 1;
  return months;
}
