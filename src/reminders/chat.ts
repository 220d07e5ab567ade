// The reminder conversations: enrolment after registration (enrol:pregnant, enrol:parent),
// corrections (HPHT/HPL <tanggal>), SUDAH LAHIR, KEGUGURAN / BAYI MENINGGAL (confirmed first),
// replies to reminders (SUDAH, BELUM/TUNDA), JAM (the hour reminders come) and the kader's TERLAMBAT list.
import { eq, inArray } from "drizzle-orm";
import { isUnderFive } from "../children/balita.js";
import { children, type Child } from "../children/index.js";
import { linkByCode, linkByPhone } from "../children/link-chat.js";
import { verifiedPhonesOf } from "../children/linking.js";
import { pickChoice, type Choice } from "../conversation/choices.js";
import type { ConversationDomain } from "../conversation/domain.js";
import { NO, YES, yesNo, yesNoAnswer, type Flow } from "../conversation/flows/flow.js";
import type { Turn } from "../conversation/turn.js";
import { CHILD_CODE_PATTERN, isNewChildCommand, NEW_CHILD_WORDS, parseLooseDate, parsePregnancyAge, readSex, simplify, type Sex } from "../lib/input/index.js";
import { posyandu } from "../health-units/health-units.sql.js";
import { compareDates, daysBetween } from "./dates.js";
import type { Fire } from "./planning.js";
import { localToday } from "./send-at.js";
import {
  changeSendHour,
  childrenOf,
  chosenHourOf,
  currentPregnancy,
  enrolChild,
  enrolPregnancy,
  plansOf,
  recordBirth,
  recordChildLoss,
  recordPregnancyLoss,
} from "./enrol.js";
import { REPLY_DONE, REPLY_NOT_YET } from "./message.js";
import { formatDate } from "./render.js";
import { markDone, openReminders, overdueCoverage, overdueForPosyandu, snooze, type Occurrence } from "./replies.js";
import { reminderPlans } from "./reminders.sql.js";
import { posyanduLabel } from "../health-units/label.js";
import { MESSAGE_KEYS, NOT_YET_RETRY_DAYS, ruleByKey } from "./rules.js";
import { allowedHours, isAllowedHour, parseHourCommand, type HourCommand } from "./send-hour.js";
import { gestationalAge, hphtFromHpl, hphtFromWeeks, hplFromHpht, sortPlan } from "./schedule.js";

const NS = "reminders:chat.";
/** An ongoing pregnancy has HPHT at most 44 weeks back (post-term limit: HPL is 40 weeks after HPHT, Naegele). */
const MAX_PREGNANCY_DAYS = 44 * 7;
/** Told at once when the HPHT given is this many weeks back or more (post-term, rules.ts post-term-41). */
const POST_TERM_ALERT_WEEKS = 41;

/**
 * A child code typed instead of a birth date: 4 characters from the code alphabet (older codes,
 * some letters only), or 5–8 mixing letters and digits (new codes), and not readable as a date.
 */
function looksLikeChildCode(word: string, today: string): boolean {
  if (!CHILD_CODE_PATTERN.test(word)) return false;
  if (word.length > 4 && !(/\d/.test(word) && /[A-Z]/.test(word))) return false;
  return "error" in readBirthDate(word, today);
}


const DONE_WORDS = new Set(["sudah", "sdh", "sudh", "sdah", "udah", "udh", "dah", "hudah", "sampun", "done"]);
const NOT_YET_WORDS = new Set(["belum", "blm", "blum", "belom", "balum", "baluman", "tunda", "nanti", "nnti", "kaina", "kena"]);
const BIRTH_WORDS = /^(sudah|sdh|udah|udh|hudah) (lahir|melahirkan|beranak|baranak|lahiran)\b/;

export type ReplyIntent = "done" | "notYet" | null;

/** SUDAH / BELUM / TUNDA as a short answer (a longer sentence goes to the FAQ instead). */
export function replyIntent(text: string, payload?: string): ReplyIntent {
  if (payload === REPLY_DONE) return "done";
  if (payload === REPLY_NOT_YET) return "notYet";
  const s = simplify(text);
  if (!s || BIRTH_WORDS.test(s)) return null;
  const words = s.split(" ");
  if (words.length > 4) return null;
  if (DONE_WORDS.has(words[0]!)) return "done";
  if (NOT_YET_WORDS.has(words[0]!)) return "notYet";
  return null;
}

function sexChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t(`${NS}sex.L`), payload: "sex:L" },
    { label: turn.t(`${NS}sex.P`), payload: "sex:P" },
  ];
}

/** The local hour this contact's reminders come ("08"): their JAM choice, else REMINDER_HOUR. */
async function hourOf(turn: Turn): Promise<string> {
  return twoDigits((await chosenHourOf(turn.tx, turn.contact.id)) ?? turn.rt.config.REMINDER_HOUR);
}

function twoDigits(hour: number): string {
  return String(hour).padStart(2, "0");
}

// --- pregnancy ------------------------------------------------------------------------------

type AnchorParse = { hpht: string } | { error: "unreadable" | "range" } | { unknown: true };

/** HPHT from "15-03-2026", "HPL 20-12-2026", "HPHT 1 maret", "12 minggu" (today = WITA date). */
export function readPregnancyAnchor(text: string, today: string): AnchorParse {
  const s = simplify(text);
  if (/^(tidak tahu|tdk tahu|gak tahu|ga tau|tidak tau|kada tahu|kada tahu ulun|ulun kada tahu|kada tau|lupa|belum tahu|balum tahu)\b/.test(s)) return { unknown: true };
  let hpht: string | null = null;
  const hpl = /^(?:hpl|tp|taksiran persalinan|perkiraan lahir)\s+(.+)$/.exec(s);
  if (hpl) {
    const date = parseLooseDate(hpl[1]!, today, "future");
    if (date) hpht = hphtFromHpl(date);
  } else {
    const rest = s.replace(/^(?:hpht|haid terakhir|mens terakhir)\s+/, "");
    const age = parsePregnancyAge(rest);
    if (age && age.weeks <= 44) hpht = hphtFromWeeks(age.weeks, today, Math.min(age.days, 6));
    else {
      const date = parseLooseDate(rest, today, "past");
      if (date) hpht = date;
    }
  }
  if (!hpht) return { error: "unreadable" };
  const days = daysBetween(hpht, today);
  if (days < 0 || days > MAX_PREGNANCY_DAYS) return { error: "range" };
  return { hpht };
}

async function savePregnancy(turn: Turn, hpht: string): Promise<void> {
  const today = localToday(turn.rt, turn.now);
  const { corrected } = await enrolPregnancy(turn.rt, turn.tx, turn.contact, hpht);
  const age = gestationalAge(hpht, today);
  turn.say(corrected ? `${NS}pregnant.corrected` : `${NS}pregnant.enrolled`, {
    hpht: formatDate(hpht),
    hpl: formatDate(hplFromHpht(hpht)),
    weeks: age.weeks,
    days: age.days,
    hour: await hourOf(turn),
  });
  // Past HPL by a week or more and still pregnant: that is today's business, not a later reminder.
  if (age.weeks >= POST_TERM_ALERT_WEEKS) turn.say(`${NS}pregnant.postTerm`, { weeks: age.weeks, days: age.days });
}

export const pregnantEnrolFlow: Flow = {
  name: "enrol:pregnant",
  async start(turn) {
    turn.say(`${NS}pregnant.ask`);
    await turn.setState("enrol:pregnant", "anchor");
  },
  async step(turn) {
    const read = readPregnancyAnchor(turn.text, localToday(turn.rt, turn.now));
    if ("unknown" in read) {
      await turn.clearState();
      return turn.say(`${NS}pregnant.unknown`);
    }
    if ("error" in read) return turn.say(read.error === "range" ? `${NS}pregnant.range` : `${NS}pregnant.retry`);
    await turn.clearState();
    await savePregnancy(turn, read.hpht);
  },
};

// --- children -------------------------------------------------------------------------------

type BirthParse = { birthDate: string } | { error: "unreadable" | "future" | "old" };

export function readBirthDate(text: string, today: string): BirthParse {
  const date = parseLooseDate(text, today, "past");
  if (!date) return { error: "unreadable" };
  if (compareDates(date, today) > 0) return { error: "future" };
  if (!isUnderFive(date, today)) return { error: "old" };
  return { birthDate: date };
}

async function askMoreChildren(turn: Turn, key: string, vars: Record<string, unknown>): Promise<void> {
  turn.ask(key, yesNo(turn), vars);
  await turn.setState("enrol:parent", "more");
}

export const parentEnrolFlow: Flow = {
  name: "enrol:parent",
  async start(turn) {
    // A kader may have registered the person's children with their phone already: linked now.
    const linked = await linkByPhone(turn.rt, turn.tx, turn.contact, await verifiedPhonesOf(turn.tx, turn.contact.id));
    for (const child of linked) turn.say(`${NS}parent.linkedByPhone`, { name: child.name, birth: formatDate(child.birthDate), code: child.code });
    turn.say(linked.length > 0 ? `${NS}parent.askNext` : `${NS}parent.ask`);
    await turn.setState("enrol:parent", "child");
  },
  async step(turn) {
    const data = turn.state?.data ?? {};
    const today = localToday(turn.rt, turn.now);
    switch (turn.state?.step) {
      case "child": {
        const code = turn.text.toUpperCase().replace(/^KODE\s+/, "").trim();
        if (looksLikeChildCode(code, today)) {
          // The code alone never links: children/linking.ts decides (verified phone, or the kader confirms).
          const child = await linkByCode(turn, code);
          if (!child) return;
          return askMoreChildren(turn, `${NS}parent.linked`, { name: child.name, birth: formatDate(child.birthDate) });
        }
        const read = readBirthDate(turn.text, today);
        if ("error" in read) return turn.say(`${NS}parent.${read.error === "unreadable" ? "retry" : read.error}`);
        turn.say(`${NS}parent.askName`);
        await turn.setState("enrol:parent", "name", { birthDate: read.birthDate });
        return;
      }
      case "name": {
        const name = turn.text.slice(0, 60).trim();
        if (!name) return turn.say(`${NS}parent.askName`);
        turn.ask(`${NS}parent.askSex`, sexChoices(turn), { name });
        await turn.setState("enrol:parent", "sex", { ...data, name });
        return;
      }
      case "sex": {
        const sex = readSex(turn.text, turn.message.payload);
        if (!sex) return turn.ask(`${NS}parent.askSex`, sexChoices(turn), { name: data.name });
        const child = await enrolChild(turn.rt, turn.tx, turn.contact, { birthDate: data.birthDate as string, name: data.name as string, sex });
        return askMoreChildren(turn, `${NS}parent.enrolled`, { name: child.name, birth: formatDate(child.birthDate), code: child.code });
      }
      case "more": {
        const answer = yesNoAnswer(turn) ?? (replyIntent(turn.text) === "notYet" ? NO : null);
        if (answer === YES) {
          turn.say(`${NS}parent.askNext`);
          await turn.setState("enrol:parent", "child");
          return;
        }
        if (answer === NO) {
          await turn.clearState();
          return turn.say(`${NS}parent.done`, { hour: await hourOf(turn) });
        }
        return turn.ask(`${NS}parent.more`, yesNo(turn));
      }
      default:
        await turn.clearState();
    }
  },
};

// --- birth ----------------------------------------------------------------------------------

export const birthFlow: Flow = {
  name: "reminders:birth",
  async start(turn) {
    turn.say(`${NS}birth.askDate`);
    await turn.setState("reminders:birth", "date");
  },
  async step(turn) {
    const data = turn.state?.data ?? {};
    const today = localToday(turn.rt, turn.now);
    switch (turn.state?.step) {
      case "date": {
        const read = readBirthDate(turn.text, today);
        if ("error" in read) return turn.say(`${NS}birth.retry`);
        turn.ask(`${NS}birth.askSex`, sexChoices(turn));
        await turn.setState("reminders:birth", "sex", { birthDate: read.birthDate });
        return;
      }
      case "sex": {
        const sex = readSex(turn.text, turn.message.payload);
        if (!sex) return turn.ask(`${NS}birth.askSex`, sexChoices(turn));
        turn.say(`${NS}birth.askName`);
        await turn.setState("reminders:birth", "name", { ...data, sex });
        return;
      }
      case "name": {
        const typed = turn.text.slice(0, 60).trim();
        if (!typed) return turn.say(`${NS}birth.askName`);
        const name = /^(bayi|baby|bayi ny\.?|belum ada|balum ada|blm ada)$/i.test(typed) ? turn.t(`${NS}birth.defaultName`) : typed;
        await turn.clearState();
        const child = await recordBirth(turn.rt, turn.tx, turn.contact, { birthDate: data.birthDate as string, sex: data.sex as Sex, name });
        return turn.say(`${NS}birth.done`, { name: child.name, code: child.code });
      }
      default:
        await turn.clearState();
    }
  },
};

// --- loss -----------------------------------------------------------------------------------

function childChoices(list: Child[]): Choice[] {
  return list.map((c) => ({ label: `${c.name} (${formatDate(c.birthDate)})`, payload: `child:${c.id}` }));
}

async function confirmChildLoss(turn: Turn, child: Child): Promise<void> {
  turn.ask(`${NS}loss.confirmChild`, yesNo(turn), { name: child.name });
  await turn.setState("reminders:loss", "confirm", { kind: "child", childId: child.id });
}

export const lossFlow: Flow = {
  name: "reminders:loss",
  // KEGUGURAN and BAYI MENINGGAL enter through startLoss, which knows which loss was told.
  start: (turn) => startLoss(turn, "pregnancy"),
  async step(turn) {
    const data = turn.state?.data ?? {};
    if (turn.state?.step === "choose") {
      const list = await childrenOf(turn.tx, turn.contact.id);
      const picked = pickChoice(turn.message, childChoices(list));
      const child = list.find((c) => `child:${c.id}` === picked);
      if (!child) return turn.ask(`${NS}loss.chooseChild`, childChoices(list));
      return confirmChildLoss(turn, child);
    }
    const answer = yesNoAnswer(turn);
    if (answer === NO) {
      await turn.clearState();
      return turn.say(`${NS}loss.kept`);
    }
    if (answer !== YES) return turn.ask(data.kind === "child" ? `${NS}loss.confirmChild` : `${NS}loss.confirmPregnancy`, yesNo(turn), { name: data.name });
    await turn.clearState();
    if (data.kind === "pregnancy") {
      await recordPregnancyLoss(turn.rt, turn.tx, turn.contact);
      return turn.say(MESSAGE_KEYS.lossPregnancy);
    }
    const child = (await childrenOf(turn.tx, turn.contact.id)).find((c) => c.id === data.childId);
    const result = child ? await recordChildLoss(turn.rt, turn.tx, child) : { postnatalContinues: false };
    turn.say(result.postnatalContinues ? MESSAGE_KEYS.lossChildPostnatal : MESSAGE_KEYS.lossChild);
  },
};

async function startLoss(turn: Turn, kind: "pregnancy" | "child"): Promise<void> {
  if (kind === "pregnancy") {
    if (!(await currentPregnancy(turn.tx, turn.contact.id))) return turn.say(`${NS}loss.noPregnancy`);
    turn.ask(`${NS}loss.confirmPregnancy`, yesNo(turn));
    await turn.setState("reminders:loss", "confirm", { kind });
    return;
  }
  const list = await childrenOf(turn.tx, turn.contact.id);
  if (list.length === 0) return turn.say(`${NS}loss.noChild`);
  if (list.length === 1) return confirmChildLoss(turn, list[0]!);
  turn.ask(`${NS}loss.chooseChild`, childChoices(list));
  await turn.setState("reminders:loss", "choose", { kind });
}

// --- replies and commands -------------------------------------------------------------------

async function reply(turn: Turn, intent: "done" | "notYet"): Promise<void> {
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
  await markDone(turn.rt, turn.tx, items.flatMap((i) => i.occurrences));
  turn.say(MESSAGE_KEYS.replyDoneItems, { items: items.map((i) => i.label).join("; ") });
}

/** After SUDAH to a merged message: which item was done (or all). */
export const doneFlow: Flow = {
  name: DONE_FLOW,
  start: (turn) => reply(turn, "done"),
  async step(turn) {
    const items = (turn.state?.data.items ?? []) as OpenItem[];
    const choices = doneChoices(turn, items);
    const picked = pickChoice(turn.message, choices) ?? (/^(semua|samunyaan|sabarataan|semua sudah|samunyaan hudah)$/.test(simplify(turn.text)) ? ALL : null);
    if (picked) {
      await turn.clearState();
      return closeItems(turn, picked === ALL ? items : [items[Number(picked.slice(5))]!]);
    }
    // Something else: leave the question and treat the message as new (a command, BELUM …).
    await turn.clearState();
    if (await reminderHandler(turn)) return;
    turn.ask(`${NS}reply.which`, choices);
    await turn.setState(DONE_FLOW, "which", { items });
  },
};

async function overdue(turn: Turn): Promise<void> {
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
    return turn.sayText([turn.t(unchecked > 0 ? `${NS}overdue.noneFollowed` : `${NS}overdue.none`, { posyandu: label }), ...uncheckedNote].join("\n"));
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
async function reminderHour(turn: Turn, command: HourCommand): Promise<void> {
  if ((await plansOf(turn.tx, { contactId: turn.contact.id })).length === 0) return turn.say(`${NS}hour.notEnrolled`);
  const { QUIET_HOURS_START: quietStart, QUIET_HOURS_END: quietEnd } = turn.rt.config;
  const allowed = allowedHours(quietStart, quietEnd);
  const range = { from: twoDigits(allowed.first), to: twoDigits(allowed.last), quietStart: twoDigits(quietStart), quietEnd: twoDigits(quietEnd) };
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

function requireRegistered(turn: Turn): boolean {
  if (turn.contact.registeredAt) return true;
  turn.say(`${NS}notRegistered`);
  return false;
}

/** JAM: works at any moment, even in the middle of another dialogue (which then resumes). */
export async function reminderHourHandler(turn: Turn): Promise<boolean> {
  const hourCommand = parseHourCommand(turn.text);
  if (!hourCommand) return false;
  if (requireRegistered(turn)) await reminderHour(turn, hourCommand);
  return true;
}

const LOSS_OF_PREGNANCY = ["keguguran", "kaguguran", "keguguran kandungan", "gugur kandungan"];
const LOSS_OF_CHILD = ["bayi", "anak", "baby"].flatMap((who) => ["meninggal", "maninggal", "wafat", "mati", "meninggal dunia", "maninggal dunia"].map((w) => `${who} ${w}`));
const OVERDUE = ["terlambat", "talambat", "telat", "yang terlambat"];

/** Commands and replies of the reminder domain; false when the message is not for us. */
export async function reminderHandler(turn: Turn): Promise<boolean> {
  const s = simplify(turn.text);
  const today = localToday(turn.rt, turn.now);

  const correction = /^(hpht|hpl)\s+\S/.exec(s);
  if (correction) {
    if (!requireRegistered(turn)) return true;
    const read = readPregnancyAnchor(s, today);
    if ("unknown" in read) turn.say(`${NS}pregnant.unknown`);
    else if ("error" in read) turn.say(read.error === "range" ? `${NS}pregnant.range` : `${NS}pregnant.retry`);
    else await savePregnancy(turn, read.hpht);
    return true;
  }
  const birth = BIRTH_WORDS.exec(s);
  if (birth) {
    if (!requireRegistered(turn)) return true;
    const rest = s.slice(birth[0].length).trim();
    const read = rest ? readBirthDate(rest, today) : null;
    if (read && "birthDate" in read) {
      turn.ask(`${NS}birth.askSex`, sexChoices(turn));
      await turn.setState("reminders:birth", "sex", { birthDate: read.birthDate });
    } else {
      await birthFlow.start(turn);
    }
    return true;
  }
  if (LOSS_OF_PREGNANCY.includes(s)) {
    if (requireRegistered(turn)) await startLoss(turn, "pregnancy");
    return true;
  }
  if (LOSS_OF_CHILD.includes(s)) {
    if (requireRegistered(turn)) await startLoss(turn, "child");
    return true;
  }
  if (isNewChildCommand(s)) {
    if (requireRegistered(turn)) await parentEnrolFlow.start(turn);
    return true;
  }
  if (OVERDUE.includes(s)) {
    await overdue(turn);
    return true;
  }
  const intent = replyIntent(turn.text, turn.message.payload);
  if (intent) {
    await reply(turn, intent);
    return true;
  }
  return false;
}

/**
 * The reminder domain in the conversation. A parent's ANAK BARU adds their own child (a kader's
 * registers one at the posyandu: growth). JAM works at any moment, even inside another dialogue.
 */
export const reminderConversation: ConversationDomain = {
  name: "reminders",
  flows: [pregnantEnrolFlow, parentEnrolFlow, birthFlow, lossFlow, doneFlow],
  handlers: [reminderHandler],
  globalHandlers: [reminderHourHandler],
  keywords: [
    { words: NEW_CHILD_WORDS, roles: ["parent", "pregnant", "unregistered"] },
    { words: [...LOSS_OF_PREGNANCY, ...LOSS_OF_CHILD, ...OVERDUE], prefixes: ["hpht", "hpl", "jam", "jm", "pukul", "pkl", ...DONE_WORDS, ...NOT_YET_WORDS] },
  ],
};
