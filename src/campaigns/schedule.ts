// Pure timing rules of campaigns: quiet hours and the days a repeating campaign goes, in local
// time (WITA by default). No I/O; every function takes the time.
import { DateTime } from "luxon";
import { isQuietHour } from "../reminders/send-time.js";
import type { CampaignRepeat } from "./compose.js";

export interface QuietHours {
  /** Local hours: nothing goes from `start`:00 until `end`:00 (QUIET_HOURS_START / _END). */
  start: number;
  end: number;
  zone: string;
}

/** True while campaign messages must wait (a send crossing 21:00 WITA pauses until 06:00 by default). */
export function inQuietHours(now: Date, q: QuietHours): boolean {
  return isQuietHour(DateTime.fromJSDate(now, { zone: q.zone }).hour, q.start, q.end);
}

/** When quiet hours in force at `now` end (now itself outside them). */
export function quietEnd(now: Date, q: QuietHours): Date {
  if (!inQuietHours(now, q)) return now;
  const local = DateTime.fromJSDate(now, { zone: q.zone });
  let end = local.set({ hour: q.end, minute: 0, second: 0, millisecond: 0 });
  if (end <= local) end = end.plus({ days: 1 });
  return end.toJSDate();
}

/** The last day of a month, for "day 31" in shorter months. */
function dayOfMonthIn(local: DateTime, day: number): number {
  return Math.min(day, local.daysInMonth ?? 28);
}

/** Whether a repeating campaign goes on this local date (YYYY-MM-DD). */
export function repeatsOn(repeat: CampaignRepeat, date: string): boolean {
  if (repeat.from && date < repeat.from) return false;
  if (date > repeat.until) return false;
  const d = DateTime.fromISO(date, { zone: "utc" });
  if (!d.isValid) return false;
  switch (repeat.every) {
    case "daily":
      return true;
    case "weekly":
      return (repeat.weekdays ?? []).includes(d.weekday);
    case "monthly":
      return d.day === dayOfMonthIn(d, repeat.dayOfMonth ?? 1);
  }
}

/**
 * The occurrence due at `now`: today's local date when the campaign goes today and its time has
 * come (a restart later the same day still sends it; a day missed entirely is not caught up,
 * since a stale "posyandu tomorrow" is worse than none). Null otherwise.
 */
export function dueOccurrence(repeat: CampaignRepeat, now: Date, zone: string): string | null {
  const local = DateTime.fromJSDate(now, { zone });
  const date = local.toISODate() as string;
  if (!repeatsOn(repeat, date)) return null;
  const [h, m] = repeat.time.split(":").map(Number) as [number, number];
  return local.hour * 60 + local.minute >= h * 60 + m ? date : null;
}

/** The instant of an occurrence (its local date at the campaign's time). */
export function occurrenceInstant(repeat: CampaignRepeat, date: string, zone: string): Date {
  const [h, m] = repeat.time.split(":").map(Number) as [number, number];
  return DateTime.fromISO(date, { zone }).set({ hour: h, minute: m }).toJSDate();
}

/** Problems of a repeat rule as {field, reason}. */
export function checkRepeat(r: CampaignRepeat, quiet: QuietHours): { field: string; reason: string }[] {
  const out: { field: string; reason: string }[] = [];
  const hour = Number(r.time.slice(0, 2));
  if (isQuietHour(hour, quiet.start, quiet.end))
    out.push({ field: "body.repeat.time", reason: `is inside quiet hours (${quiet.start}:00–${quiet.end}:00)` });
  if (r.every === "weekly" && !r.weekdays?.length)
    out.push({ field: "body.repeat.weekdays", reason: "is required for weekly (1 = Monday … 7 = Sunday)" });
  if (r.every === "monthly" && !r.dayOfMonth) out.push({ field: "body.repeat.dayOfMonth", reason: "is required for monthly" });
  if (r.from && r.from > r.until) out.push({ field: "body.repeat.until", reason: "is before from" });
  return out;
}
