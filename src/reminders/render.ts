// Turns planned reminders into chat text with i18next. Dates in vars are ISO "YYYY-MM-DD" and are
// shown as "12 Maret 2026" (Banjar uses the Indonesian month names).
import type { I18n, Lang } from "../i18n/index.js";
import { MESSAGE_KEYS } from "./rules.js";
import type { PlannedReminder, ReminderVars } from "./schedule.js";

export interface RenderOptions {
  /** Child's name; defaults to "si kecil" / "anak pian". */
  name?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_FORMAT = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

// Intl formatting costs tens of microseconds; a morning's messages share a few hundred dates.
const formatted = new Map<string, string>();

export function formatDate(iso: string): string {
  let text = formatted.get(iso);
  if (text === undefined) {
    text = DATE_FORMAT.format(new Date(`${iso}T00:00:00Z`));
    if (formatted.size > 5000) formatted.clear();
    formatted.set(iso, text);
  }
  return text;
}

function textVars(i18n: I18n, lang: Lang, vars: ReminderVars, options: RenderOptions): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = typeof v === "string" && ISO_DATE.test(v) ? formatDate(v) : v;
  out.name = options.name ?? i18n.t(lang, MESSAGE_KEYS.defaultChildName);
  return out;
}

type Renderable = Pick<PlannedReminder, "messageKey" | "vars" | "kind" | "due">;

export function renderReminder(i18n: I18n, lang: Lang, r: Renderable, options: RenderOptions = {}): string {
  return i18n.t(lang, r.messageKey, textVars(i18n, lang, r.vars, options));
}

/**
 * One chat message for a same-day group (see mergeSameDay): a single item as is, several as a
 * header and a bullet list. Vaccine doses with the same text become one line ("BCG, Polio tetes
 * (OPV) 1"), because they are given at the same visit.
 */
export function renderMerged(i18n: I18n, lang: Lang, items: readonly Renderable[], options: RenderOptions = {}): string {
  const lines = combineDoses(items).map((r) => renderReminder(i18n, lang, r, options));
  if (lines.length === 1) return lines[0]!;
  const due = items[0]?.due ?? "";
  const header = i18n.t(lang, MESSAGE_KEYS.mergedHeader, { date: due ? formatDate(due) : "" });
  return [header, ...lines.map((text) => i18n.t(lang, MESSAGE_KEYS.mergedItem, { text }))].join("\n");
}

export function combineDoses<T extends Renderable>(items: readonly T[]): T[] {
  const out: T[] = [];
  const byKey = new Map<string, T>();
  for (const item of items) {
    if (item.kind !== "immunization") {
      out.push(item);
      continue;
    }
    const seen = byKey.get(item.messageKey);
    if (!seen) {
      const copy = { ...item, vars: { ...item.vars } };
      byKey.set(item.messageKey, copy);
      out.push(copy);
      continue;
    }
    seen.vars.vaccine = `${String(seen.vars.vaccine)}, ${String(item.vars.vaccine)}`;
    // The combined visit must happen by the earliest window end.
    if (typeof item.vars.until === "string" && typeof seen.vars.until === "string" && item.vars.until < seen.vars.until) {
      seen.vars.until = item.vars.until;
    }
  }
  return out;
}
