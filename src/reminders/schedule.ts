// Pure planning: from HPHT or a birth date to the list of reminders with their windows.
// No clock, no I/O: the caller passes `fromDate` (today in WITA) to drop windows already over.
import { BALITA_MONTHS } from "../children/balita.js";
import {
  addAgeOffset,
  addDays,
  addOffset,
  ageInCompletedMonths,
  compareDates,
  dayInMonth,
  daysBetween,
  formatLocalDate,
  parseLocalDate,
  type Offset,
} from "./dates.js";
import {
  REMINDER_RULES,
  VITAMIN_A_AGE_ON,
  catchUpRule,
  immunizationRules,
  rulesFor,
  type CalendarRule,
  type PosyanduRule,
  type Programme,
  type ReminderKind,
  type ReminderRule,
  type RuleConditions,
  type SeriesRule,
  type WindowRule,
} from "./rules.js";

export type ReminderVars = Record<string, string | number>;

export interface PlannedFollowUp {
  due: string;
  until: string;
  messageKey: string;
}

export interface PlannedReminder {
  ruleKey: string;
  kind: ReminderKind;
  /** Unique per rule for one person/child: "1", "week-12", "month-7", "2027-02". */
  occurrence: string;
  due: string;
  /** Last day the reminder may still be sent (inclusive). */
  until: string;
  messageKey: string;
  vars: ReminderVars;
  /** Present for confirmable rules: ask "sudah?" near the window end if no SUDAH came. */
  followUp?: PlannedFollowUp;
}

export type Sex = "L" | "P";

export interface PregnancyInput {
  hpht: string;
  /** Day of month of the family's posyandu (1–31; 31 → last day of shorter months). */
  posyanduDay?: number;
  /** Hb recorded low at ANC → the anaemia TTD text. */
  hbLow?: boolean;
  /** Drop reminders whose window ended before this date (today, WITA). */
  fromDate?: string;
}

export interface ChildInput {
  birthDate: string;
  sex?: Sex;
  posyanduDay?: number;
  fromDate?: string;
}

export interface PostnatalInput {
  birthDate: string;
  fromDate?: string;
}

// --- gestational age ------------------------------------------------------------------------------

/** Naegele in day form: HPL = HPHT + 280 days (Naegele's rule as the Buku KIA uses it; chosen over the calendar form). */
export const PREGNANCY_DAYS = 280;

export function hplFromHpht(hpht: string): string {
  return addDays(checkDate(hpht, "HPHT"), PREGNANCY_DAYS);
}

export function hphtFromHpl(hpl: string): string {
  return addDays(checkDate(hpl, "HPL"), -PREGNANCY_DAYS);
}

/** HPHT from a gestational age told by the bidan/USG ("hamil 12 minggu 3 hari") on `today`. */
export function hphtFromWeeks(weeks: number, today: string, days = 0): string {
  if (!Number.isInteger(weeks) || weeks < 0 || weeks > 44)
    throw new RangeError(`pregnancy weeks must be a whole number 0–44, got ${weeks}`);
  if (!Number.isInteger(days) || days < 0 || days > 6) throw new RangeError(`extra days must be 0–6, got ${days}`);
  return addDays(checkDate(today, "today"), -(weeks * 7 + days));
}

export interface GestationalAge {
  weeks: number;
  days: number;
  totalDays: number;
}

/** Completed weeks + days since HPHT on `onDate` (usia kehamilan, §1). */
export function gestationalAge(hpht: string, onDate: string): GestationalAge {
  const totalDays = daysBetween(checkDate(hpht, "HPHT"), checkDate(onDate, "date"));
  if (totalDays < 0) throw new RangeError(`date ${onDate} is before HPHT ${hpht}`);
  return { weeks: Math.floor(totalDays / 7), days: totalDays % 7, totalDays };
}

/** Trimester by the Indonesian programme cut-offs: I ≤ 12 weeks, II > 12–24, III > 24 (§1). */
export function trimesterOf(age: GestationalAge): 1 | 2 | 3 {
  if (age.totalDays <= 12 * 7) return 1;
  if (age.totalDays <= 24 * 7) return 2;
  return 3;
}

// --- plans ------------------------------------------------------------------------------------------

export interface PlanContext {
  anchor: string;
  /** Birth date when the plan is for a child (ages for conditions). */
  birthDate?: string;
  hbLow: boolean;
  /** Posyandu dates considered: from (exclusive) .. to (inclusive). */
  posyandu?: { day: number; after: string; through: string };
  /**
   * Calendar rules: months considered, inclusive; `day` is the day of month on which the age
   * conditions are judged (the posyandu day, VITAMIN_A_AGE_ON), else the 1st.
   */
  calendar?: { from: string; through: string; day?: number };
}

export function planPregnancy(input: PregnancyInput): PlannedReminder[] {
  const hpht = checkDate(input.hpht, "HPHT");
  const hpl = hplFromHpht(hpht);
  const ctx: PlanContext = { anchor: hpht, hbLow: input.hbLow ?? false };
  if (input.posyanduDay !== undefined) {
    // From 4 weeks (pregnancy can be known) until HPL.
    ctx.posyandu = { day: checkPosyanduDay(input.posyanduDay), after: addDays(hpht, 4 * 7 - 1), through: hpl };
  }
  return plan("pregnancy", ctx, input.fromDate);
}

export function planChild(input: ChildInput): PlannedReminder[] {
  const birth = checkDate(input.birthDate, "birth date");
  if (input.sex !== undefined && input.sex !== "L" && input.sex !== "P") {
    throw new RangeError(`sex must be L or P, got ${String(input.sex)}`);
  }
  // Balita programme ends at 60 completed months; the last day of 59 months is the day before that.
  const lastBalitaDay = addDays(addAgeOffset(birth, { months: BALITA_MONTHS }), -1);
  const ctx: PlanContext = {
    anchor: birth,
    birthDate: birth,
    hbLow: false,
    calendar: { from: birth, through: lastBalitaDay },
  };
  if (input.posyanduDay !== undefined) {
    ctx.posyandu = { day: checkPosyanduDay(input.posyanduDay), after: birth, through: lastBalitaDay };
    if (VITAMIN_A_AGE_ON === "posyandu-day") ctx.calendar!.day = input.posyanduDay;
  }
  return plan("child", ctx, input.fromDate);
}

/** KF1–KF4 for the mother after birth. */
export function planPostnatal(input: PostnatalInput): PlannedReminder[] {
  const birth = checkDate(input.birthDate, "birth date");
  return plan("postnatal", { anchor: birth, hbLow: false }, input.fromDate);
}

function plan(programme: Programme, ctx: PlanContext, fromDate: string | undefined): PlannedReminder[] {
  const from = fromDate === undefined ? undefined : checkDate(fromDate, "from date");
  const out = rulesFor(programme)
    .flatMap((rule) => expandRule(rule, ctx))
    .filter((r) => from === undefined || compareDates(r.until, from) >= 0);
  return sortPlan(out);
}

const RULE_ORDER = new Map(REMINDER_RULES.map((r, i) => [r.key, i]));
const NUMERIC = new Intl.Collator("en", { numeric: true }); // "week-9" before "week-10"

/** By due date, then by the order rules are listed in rules.ts, then occurrence. */
export function sortPlan<T extends Pick<PlannedReminder, "due" | "ruleKey" | "occurrence">>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      compareDates(a.due, b.due) ||
      (RULE_ORDER.get(a.ruleKey) ?? 0) - (RULE_ORDER.get(b.ruleKey) ?? 0) ||
      NUMERIC.compare(a.occurrence, b.occurrence),
  );
}

/** All reminders one rule yields for one person. Exported for rule review tests. */
export function expandRule(rule: ReminderRule, ctx: PlanContext): PlannedReminder[] {
  switch (rule.anchor) {
    case "calendar":
      return expandCalendar(rule, ctx);
    case "posyandu-day":
      return expandPosyandu(rule, ctx);
    case "enrolment":
      return []; // planCatchUp, at a plan's first planning
    default:
      return "every" in rule ? expandSeries(rule, ctx) : expandWindow(rule, ctx);
  }
}

/** Offsets from a birth date count months of age (umur bulan penuh); from HPHT only weeks/days. */
function fromAnchor(rule: WindowRule | SeriesRule, ctx: PlanContext, offset: Offset): string {
  return rule.anchor === "birth" ? addAgeOffset(ctx.anchor, offset) : addOffset(ctx.anchor, offset);
}

function expandWindow(rule: WindowRule, ctx: PlanContext): PlannedReminder[] {
  const due = fromAnchor(rule, ctx, rule.start);
  const until = fromAnchor(rule, ctx, rule.end);
  const made = make(rule, ctx, "1", due, until, rule.messageKey, {});
  return made ? [made] : [];
}

function expandSeries(rule: SeriesRule, ctx: PlanContext): PlannedReminder[] {
  const out: PlannedReminder[] = [];
  for (let n = rule.from; n <= rule.to; n++) {
    const base = fromAnchor(rule, ctx, rule.every === "week" ? { weeks: n } : { months: n });
    const due = rule.shift ? addOffset(base, rule.shift) : base;
    const until = addDays(due, rule.lengthDays - 1);
    const band = rule.bands?.find((b) => n >= b.from && n <= b.to);
    const vars: ReminderVars = rule.every === "week" ? { week: n } : { months: n };
    const made = make(rule, ctx, `${rule.every}-${n}`, due, until, band?.messageKey ?? rule.messageKey, vars);
    if (made) out.push(made);
  }
  return out;
}

function expandCalendar(rule: CalendarRule, ctx: PlanContext): PlannedReminder[] {
  if (!ctx.calendar) return [];
  const out: PlannedReminder[] = [];
  for (const month of eachMonth(ctx.calendar.from, ctx.calendar.through)) {
    if (!rule.months.includes(month.month)) continue;
    const due = dayInMonth(month.year, month.month, 1);
    const until = dayInMonth(month.year, month.month, 31);
    if (compareDates(due, ctx.calendar.from) < 0 || compareDates(due, ctx.calendar.through) > 0) continue;
    const judgedOn = ctx.calendar.day === undefined ? due : dayInMonth(month.year, month.month, ctx.calendar.day);
    const made = make(rule, ctx, month.key, due, until, rule.messageKey, {}, judgedOn);
    if (made) out.push(made);
  }
  return out;
}

function expandPosyandu(rule: PosyanduRule, ctx: PlanContext): PlannedReminder[] {
  const p = ctx.posyandu;
  if (!p) return [];
  const out: PlannedReminder[] = [];
  for (const month of eachMonth(p.after, p.through)) {
    const posyanduDate = dayInMonth(month.year, month.month, p.day);
    if (compareDates(posyanduDate, p.after) <= 0 || compareDates(posyanduDate, p.through) > 0) continue;
    const due = addDays(posyanduDate, -rule.daysBefore);
    const made = make(rule, ctx, month.key, due, posyanduDate, rule.messageKey, { posyanduDate }, posyanduDate);
    if (made) out.push(made);
  }
  return out;
}

function make(
  rule: ReminderRule,
  ctx: PlanContext,
  occurrence: string,
  due: string,
  until: string,
  messageKey: string,
  extraVars: ReminderVars,
  conditionDate = due,
): PlannedReminder | null {
  if (!conditionsHold(rule.conditions, ctx, conditionDate)) return null;
  const alternate = rule.alternates?.find((a) => conditionsHold(a.when, ctx, conditionDate));
  const vars: ReminderVars = { ...rule.vars, ...extraVars, due, until };
  if (ctx.birthDate !== undefined) vars.ageMonths ??= ageInCompletedMonths(ctx.birthDate, conditionDate);
  const planned: PlannedReminder = {
    ruleKey: rule.key,
    kind: rule.kind,
    occurrence,
    due,
    until,
    messageKey: alternate?.messageKey ?? messageKey,
    vars,
  };
  if (rule.confirmable && rule.followUp) {
    const followUp = followUpWindow(due, until, rule.followUp.daysBeforeEnd);
    if (followUp) planned.followUp = { ...followUp, messageKey: rule.followUp.messageKey };
  }
  return planned;
}

/**
 * Catch-up (imunisasi kejar) for a child whose plan starts on `today`: one reminder listing the
 * doses whose window is over but whose catch-up age limit (CATCH_UP_LIMITS) is not, or null.
 */
export function planCatchUp(birthDate: string, today: string): PlannedReminder | null {
  const birth = checkDate(birthDate, "birth date");
  const on = checkDate(today, "today");
  const doses = immunizationRules.filter(
    (r) =>
      r.catchUpUntil !== undefined &&
      compareDates(addAgeOffset(birth, r.end), on) < 0 &&
      compareDates(on, addAgeOffset(birth, r.catchUpUntil)) <= 0,
  );
  if (doses.length === 0) return null;
  const ctx: PlanContext = { anchor: birth, birthDate: birth, hbLow: false };
  const vaccine = doses.map((r) => String(r.vars?.vaccine ?? r.key)).join(", ");
  return make(catchUpRule, ctx, "1", on, addDays(on, catchUpRule.lengthDays - 1), catchUpRule.messageKey, { vaccine, count: doses.length });
}

/** Follow-up `daysBeforeEnd` before the window end, but never on the first day of the window. */
export function followUpWindow(due: string, until: string, daysBeforeEnd: number): { due: string; until: string } | null {
  let fu = addDays(until, -daysBeforeEnd);
  if (compareDates(fu, due) <= 0) fu = addDays(due, 1);
  if (compareDates(fu, until) > 0) return null;
  return { due: fu, until };
}

function conditionsHold(c: RuleConditions | undefined, ctx: PlanContext, onDate: string): boolean {
  if (!c) return true;
  if (c.hbLow !== undefined && c.hbLow !== ctx.hbLow) return false;
  if (c.ageMonths) {
    if (ctx.birthDate === undefined) return false;
    const age = ageInCompletedMonths(ctx.birthDate, onDate);
    if (age < c.ageMonths.min || age > c.ageMonths.max) return false;
  }
  return true;
}

/** Calendar months from the month of `from` to the month of `through`; key "yyyy-MM". */
function* eachMonth(from: string, through: string): Generator<{ year: number; month: number; key: string }> {
  // Inputs are dates this module already checked ("YYYY-MM-DD").
  const first = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)) - 1;
  const last = Number(through.slice(0, 4)) * 12 + Number(through.slice(5, 7)) - 1;
  for (let n = first; n <= last; n++) {
    const year = Math.floor(n / 12);
    const month = n - year * 12 + 1;
    yield { year, month, key: `${year}-${String(month).padStart(2, "0")}` };
  }
}

function checkDate(value: string, what: string): string {
  return formatLocalDate(parseLocalDate(value, what));
}

function checkPosyanduDay(day: number): number {
  if (!Number.isInteger(day) || day < 1 || day > 31) throw new RangeError(`posyandu day must be a whole number 1–31, got ${day}`);
  return day;
}

// --- merging -------------------------------------------------------------------------------------

export interface MergedMessage<T> {
  personId: string;
  due: string;
  items: T[];
}

/**
 * Groups reminders for the same person on the same day into one message (one chat message a day
 * is kinder than five). Items keep their plan order inside a group; groups are sorted by date.
 * Items without `personId` belong to one anonymous person ("").
 */
export function mergeSameDay<T extends Pick<PlannedReminder, "due" | "ruleKey" | "occurrence"> & { personId?: string }>(
  items: readonly T[],
): MergedMessage<T>[] {
  const groups = new Map<string, MergedMessage<T>>();
  for (const item of sortPlan(items)) {
    const personId = item.personId ?? "";
    const key = `${personId}\u0000${item.due}`;
    let group = groups.get(key);
    if (!group) {
      group = { personId, due: item.due, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()].sort((a, b) => compareDates(a.due, b.due) || a.personId.localeCompare(b.personId));
}

/** The follow-up of a planned reminder as a sendable item (for merging with that day's others). */
export function followUpAsReminder(r: PlannedReminder): PlannedReminder | null {
  if (!r.followUp) return null;
  return {
    ruleKey: r.ruleKey,
    kind: r.kind,
    occurrence: `${r.occurrence}/follow-up`,
    due: r.followUp.due,
    until: r.followUp.until,
    messageKey: r.followUp.messageKey,
    vars: r.vars,
  };
}
