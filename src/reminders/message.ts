// One chat message for everything a person is reminded of at one time: one item as is, several
// under a header as a list (schedule.ts mergeSameDay's rule: one message a day is kinder than
// five). Items of different children carry each child's own name.
import type { Button } from "../channels/channel.js";
import type { I18n, Lang } from "../i18n/index.js";
import { combineDoses, formatDate, renderReminder } from "./render.js";
import { MESSAGE_KEYS, type ReminderKind } from "./rules.js";
import { sortPlan, type ReminderVars } from "./schedule.js";

export interface RenderItem {
  planId: string;
  ruleKey: string;
  occurrence: string;
  kind: string;
  due: string;
  messageKey: string;
  vars: ReminderVars;
  childName?: string;
}

/** Payloads of the reply buttons under a reminder that can be confirmed. */
export const REPLY_DONE = "rem:done";
export const REPLY_NOT_YET = "rem:notyet";

const buttonsCache = new WeakMap<I18n, Map<Lang, Button[]>>();

export function replyButtons(i18n: I18n, lang: Lang): Button[] {
  let byLang = buttonsCache.get(i18n);
  if (!byLang) buttonsCache.set(i18n, (byLang = new Map<Lang, Button[]>()));
  let buttons = byLang.get(lang);
  if (!buttons) {
    buttons = [
      { label: i18n.t(lang, "reminders:chat.buttons.done"), payload: REPLY_DONE },
      { label: i18n.t(lang, "reminders:chat.buttons.notYet"), payload: REPLY_NOT_YET },
    ];
    byLang.set(lang, buttons);
  }
  return buttons.map((b) => ({ ...b }));
}

// Thousands of families get the same text on a morning (same week of pregnancy, same tip): one
// rendering per distinct text, not per family. Texts with a child's name are rendered each time.
const lineCache = new Map<string, string>();
const LINE_CACHE_LIMIT = 5_000;

function renderLine(i18n: I18n, lang: Lang, item: RenderItem & { kind: ReminderKind }): string {
  if (item.childName) return renderReminder(i18n, lang, item, { name: item.childName });
  const key = `${lang}|${item.messageKey}|${JSON.stringify(item.vars)}`;
  let line = lineCache.get(key);
  if (line === undefined) {
    line = renderReminder(i18n, lang, item);
    if (lineCache.size >= LINE_CACHE_LIMIT) lineCache.clear();
    lineCache.set(key, line);
  }
  return line;
}

export function renderMessage(i18n: I18n, lang: Lang, items: readonly RenderItem[], today: string): string {
  const lines: string[] = [];
  const byPlan = new Map<string, RenderItem[]>();
  for (const item of items.length > 1 ? sortPlan(items) : items) byPlan.set(item.planId, [...(byPlan.get(item.planId) ?? []), item]);
  for (const group of byPlan.values()) {
    // Doses given at one visit become one line ("DPT-HB-Hib 1, Polio tetes (OPV) 2, …").
    for (const item of combineDoses(group.map((g) => ({ ...g, kind: g.kind as ReminderKind })))) {
      lines.push(renderLine(i18n, lang, item));
    }
  }
  if (lines.length === 1) return lines[0]!;
  const header = i18n.t(lang, MESSAGE_KEYS.mergedHeader, { date: formatDate(today) });
  return [header, ...lines.map((text) => i18n.t(lang, MESSAGE_KEYS.mergedItem, { text }))].join("\n");
}
