// When one reminder is sent: the person's hour (JAM) or REMINDER_HOUR, outside quiet hours, plus
// a steady per-person jitter so a morning's messages do not all leave in the same second.
import { DateTime } from "luxon";
import type { Runtime } from "../runtime.js";
import type { PlanEntry } from "./programme.js";
import { sendTimeFor } from "./send-time.js";

/** Sends are spread over this long after the preferred hour, so a morning's messages do not all go in one second. */
export const JITTER_SECONDS = 30 * 60;

/** The last local day localToday answered (a zone's offsets go through Intl: slow to compute per message). */
let lastDay = { zone: "", from: NaN, to: NaN, date: "" };

/** Today's calendar date in the service's time zone (WITA by default). */
export function localToday(rt: Runtime, now = rt.clock.now()): string {
  const zone = rt.config.TIMEZONE;
  const ms = now.getTime();
  if (zone === lastDay.zone && ms >= lastDay.from && ms < lastDay.to) return lastDay.date;
  const local = DateTime.fromJSDate(now, { zone });
  const date = local.toISODate() ?? "";
  // The day's own bounds in the zone (a DST day is 23 or 25 hours long).
  if (local.isValid) lastDay = { zone, from: local.startOf("day").toMillis(), to: local.endOf("day").toMillis() + 1, date };
  return date;
}

/** A stable spread of send minutes per person: the same family hears from us at the same time. */
export function jitterFraction(contactId: string): number {
  return (parseInt(contactId.replace(/-/g, "").slice(0, 8), 16) % 60) / 60;
}

interface OnTime {
  /** Send instant with no jitter, or null. */
  base: Date | null;
  /** True when every jitter in [0, JITTER_SECONDS) just adds to `base` (no quiet-hour clamping). */
  linear: boolean;
}
const onTimeCache = new Map<string, OnTime>();

/**
 * sendTimeFor, memoised for on-time sends: thousands of families share a due day and hour, and
 * sendTimeFor (luxon with an IANA zone) costs ~0.2 ms a call. The on-time instant does not depend
 * on `until`; with jitter it is base + jitter unless the jitter runs into quiet hours, which the
 * two probes (no jitter, full jitter) detect — then the exact function is called.
 */
export function sendAtFor(rt: Runtime, entry: Pick<PlanEntry, "due" | "until">, hour: number, fraction: number, now: Date): Date | null {
  const base = {
    due: entry.due,
    until: entry.until,
    preferredHour: hour,
    tz: rt.config.TIMEZONE,
    quietStart: rt.config.QUIET_HOURS_START,
    quietEnd: rt.config.QUIET_HOURS_END,
    jitterSeconds: JITTER_SECONDS,
  };
  const key = `${entry.due}|${hour}|${rt.config.TIMEZONE}|${rt.config.QUIET_HOURS_START}|${rt.config.QUIET_HOURS_END}`;
  let onTime = onTimeCache.get(key);
  if (onTime === undefined) {
    const first = sendTimeFor({ ...base, until: entry.due, now: new Date(0), random: () => 0 });
    const last = sendTimeFor({ ...base, until: entry.due, now: new Date(0), random: () => (JITTER_SECONDS - 1) / JITTER_SECONDS });
    const linear = first !== null && last !== null && last.getTime() - first.getTime() === (JITTER_SECONDS - 1) * 1000;
    onTime = { base: first, linear };
    if (onTimeCache.size > 50_000) onTimeCache.clear();
    onTimeCache.set(key, onTime);
  }
  let at: Date | null;
  if (onTime.linear && onTime.base) at = new Date(onTime.base.getTime() + Math.floor(fraction * JITTER_SECONDS) * 1000);
  else at = sendTimeFor({ ...base, now: new Date(0), random: () => fraction });
  if (at && at.getTime() >= now.getTime()) return at;
  // Late (enrolled mid-window, or after downtime): the next allowed moment if the window is still open.
  return sendTimeFor({ ...base, now, random: () => fraction });
}
