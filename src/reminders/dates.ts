// Calendar-date helpers for the reminder programme. Every date here is a local calendar date in
// WITA (Asia/Makassar, UTC+8, no DST): Kabupaten Balangan's time zone (schedule-facts.md, top and
// Implementation checklist §1). Dates travel as "YYYY-MM-DD" strings so they never shift with the
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

export function addOffset(date: string, offset: Offset): string {
  // Months first, then days: "5 bulan 14 hari" means 5 calendar months, then 14 days.
  const dt = parseLocalDate(date).plus({ months: offset.months ?? 0 }).plus({
    weeks: offset.weeks ?? 0,
    days: offset.days ?? 0,
  });
  return formatLocalDate(dt);
}

/**
 * Like addOffset, but months count as "umur bulan penuh": the first day the child has completed
 * that many months. When the birth day does not exist in the target month (born 31 Jan → no
 * 31 Feb), the month is completed only on the 1st of the next month, not on the clamped 28 Feb
 * (matches ageInCompletedMonths below).
 */
export function addAgeOffset(birthDate: string, offset: Offset): string {
  const birth = parseLocalDate(birthDate);
  let dt = birth.plus({ months: offset.months ?? 0 });
  if (dt.day < birth.day) dt = dt.plus({ days: 1 });
  return formatLocalDate(dt.plus({ weeks: offset.weeks ?? 0, days: offset.days ?? 0 }));
}

export function addDays(date: string, days: number): string {
  return addOffset(date, { days });
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round(parseLocalDate(to).diff(parseLocalDate(from), "days").days);
}

export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings sort chronologically
}

/** Today's calendar date in WITA for a given instant. */
export function localDateOf(instant: Date): string {
  return formatLocalDate(DateTime.fromJSDate(instant, { zone: WITA }));
}

/**
 * The given day of a month, moved to the month's last day when the month is shorter
 * (posyandu "tanggal 31" falls on 30 April and on 28/29 February).
 */
export function dayInMonth(year: number, month: number, day: number): string {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: WITA_FIXED });
  const last = first.daysInMonth ?? 28;
  return formatLocalDate(first.set({ day: Math.min(Math.max(day, 1), last) }));
}

/**
 * Age in completed months ("umur bulan penuh"): leftover days are dropped, and when the day of
 * month has not been reached yet the month does not count (schedule-facts.md §6 "Age counting":
 * "if the day difference is negative, subtract 1 month"; Kemenkes flipbuilder pages 85–86).
 * So a child born 31 Jan is still 0 months old on 28/29 Feb.
 */
export function ageInCompletedMonths(birthDate: string, onDate: string): number {
  const birth = parseLocalDate(birthDate);
  const on = parseLocalDate(onDate);
  let months = (on.year - birth.year) * 12 + (on.month - birth.month);
  if (on.day < birth.day) months -= 1;
  return months;
}
