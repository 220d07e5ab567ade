// When, as a UTC instant, to send a reminder that is due on a local calendar date.
// Pure: the caller passes `now` and (in tests) a deterministic `random`.
import { DateTime } from "luxon";
import { WITA, parseLocalDate } from "./dates.js";

export interface SendTimeInput {
  /** Local calendar date the reminder is due, "YYYY-MM-DD". */
  due: string;
  /** Last local date it may still be sent (inclusive); defaults to `due`. */
  until?: string;
  /** Local hour to aim for; 8 = after the morning chores, before posyandu/school runs. */
  preferredHour?: number;
  /** IANA zone of the family; Balangan is WITA = Asia/Makassar, UTC+8, no DST. */
  tz?: string;
  /** No messages from quietStart:00 to quietEnd:00 local (wraps past midnight when start > end). */
  quietStart?: number;
  quietEnd?: number;
  now: Date;
  /** Spread sends over this many seconds so thousands of families are not messaged in one second. */
  jitterSeconds?: number;
  random?: () => number;
}

/**
 * The send instant for a reminder, or null when its window has passed.
 * - On time: the due date at the preferred hour plus jitter; a preferred hour inside quiet hours is
 *   moved forward to the end of the quiet period if that is still the same day (e.g. 05:00 → 06:00),
 *   otherwise back to just before the quiet period starts (22:00 → before 21:00), so the message
 *   still arrives on its due date.
 * - Catch-up (after downtime): if `now` is past that instant but the window (through `until`) is
 *   still open, the next allowed moment from now (plus jitter).
 */
export function sendTimeFor(input: SendTimeInput): Date | null {
  const tz = input.tz ?? WITA;
  const preferredHour = input.preferredHour ?? 8;
  const quietStart = input.quietStart ?? 21;
  const quietEnd = input.quietEnd ?? 6;
  const jitterSeconds = input.jitterSeconds ?? 0;
  const random = input.random ?? Math.random;
  checkHour(preferredHour, "preferredHour", 23);
  checkHour(quietStart, "quietStart", 23);
  checkHour(quietEnd, "quietEnd", 23);
  if (!Number.isFinite(jitterSeconds) || jitterSeconds < 0) throw new RangeError(`jitterSeconds must be ≥ 0, got ${jitterSeconds}`);
  if (!DateTime.now().setZone(tz).isValid) throw new RangeError(`unknown time zone "${tz}"`);
  const quiet: Quiet = { start: quietStart, end: quietEnd };

  const dueDay = DateTime.fromISO(parseLocalDate(input.due).toISODate() ?? input.due, { zone: tz }).startOf("day");
  const untilDay = DateTime.fromISO(parseLocalDate(input.until ?? input.due).toISODate() ?? input.due, { zone: tz }).startOf("day");
  if (untilDay < dueDay) throw new RangeError(`until ${input.until} is before due ${input.due}`);
  const windowEnd = untilDay.plus({ days: 1 }); // exclusive
  const jitter = (): number => Math.floor(random() * jitterSeconds);

  const target = onTimeTarget(dueDay, preferredHour, quiet, jitterSeconds, jitter());
  const now = DateTime.fromJSDate(input.now, { zone: tz });
  if (now <= target) return target.toJSDate();
  if (now >= windowEnd) return null;
  const catchUp = nextAllowed(now.plus({ seconds: jitter() }), quiet);
  return catchUp < windowEnd ? catchUp.toJSDate() : null;
}

interface Quiet {
  start: number;
  end: number;
}

function onTimeTarget(day: DateTime, preferredHour: number, quiet: Quiet, jitterSeconds: number, jitter: number): DateTime {
  const preferred = day.set({ hour: preferredHour });
  let base = preferred;
  if (isQuiet(preferred, quiet)) {
    const end = nextAllowed(preferred, quiet);
    // Leave room for the jitter before quiet hours begin.
    base = end.hasSame(day, "day") ? end : day.set({ hour: quiet.start }).minus({ seconds: jitterSeconds });
  }
  let t = base.plus({ seconds: jitter });
  if (isQuiet(t, quiet)) {
    // Jitter ran into quiet hours (preferred hour close to quiet start): step back inside the day.
    const end = nextAllowed(t, quiet);
    t = end.hasSame(day, "day") ? end : day.set({ hour: quiet.start }).minus({ seconds: 1 });
  }
  return t;
}

function hourOfDay(t: DateTime): number {
  return t.hour + t.minute / 60 + t.second / 3600;
}

export function isQuietHour(hour: number, quietStart: number, quietEnd: number): boolean {
  if (quietStart === quietEnd) return false;
  return quietStart > quietEnd ? hour >= quietStart || hour < quietEnd : hour >= quietStart && hour < quietEnd;
}

function isQuiet(t: DateTime, q: Quiet): boolean {
  return isQuietHour(hourOfDay(t), q.start, q.end);
}

/** `t` itself if allowed, else the end of the quiet period it falls in. */
function nextAllowed(t: DateTime, q: Quiet): DateTime {
  if (!isQuiet(t, q)) return t;
  const endToday = t.startOf("day").set({ hour: q.end });
  return endToday > t ? endToday : endToday.plus({ days: 1 });
}

function checkHour(value: number, name: string, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} must be a whole hour 0–${max}, got ${value}`);
}
