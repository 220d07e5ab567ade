// Replies to reminders (SUDAH, BELUM/TUNDA, which item SUDAH closes), the kader's TERLAMBAT
// list, and JAM (the hour reminders come).
import { eq, inArray } from "drizzle-orm";
import { children } from "../../children/index.js";
import { pickChoice, type Choice } from "../../conversation/choices.js";
import { z } from "zod";
import { stepState, type Flow } from "../../conversation/flows/flow.js";
import type { Handler, Turn } from "../../conversation/turn.js";
import { simplify } from "../../lib/input/index.js";
import { posyandu } from "../../health-units/health-units.sql.js";
import type { Fire } from "../planning.js";
import { changeSendHour, plansOf } from "../enrol.js";
import { formatDate } from "../render.js";
import { markDone, openReminders, overdueCoverage, overdueForPosyandu, snooze, type Occurrence } from "../replies.js";
import { reminderPlans } from "../reminders.sql.js";
import { posyanduLabel } from "../../health-units/label.js";
import { MESSAGE_KEYS, NOT_YET_RETRY_DAYS, ruleByKey } from "../rules.js";
import { allowedHours, isAllowedHour, type HourCommand } from "../send-hour.js";
import { hplFromHpht, sortPlan } from "../schedule.js";
import { NS, hourOf, twoDigits } from "./common.js";

// --- replies and commands -------------------------------------------------------------------

export async function reply(turn: Turn, intent: "done" | "notYet"): Promise<void> {
  const open = await openReminders(turn.rt, turn.tx, turn.contact.id);
  if (open.length === 0) return turn.say(`${NS}reply.nothing`);
  if (intent === "done") {
    const items = await openItems(turn, open);
    if (items.length === 1) return closeItems(turn, items);
    // A merged message asked about several things: SUDAH alone does not say which.
    turn.ask(`${NS}reply.which`, doneChoices(turn, items));
    await turn.setState(DONE_FLOW, "which", { items: items.map((i) => ({ label: i.label, occurrences: i.occurrences })) });
    return;
  }
  const result = await snooze(turn.rt, turn.tx, open);
  if (result.scheduled === 0 && result.pendingOn) return turn.say(`${NS}reply.alreadySnoozed`, { date: formatDate(result.pendingOn) });
  if (result.scheduled === 0 && result.limitReached > 0) return turn.say(`${NS}reply.limit`);
  turn.say(MESSAGE_KEYS.replyNotYet, { days: NOT_YET_RETRY_DAYS });
}

/** One thing a reminder message asked about: doses given at one visit count as one. */
interface OpenItem {
  label: string;
  occurrences: Occurrence[];
}

const DONE_FLOW = "reminders:done";
const ALL = "done:all";

/** The open reminders as the lines of the message that asked about them, each with its label. */
async function openItems(turn: Turn, open: Fire[]): Promise<OpenItem[]> {
  const planIds = [...new Set(open.map((f) => f.planId))];
  const names = new Map(
    (
      await turn.tx
        .select({ planId: reminderPlans.id, programme: reminderPlans.programme, name: children.name })
        .from(reminderPlans)
        .leftJoin(children, eq(children.id, reminderPlans.childId))
        .where(inArray(reminderPlans.id, planIds))
    ).map((r) => [r.planId, r.programme === "child" ? r.name : null]),
  );
  const groups = new Map<string, { fire: Fire; vaccines: string[]; occurrences: Occurrence[] }>();
  // In the order the message listed them.
  const ordered = sortPlan(open.map((f) => ({ ...f, due: f.dueDate }))) as Fire[];
  for (const f of ordered) {
    const key = f.kind === "immunization" ? `${f.planId}|${f.messageKey}` : `${f.planId}|${f.ruleKey}|${f.occurrence}`;
    const group = groups.get(key) ?? { fire: f, vaccines: [], occurrences: [] };
    if (!group.occurrences.some((o) => o.ruleKey === f.ruleKey && o.occurrence === f.occurrence)) {
      group.occurrences.push({ planId: f.planId, ruleKey: f.ruleKey, occurrence: f.occurrence });
      if (f.vars.vaccine !== undefined) group.vaccines.push(String(f.vars.vaccine));
    }
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => {
    const kind = ruleByKey(g.fire.ruleKey)?.kind ?? g.fire.kind;
    const vars = { ...g.fire.vars, ...(g.vaccines.length ? { vaccine: g.vaccines.join(", ") } : {}) };
    const what = turn.t(`${NS}overdue.what.${kind}`, vars);
    const name = names.get(g.fire.planId);
    return { label: name ? turn.t(`${NS}reply.itemOf`, { what, name }) : what, occurrences: g.occurrences };
  });
}

function doneChoices(turn: Turn, items: readonly Pick<OpenItem, "label">[]): Choice[] {
  return [...items.map((item, i) => ({ label: item.label, payload: `done:${i}` })), { label: turn.t(`${NS}reply.all`), payload: ALL }];
}

async function closeItems(turn: Turn, items: readonly OpenItem[]): Promise<void> {
  await markDone(
    turn.rt,
    turn.tx,
    items.flatMap((i) => i.occurrences),
  );
  turn.say(MESSAGE_KEYS.replyDoneItems, { items: items.map((i) => i.label).join("; ") });
}

/**
 * After SUDAH to a merged message: which item was done (or all). Anything else leaves the question
 * and goes to `handleOther` (the domain's handler: a command, BELUM …), else the question is asked again.
 */
const doneState = stepState("which", {
  items: z.array(
    z.object({ label: z.string(), occurrences: z.array(z.object({ planId: z.string(), ruleKey: z.string(), occurrence: z.string() })) }),
  ),
});

export const doneFlowFor = (handleOther: Handler): Flow<z.infer<typeof doneState>> => ({
  name: DONE_FLOW,
  state: doneState,
  start: (turn) => reply(turn, "done"),
  async step(turn, state) {
    const items: OpenItem[] = state.data.items;
    const choices = doneChoices(turn, items);
    const picked =
      pickChoice(turn.message, choices) ??
      (/^(semua|samunyaan|sabarataan|semua sudah|samunyaan hudah)$/.test(simplify(turn.text)) ? ALL : null);
    if (picked) {
      await turn.clearState();
      return closeItems(turn, picked === ALL ? items : [items[Number(picked.slice(5))]!]);
    }
    // Something else: leave the question and treat the message as new (a command, BELUM …).
    await turn.clearState();
    if (await handleOther(turn)) return;
    turn.ask(`${NS}reply.which`, choices);
    await turn.setState(DONE_FLOW, "which", { items });
  },
});

export async function overdue(turn: Turn): Promise<void> {
  const c = turn.contact;
  if (c.role !== "kader" || c.kaderStatus !== "active") return turn.say(`${NS}overdue.notKader`);
  if (!c.posyanduId) return turn.say(`${NS}overdue.noPosyandu`);
  const [unit] = await turn.tx.select({ name: posyandu.name }).from(posyandu).where(eq(posyandu.id, c.posyanduId));
  const items = await overdueForPosyandu(turn.rt, turn.tx, c.posyanduId);
  const label = posyanduLabel(unit?.name);
  const { followed, unchecked } = await overdueCoverage(turn.rt, turn.tx, c.posyanduId);
  // Children without reminders (parent not on Balanting) cannot be checked: say so, never "Bagus!".
  const uncheckedNote = unchecked > 0 ? [turn.t(`${NS}overdue.unchecked`, { count: unchecked })] : [];
  if (items.length === 0) {
    if (followed === 0) return turn.sayText([turn.t(`${NS}overdue.noData`, { posyandu: label }), ...uncheckedNote].join("\n"));
    return turn.sayText(
      [turn.t(unchecked > 0 ? `${NS}overdue.noneFollowed` : `${NS}overdue.none`, { posyandu: label }), ...uncheckedNote].join("\n"),
    );
  }
  const lines = items.map((item) => {
    const kind = ruleByKey(item.ruleKey)?.kind ?? "anc";
    const who =
      item.programme === "pregnancy"
        ? turn.t(`${NS}overdue.pregnant`, { hpl: formatDate(hplFromHpht(item.anchor)) })
        : item.programme === "postnatal"
          ? turn.t(`${NS}overdue.motherOf`, { name: item.childName ?? "" })
          : `${item.childName ?? ""} (${item.childCode ?? ""})`;
    const what = turn.t(`${NS}overdue.what.${kind}`, { ...item.vars });
    return turn.t(`${NS}overdue.item`, { who, what, until: formatDate(item.until) });
  });
  turn.sayText([turn.t(`${NS}overdue.header`, { posyandu: label, count: items.length }), ...lines, ...uncheckedNote].join("\n"));
}

/** JAM: tells the hour reminders come, or sets it (never inside quiet hours). */
export async function reminderHour(turn: Turn, command: HourCommand): Promise<void> {
  if ((await plansOf(turn.tx, { contactId: turn.contact.id })).length === 0) return turn.say(`${NS}hour.notEnrolled`);
  const { QUIET_HOURS_START: quietStart, QUIET_HOURS_END: quietEnd } = turn.rt.config;
  const allowed = allowedHours(quietStart, quietEnd);
  const range = {
    from: twoDigits(allowed.first),
    to: twoDigits(allowed.last),
    quietStart: twoDigits(quietStart),
    quietEnd: twoDigits(quietEnd),
  };
  if (command.kind === "show") return turn.say(`${NS}hour.current`, { ...range, hour: await hourOf(turn) });
  if (command.kind === "unreadable") return turn.say(`${NS}hour.unreadable`, range);
  if (!isAllowedHour(command.hour, quietStart, quietEnd)) {
    const text = turn.t(`${NS}hour.quiet`, { ...range, hour: twoDigits(command.hour) });
    // "JAM 5" is often said for five in the afternoon.
    const meant = command.bare && isAllowedHour(command.hour + 12, quietStart, quietEnd) ? command.hour + 12 : null;
    return turn.sayText(meant === null ? text : `${text}\n${turn.t(`${NS}hour.quietMeant`, { meant })}`);
  }
  await changeSendHour(turn.rt, turn.tx, turn.contact.id, command.hour);
  turn.say(`${NS}hour.saved`, { hour: twoDigits(command.hour) });
}
