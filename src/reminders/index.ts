// Public API of the first-1000-days reminder programme (rules as data, pure planning, send times).
export { REMINDER_KINDS, REMINDER_RULES, MESSAGE_KEYS, NOT_YET_RETRY_DAYS, immunizationRules, ruleByKey, rulesFor } from "./rules.js";
export type {
  Anchor,
  CalendarRule,
  FollowUpSpec,
  PosyanduRule,
  Programme,
  ReminderKind,
  ReminderRule,
  RuleConditions,
  SeriesBand,
  SeriesRule,
  WindowRule,
} from "./rules.js";
export {
  PREGNANCY_DAYS,
  followUpAsReminder,
  followUpWindow,
  gestationalAge,
  hphtFromHpl,
  hphtFromWeeks,
  hplFromHpht,
  mergeSameDay,
  planChild,
  planPostnatal,
  planPregnancy,
  sortPlan,
  trimesterOf,
} from "./schedule.js";
export type {
  ChildInput,
  GestationalAge,
  MergedMessage,
  PlannedFollowUp,
  PlannedReminder,
  PostnatalInput,
  PregnancyInput,
  ReminderVars,
  Sex,
} from "./schedule.js";
export { isQuietHour, sendTimeFor } from "./send-time.js";
export type { SendTimeInput } from "./send-time.js";
export { combineDoses, formatDate, renderMerged, renderReminder } from "./render.js";
export type { RenderOptions } from "./render.js";
export { WITA, addOffset, ageInCompletedMonths, dayInMonth, isLocalDate, localDateOf, parseLocalDate, InvalidDateError } from "./dates.js";
export type { Offset } from "./dates.js";
export { syncPosyanduDays } from "./posyandu-day.js";
export { correctBirthDate } from "./enrol.js";
export type { PosyanduDayScope, PosyanduDaySync } from "./posyandu-day.js";
export { remindersOfChild } from "./child-view.js";
export type { ChildReminder, ChildReminders } from "./child-view.js";
