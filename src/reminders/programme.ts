// A plan's reminders as a flat, sorted list of entries (the reminder itself and its "sudah?"
// follow-up), memoised: 1M enrolled families share a few thousand anchor dates, and planning one
// programme with luxon costs milliseconds. Pure apart from the cache.
import { addAgeOffset, addDays, compareDates } from "./dates.js";
import { REMINDER_RULES, VITAMIN_A_AGE_ON, ruleByKey, type CalendarRule, type PosyanduRule, type Programme } from "./rules.js";
import {
  expandRule,
  planCatchUp,
  planChild,
  planPostnatal,
  planPregnancy,
  sortPlan,
  type PlannedReminder,
  type ReminderVars,
} from "./schedule.js";
import type { ReminderKind } from "./rules.js";

export interface PlanEntry {
  ruleKey: string;
  kind: ReminderKind;
  occurrence: string;
  /** 0 the reminder, 1 its follow-up ("sudah?"). */
  followUp: 0 | 1;
  confirmable: boolean;
  due: string;
  until: string;
  messageKey: string;
  vars: ReminderVars;
}

export interface PlanKey {
  programme: Programme;
  anchor: string;
  hbLow?: boolean;
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, PlanEntry[]>();

/** Every entry of a programme without the posyandu-day rule (which depends on the posyandu). */
export function planEntries(key: PlanKey): PlanEntry[] {
  const id = `${key.programme}|${key.anchor}|${key.hbLow ? 1 : 0}`;
  let entries = cache.get(id);
  if (!entries) {
    const planned =
      key.programme === "pregnancy"
        ? planPregnancy({ hpht: key.anchor, hbLow: key.hbLow ?? false })
        : key.programme === "child"
          ? planChild({ birthDate: key.anchor })
          : planPostnatal({ birthDate: key.anchor });
    entries = sortEntries(planned.flatMap(toEntries));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(id, entries);
  }
  return entries;
}

/** A planned reminder as entries: the reminder and, if it has one, its "sudah?" follow-up. */
function toEntries(r: PlannedReminder): PlanEntry[] {
  const confirmable = ruleByKey(r.ruleKey)?.confirmable ?? false;
  const main: PlanEntry = {
    ruleKey: r.ruleKey,
    kind: r.kind,
    occurrence: r.occurrence,
    followUp: 0,
    confirmable,
    due: r.due,
    until: r.until,
    messageKey: r.messageKey,
    vars: r.vars,
  };
  if (!r.followUp) return [main];
  return [main, { ...main, followUp: 1 as const, due: r.followUp.due, until: r.followUp.until, messageKey: r.followUp.messageKey }];
}

const VITAMIN_A_RULES = REMINDER_RULES.filter((r): r is CalendarRule => r.anchor === "calendar");
const vitaminACache = new Map<string, PlanEntry[]>();

/**
 * A child's vitamin A entries when the family has a posyandu: eligibility and capsule colour are
 * judged on the posyandu day of Februari/Agustus (VITAMIN_A_AGE_ON). A few entries per child,
 * memoised per birth date and posyandu day; dueSlice uses them instead of planEntries' ones.
 */
function vitaminAEntries(anchor: string, posyanduDay: number): PlanEntry[] {
  const id = `${anchor}|${posyanduDay}`;
  let entries = vitaminACache.get(id);
  if (!entries) {
    const lastBalitaDay = addDays(addAgeOffset(anchor, { months: 60 }), -1);
    const ctx = { anchor, birthDate: anchor, hbLow: false, calendar: { from: anchor, through: lastBalitaDay, day: posyanduDay } };
    entries = sortEntries(VITAMIN_A_RULES.flatMap((rule) => expandRule(rule, ctx)).flatMap(toEntries));
    if (vitaminACache.size >= CACHE_LIMIT * 10) vitaminACache.delete(vitaminACache.keys().next().value as string);
    vitaminACache.set(id, entries);
  }
  return entries;
}

const POSYANDU_RULES = new Map(REMINDER_RULES.filter((r): r is PosyanduRule => r.anchor === "posyandu-day").map((r) => [r.programme, r]));

/**
 * Posyandu-day reminders (the day before each monthly posyandu) around `on`:
 * only from 40 days before to at least 40 days after `on` are expanded, since the tick plans a
 * day at a time; posyandu days are at most 31 days apart, so the next one after `on` is always in
 * the slice. Pregnancy: from 4 weeks after HPHT to HPL; child: to the last day of 59 months
 * (same bounds as planPregnancy/planChild).
 */
export function posyanduEntries(key: PlanKey, posyanduDay: number, on: string): PlanEntry[] {
  // The slice depends only on the month of `on`, so plans sharing anchor and posyandu day share it.
  const month = on.slice(0, 7);
  const id = `${key.programme}|${key.anchor}|${key.hbLow ? 1 : 0}|${posyanduDay}|${month}`;
  let entries = posyanduCache.get(id);
  if (!entries) {
    entries = expandPosyanduMonth(key, posyanduDay, `${month}-01`);
    if (posyanduCache.size >= CACHE_LIMIT * 4) posyanduCache.clear();
    posyanduCache.set(id, entries);
  }
  return entries;
}

const posyanduCache = new Map<string, PlanEntry[]>();

function expandPosyanduMonth(key: PlanKey, posyanduDay: number, firstOfMonth: string): PlanEntry[] {
  const rule = POSYANDU_RULES.get(key.programme);
  if (!rule) return [];
  // From 40 days before the month to 71 days after its first day (≥ 40 days after its end).
  let after = addDays(firstOfMonth, -40);
  let through = addDays(firstOfMonth, 71);
  const [lo, hi] =
    key.programme === "pregnancy"
      ? [addDays(key.anchor, 4 * 7 - 1), addDays(key.anchor, 280)]
      : [key.anchor, addDays(addAgeOffset(key.anchor, { months: 60 }), -1)];
  if (compareDates(after, lo) < 0) after = lo;
  if (compareDates(through, hi) > 0) through = hi;
  if (compareDates(after, through) >= 0) return [];
  const ctx = {
    anchor: key.anchor,
    hbLow: key.hbLow ?? false,
    posyandu: { day: posyanduDay, after, through },
    ...(key.programme === "child" ? { birthDate: key.anchor } : {}),
  };
  return expandRule(rule, ctx).map((r) => ({
    ruleKey: r.ruleKey,
    kind: r.kind,
    occurrence: r.occurrence,
    followUp: 0 as const,
    confirmable: false,
    due: r.due,
    until: r.until,
    messageKey: r.messageKey,
    vars: r.vars,
  }));
}

export function sortEntries(entries: PlanEntry[]): PlanEntry[] {
  return sortPlan(entries).sort((a, b) => compareDates(a.due, b.due) || a.followUp - b.followUp);
}

export interface DueSlice {
  /** Entries to make into fires: due in (plannedThrough, through] and still open on `today`. */
  entries: PlanEntry[];
  /** The earliest due day after `through`, or null when nothing is left. */
  nextDue: string | null;
}

/**
 * What one planning step of a plan yields. `plannedThrough` null means never planned: then
 * everything still open on `today` is taken, so a late enrolment gets the visits it can still make.
 */
export function dueSlice(
  key: PlanKey,
  posyanduDay: number | null,
  plannedThrough: string | null,
  through: string,
  today: string,
  options: {
    /** A child plan's first planning (enrolment, a kader's code, a corrected birth date): add the catch-up message. */
    catchUp?: boolean;
  } = {},
): DueSlice {
  const all = planEntries(key);
  const posyandu = posyanduDay === null ? [] : posyanduEntries(key, posyanduDay, through);
  // With a posyandu, a child's vitamin A entries are judged on its day (vitaminAEntries).
  const vitaminAOnPosyanduDay = key.programme === "child" && posyanduDay !== null && VITAMIN_A_AGE_ON === "posyandu-day";
  const vitaminA = vitaminAOnPosyanduDay ? vitaminAEntries(key.anchor, posyanduDay) : [];
  const entries: PlanEntry[] = [];
  // A child's first planning: the doses already missed, in one catch-up message, with its
  // follow-up a few days later (a fire can be made ahead of its day; this one is made only now).
  if (options.catchUp && key.programme === "child") {
    const catchUp = planCatchUp(key.anchor, today);
    if (catchUp) entries.push(...toEntries(catchUp));
  }
  let nextDue: string | null = null;
  for (const list of [all, posyandu, vitaminA]) {
    for (const e of list) {
      if (vitaminAOnPosyanduDay && list === all && e.kind === "vitamin-a") continue;
      if (compareDates(e.due, through) > 0) {
        if (nextDue === null || compareDates(e.due, nextDue) < 0) nextDue = e.due;
        if (list === all) break; // sorted: the first one after `through` is the earliest
        continue;
      }
      if (plannedThrough !== null && compareDates(e.due, plannedThrough) <= 0) continue;
      if (compareDates(e.until, today) < 0) continue;
      entries.push(e);
    }
  }
  return { entries: sortEntries(entries), nextDue };
}
