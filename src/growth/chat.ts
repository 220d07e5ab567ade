// Growth monitoring by chat for approved kader: ANAK BARU, UKUR (one-liners, several lines, or a
// guided dialogue), confirmation of implausible values, BATAL UKUR, RIWAYAT, CARI, KEMBAR, HAMIL;
// and TERIMA/HASIL for puskesmas staff answering a referral. Texts: locales/*/growth.json.
import { and, asc, eq, ilike, or } from "drizzle-orm";
import { accountForContact } from "../admin/chat-link.js";
import { principalOf } from "../admin/accounts.js";
import { whereInScope, type ScopePrincipal } from "../admin/scope.js";
import { children, insertChild, isValidNik, pregnancies, type Child } from "../children/index.js";
import { contactChannels, contacts } from "../contacts/contacts.sql.js";
import { pickChoice, type Choice } from "../conversation/choices.js";
import type { ConversationDomain } from "../conversation/domain.js";
import type { Flow } from "../conversation/flows/flow.js";
import type { Turn } from "../conversation/turn.js";
import { CODE_CHAR, decimal, isNewChildCommand, isSkip, NEW_CHILD_WORDS, readDecimal, readSex, readYesNo, tidy } from "../lib/input/index.js";
import type { DbOrTx } from "../db/client.js";
import { maternalResultRecorded } from "../reminders/maternal.js";
import { maternalMeasurements, REFERRAL_OUTCOMES, referrals, type ReferralOutcome } from "./growth.sql.js";
import { isParseError, parseReport, parseReports, type KaderReport, type ParseResult } from "./parse.js";
import { isBlocking, plausibilityKey, type PlausibilityWarning } from "./plausibility.js";
import { acknowledgeReferral, createReferral, reasonsText, recordReferralOutcome, referralRulesOf } from "./referrals.js";
import {
  ageText,
  cancelMeasurement,
  childById,
  childHistory,
  evaluateReport,
  lastUndoableReport,
  renderAssessment,
  reportValues,
  storeReport,
  type Evaluation,
  type ReportValues,
} from "./reports.js";
import { checkBirthDate, formatDate, formatNumber, localDate, maternalFlags, normalisePhone } from "./rules.js";

const CONFIRM_FLOW = "growth:confirm";
const CHILD_FLOW = "growth:child";
const UKUR_FLOW = "growth:ukur";
const MATERNAL_FLOW = "growth:maternal";

const today = (turn: Turn): string => localDate(turn.now, turn.rt.config.TIMEZONE);

/** A report assessed with the weighing referral rules in force (the Pokja's setting or the default). */
async function evaluate(turn: Turn, child: Child, values: ReportValues): Promise<Evaluation> {
  const { rules } = await referralRulesOf(turn.tx, turn.rt.config.GROWTH_REFERRAL_RULES);
  return evaluateReport(turn.tx, child, values, today(turn), { rules });
}

const simple = tidy;

type Command =
  | { kind: "new-child" }
  | { kind: "twin"; code: string }
  | { kind: "report"; results: ParseResult[] }
  | { kind: "guided-report" }
  | { kind: "undo" }
  | { kind: "history"; code: string }
  | { kind: "search"; query: string }
  | { kind: "maternal"; rest: string }
  | { kind: "referral"; action: "ack" | "outcome"; number: number; rest: string };

const UKUR_WORD = /^(?:ukur|ukor|ukr|ukurr)\b/i;
// A line may start with the child's code instead of UKUR ("A7K2 BB 8,2"). The parser only takes a
// leading code that mixes letters and digits; codes.ts gives kader-registered children such codes,
// but children registered elsewhere may have KMPQ or 8684. So a leading word in the code alphabet
// (children/index.ts: no 0/O, 1/I) gets UKUR put in front when the line then reads as a complete
// report ("cara ukur tinggi bayi" does not) and the word is not one a sentence often starts with.
const CODE_FIRST = new RegExp(`^(${CODE_CHAR}{4,8})(?=\\s)`, "i");
const NOT_CODES = new Set(["ANAK", "BAYI", "LILA", "HARI", "PAGI", "SAYA", "ULUN", "UMUR", "BARU", "DATA", "TADI"]);
function withUkur(line: string): string {
  const m = CODE_FIRST.exec(line);
  if (!m || NOT_CODES.has((m[1] as string).toUpperCase()) || UKUR_WORD.test(line)) return line;
  return isParseError(parseReport(`UKUR ${line}`)) ? line : `UKUR ${line}`;
}

const UNDO_VERBS = ["batal", "batalkan", "hapus", "urungkan"];
const UNDO_OBJECTS = ["ukur", "ukuran", "laporan", "lapor", "kiriman"];
const UNDO = new RegExp(`^(?:${UNDO_VERBS.join("|")}) (?:${UNDO_OBJECTS.join("|")})(?: terakhir| tadi)?$`);

/** What a message asks of the growth module, or null when it is not about it. */
export function parseGrowthCommand(text: string): Command | null {
  const s = simple(text);
  if (isNewChildCommand(s)) return { kind: "new-child" };
  let m = /^(?:kembar|kembaran) ([a-z0-9]{4,8})$/.exec(s);
  if (m) return { kind: "twin", code: (m[1] as string).toUpperCase() };
  if (/^(?:ukur|ukor|ukr)$/.test(s)) return { kind: "guided-report" };
  // "BATAL" alone is the conversation's cancel command (router.ts); these name the report.
  if (UNDO.test(s) || /^(?:batalkan|batal)$/.test(s)) return { kind: "undo" };
  m = /^riwayat ([a-z0-9-]{2,20})$/.exec(s);
  if (m) return { kind: "history", code: (m[1] as string).toUpperCase() };
  m = /^cari (.{2,60})$/.exec(s);
  if (m) return { kind: "search", query: (m[1] as string).trim() };
  // Only with a phone number: "bumil hrs periksa brp kali" is a question for the FAQ.
  m = /^(?:hamil|bumil|batianan) ([+\d][\d -]{7,}.*)$/.exec(s);
  if (m) return { kind: "maternal", rest: m[1] as string };
  m = /^(?:terima|hasil) r-? ?(\d{1,9})\b ?(.*)$/.exec(s);
  if (m) return { kind: "referral", action: s.startsWith("terima") ? "ack" : "outcome", number: Number(m[1]), rest: m[2] as string };
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const results = parseReports(lines.map(withUkur).join("\n"));
  if (results.length > 0 && (lines.some((l) => UKUR_WORD.test(l)) || results.some((r) => !isParseError(r)))) return { kind: "report", results };
  return null;
}

interface Kader {
  principal: ScopePrincipal;
  posyanduId: string;
  desaCode: string | null;
}

/** The kader's working area, or null after telling the person why they cannot use this yet. */
function kaderOf(turn: Turn, command: Command): Kader | null {
  const c = turn.contact;
  if (!turn.staffRolesAllowed) {
    turn.say("conversation:staff_not_on_web");
    return null;
  }
  if (c.role === "kader" && c.kaderStatus === "active" && c.posyanduId) {
    return { principal: { role: "kader", posyanduId: c.posyanduId, puskesmasId: null, desaCode: null }, posyanduId: c.posyanduId, desaCode: c.desaCode };
  }
  if (c.role === "kader" && c.kaderStatus === "pending") turn.say("growth:chat.kader_pending");
  else if (c.role === "kader") turn.say("growth:chat.kader_inactive");
  else turn.say(command.kind === "report" || command.kind === "guided-report" ? "growth:chat.only_kader_report" : "growth:chat.only_kader");
  return null;
}

async function childInPosyandu(db: DbOrTx, kader: Kader, code: string): Promise<Child | undefined> {
  const [row] = await db
    .select()
    .from(children)
    .where(and(eq(children.code, code.toUpperCase()), whereInScope(kader.principal, { posyanduId: children.posyanduId })));
  return row;
}

// --- reports ---------------------------------------------------------------------------------

function warningText(turn: Turn, w: PlausibilityWarning): string {
  const vars: Record<string, unknown> = { ...(w.vars ?? {}) };
  if (w.code === "who-flag" && w.field) {
    vars.indicator = turn.t(`growth:indicator.${w.field}`);
    if (typeof w.vars?.z === "number") vars.z = formatNumber(w.vars.z, 2);
  }
  for (const k of ["date"] as const) if (typeof vars[k] === "string" && /^\d{4}-/.test(vars[k])) vars[k] = formatDate(vars[k]);
  for (const k of ["previous", "now"] as const) if (typeof vars[k] === "number") vars[k] = formatNumber(vars[k], 1);
  return turn.t(plausibilityKey(w.code), vars);
}

function confirmChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("growth:confirm.save"), payload: "growth:save" },
    { label: turn.t("growth:confirm.drop"), payload: "growth:drop" },
  ];
}

/** Asks about the first pending report, or clears the dialogue when none is left. */
async function askNextPending(turn: Turn, pending: ReportValues[]): Promise<void> {
  const first = pending[0];
  if (!first) {
    if (turn.state?.flow === CONFIRM_FLOW) await turn.clearState();
    return;
  }
  const child = await childById(turn.tx, first.childId);
  if (!child) return askNextPending(turn, pending.slice(1));
  const ev = await evaluate(turn, child, first);
  const warnings = ev.warnings.map((w) => `• ${warningText(turn, w)}`).join("\n");
  turn.ask("growth:confirm.prompt", confirmChoices(turn), { name: child.name, code: child.code, warnings });
  await turn.setState(CONFIRM_FLOW, "confirm", { pending });
}

async function storeAndReply(turn: Turn, child: Child, values: ReportValues, confirmed: boolean, evaluated?: Evaluation): Promise<void> {
  const ev = evaluated ?? (await evaluate(turn, child, values));
  const stored = await storeReport(turn.tx, turn.rt.i18n, child, ev, { sentByContactId: turn.contact.id, now: turn.now, confirmed, source: "chat" });
  turn.sayText(renderAssessment((k, v) => turn.t(k, v), child, ev, stored));
  turn.rt.log.info({ measurement: stored.measurement.id, referral: stored.referral?.id ?? null, warnings: ev.warnings.length }, "growth report stored");
}

/** Handles the lines of a report message; implausible ones wait for confirmation. */
async function handleReports(turn: Turn, kader: Kader, results: ParseResult[], alreadyPending: ReportValues[] = []): Promise<void> {
  const pending: ReportValues[] = [];
  const multi = results.length > 1;
  for (const [i, r] of results.entries()) {
    const prefix = multi ? turn.t("growth:chat.line", { n: i + 1 }) : "";
    if (isParseError(r)) {
      const field = r.field ? turn.t(`growth:field.${r.field}`) : "";
      turn.sayText(prefix + turn.t(`growth:parse.${r.error}`, { field, token: r.token ?? "" }));
      continue;
    }
    const child = await childInPosyandu(turn.tx, kader, r.childCode);
    if (!child) {
      turn.sayText(prefix + turn.t("growth:chat.child_not_found", { code: r.childCode }));
      continue;
    }
    const values = reportValues(child, r as KaderReport, today(turn));
    if (!values) {
      turn.sayText(prefix + turn.t("growth:parse.bad-date", { token: r.measuredOn ? `${r.measuredOn.day}/${r.measuredOn.month}` : "" }));
      continue;
    }
    const ev = await evaluate(turn, child, values);
    const blocking = ev.warnings.filter(isBlocking);
    if (blocking.length > 0) {
      // Nothing to confirm: a measurement dated in the future did not happen yet.
      const warnings = blocking.map((w) => `• ${warningText(turn, w)}`).join("\n");
      turn.sayText(prefix + turn.t("growth:confirm.blocked", { name: child.name, code: child.code, warnings }));
      continue;
    }
    if (ev.warnings.length > 0) {
      pending.push(values);
      continue;
    }
    await storeAndReply(turn, child, values, false, ev);
  }
  await askNextPending(turn, [...pending, ...alreadyPending]);
}

const confirmFlow: Flow = {
  name: CONFIRM_FLOW,
  async start(turn) {
    await askNextPending(turn, (turn.state?.data.pending as ReportValues[] | undefined) ?? []);
  },
  async step(turn) {
    const pending = (turn.state?.data.pending as ReportValues[] | undefined) ?? [];
    const [current, ...rest] = pending;
    const command = parseGrowthCommand(turn.text);
    if (command?.kind === "report") {
      // A corrected line replaces the report in question.
      await turn.clearState();
      const k = kaderOf(turn, command);
      if (!k) return;
      turn.say("growth:confirm.replaced");
      return handleReports(turn, k, command.results, rest);
    }
    const answer = pickChoice(turn.message, confirmChoices(turn)) ?? confirmAnswer(turn.text);
    if (!current) return turn.clearState();
    const child = await childById(turn.tx, current.childId);
    if (answer === "growth:save" && child) {
      await turn.clearState();
      await storeAndReply(turn, child, current, true);
      return askNextPending(turn, rest);
    }
    if (answer === "growth:drop" || !child) {
      await turn.clearState();
      turn.say("growth:confirm.dropped", { code: child?.code ?? "" });
      return askNextPending(turn, rest);
    }
    turn.say("growth:confirm.again");
    return askNextPending(turn, pending);
  },
};

function confirmAnswer(text: string): string | null {
  const yesNo = readYesNo(text);
  if (yesNo) return yesNo === "yes" ? "growth:save" : "growth:drop";
  // The confirmation's own words, and a yes or no that starts a longer answer ("ya simpan saja").
  const s = simple(text);
  if (/^(?:benar|bujur|ya|iya|simpan|ok|oke|betul)\b/.test(s)) return "growth:save";
  if (/^(?:batal|jangan|salah|tidak|kada|hapus)\b/.test(s)) return "growth:drop";
  return null;
}

/**
 * A kader in the middle of a dialogue who sends another growth command (a UKUR line, CARI …)
 * means that command: the dialogue is left and the command handled.
 */
async function leftForCommand(turn: Turn): Promise<boolean> {
  const command = parseGrowthCommand(turn.text);
  if (!command || command.kind === "guided-report" || (command.kind === "report" && command.results.every(isParseError))) return false;
  await turn.clearState();
  await growthHandler(turn);
  return true;
}

// --- guided UKUR -----------------------------------------------------------------------------

const ukurFlow: Flow = {
  name: UKUR_FLOW,
  async start(turn) {
    turn.say("growth:guided.code");
    await turn.setState(UKUR_FLOW, "code");
  },
  async step(turn) {
    const data = turn.state?.data ?? {};
    if (await leftForCommand(turn)) return;
    const number = readDecimal;
    switch (turn.state?.step) {
      case "code": {
        const code = simple(turn.text).toUpperCase();
        if (!/^[A-Z0-9]{4,8}$/.test(code)) return turn.say("growth:guided.code");
        const kader = kaderOf(turn, { kind: "guided-report" });
        if (!kader) return turn.clearState();
        const child = await childInPosyandu(turn.tx, kader, code);
        if (!child) return turn.say("growth:chat.child_not_found", { code });
        turn.say("growth:guided.weight", { name: child.name });
        return turn.setState(UKUR_FLOW, "weight", { code });
      }
      case "weight": {
        const kg = isSkip(turn.text) ? null : number(turn.text);
        if (kg === null && !isSkip(turn.text)) return turn.say("growth:guided.weight_again");
        turn.say("growth:guided.length");
        return turn.setState(UKUR_FLOW, "length", { ...data, kg });
      }
      case "length": {
        const cm = isSkip(turn.text) ? null : number(turn.text);
        if (cm === null && !isSkip(turn.text)) return turn.say("growth:guided.length_again");
        await turn.clearState();
        const kg = data.kg as number | null;
        if (kg === null && cm === null) return turn.say("growth:parse.missing-measurement");
        // "TB" names the number only; the position follows the child's age (rules.defaultPosition).
        const line = `UKUR ${String(data.code)}${kg !== null ? ` BB ${kg}` : ""}${cm !== null ? ` TB ${cm}` : ""}`;
        const results = parseReports(line);
        const kader = kaderOf(turn, { kind: "guided-report" });
        if (!kader) return;
        return handleReports(turn, kader, results);
      }
      default:
        await turn.clearState();
    }
  },
};

// --- ANAK BARU -------------------------------------------------------------------------------

function sexChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("growth:child.sex_L"), payload: "sex:L" },
    { label: turn.t("growth:child.sex_P"), payload: "sex:P" },
  ];
}

function sexAnswer(turn: Turn): "L" | "P" | null {
  const picked = pickChoice(turn.message, sexChoices(turn));
  if (picked) return picked === "sex:L" ? "L" : "P";
  return readSex(turn.text);
}

function saveChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t("growth:child.save"), payload: "child:save" },
    { label: turn.t("growth:child.restart"), payload: "child:restart" },
    { label: turn.t("growth:child.cancel"), payload: "child:cancel" },
  ];
}

async function askConfirmChild(turn: Turn, data: Record<string, unknown>) {
  turn.ask("growth:child.confirm", saveChoices(turn), {
    name: data.name,
    sex: turn.t(`growth:child.sex_${String(data.sex)}`),
    birth: formatDate(String(data.birthDate)),
    mother: data.motherName ?? "-",
    phone: data.phone ? turn.t("growth:child.given") : "-",
    // The NIK is never echoed back, only whether one was given.
    nik: data.nik ? turn.t("growth:child.given") : "-",
  });
  await turn.setState(CHILD_FLOW, "confirm", data);
}

const childFlow: Flow = {
  name: CHILD_FLOW,
  async start(turn) {
    turn.say("growth:child.name");
    await turn.setState(CHILD_FLOW, "name");
  },
  async step(turn) {
    const data = turn.state?.data ?? {};
    const text = turn.text.trim();
    if (await leftForCommand(turn)) return;
    switch (turn.state?.step) {
      case "name": {
        if (!/^[\p{L}][\p{L} .'’-]{1,59}$/u.test(text)) return turn.say("growth:child.name_again");
        turn.ask("growth:child.sex", sexChoices(turn), { name: text });
        return turn.setState(CHILD_FLOW, "sex", { ...data, name: text.replace(/\s+/g, " ") });
      }
      case "sex": {
        const sex = sexAnswer(turn);
        if (!sex) return turn.ask("growth:child.sex", sexChoices(turn), { name: data.name });
        const next = { ...data, sex };
        // KEMBAR: birth date, mother and phone come from the twin already registered.
        if (data.twinOf) return askConfirmChild(turn, next);
        turn.say("growth:child.birth");
        return turn.setState(CHILD_FLOW, "birth", next);
      }
      case "birth": {
        const r = checkBirthDate(text, today(turn));
        if ("problem" in r) return turn.say(`growth:child.birth_${r.problem}`);
        turn.say("growth:child.mother");
        return turn.setState(CHILD_FLOW, "mother", { ...data, birthDate: r.date });
      }
      case "mother": {
        if (!isSkip(text) && !/^[\p{L}][\p{L} .'’-]{1,59}$/u.test(text)) return turn.say("growth:child.mother_again");
        turn.say("growth:child.phone");
        return turn.setState(CHILD_FLOW, "phone", { ...data, motherName: isSkip(text) ? null : text.replace(/\s+/g, " ") });
      }
      case "phone": {
        const phone = isSkip(text) ? null : normalisePhone(text);
        if (!isSkip(text) && !phone) return turn.say("growth:child.phone_again");
        turn.say("growth:child.nik");
        return turn.setState(CHILD_FLOW, "nik", { ...data, phone });
      }
      case "nik": {
        const digits = text.replace(/[\s.-]/g, "");
        if (!isSkip(text) && !isValidNik(digits)) return turn.say("growth:child.nik_again");
        return askConfirmChild(turn, { ...data, nik: isSkip(text) ? null : digits });
      }
      case "confirm": {
        const answer = pickChoice(turn.message, saveChoices(turn)) ?? confirmAnswer(text)?.replace("growth:save", "child:save").replace("growth:drop", "child:cancel") ?? null;
        if (answer === "child:restart") return childFlow.start(turn);
        if (answer === "child:cancel") {
          await turn.clearState();
          return turn.say("growth:child.cancelled");
        }
        if (answer !== "child:save") return askConfirmChild(turn, data);
        await turn.clearState();
        const kader = kaderOf(turn, { kind: "new-child" });
        if (!kader) return;
        return saveChild(turn, kader, data);
      }
      default:
        await turn.clearState();
    }
  },
};

async function saveChild(turn: Turn, kader: Kader, data: Record<string, unknown>): Promise<void> {
  const phone = (data.phone as string | null | undefined) ?? null;
  // A parent already chatting from that number is linked now (their chat then gets growth news).
  const [parent] = phone
    ? await turn.tx.select({ contactId: contactChannels.contactId }).from(contactChannels).where(eq(contactChannels.phone, phone)).limit(1)
    : [];
  const child = await insertChild(turn.tx, {
    name: String(data.name),
    sex: data.sex as "L" | "P",
    birthDate: String(data.birthDate),
    motherName: (data.motherName as string | null | undefined) ?? null,
    ...turn.rt.nik.seal((data.nik as string | null | undefined) ?? null),
    parentPhone: phone,
    parentContactId: parent?.contactId ?? null,
    desaCode: kader.desaCode,
    posyanduId: kader.posyanduId,
    registeredByContactId: turn.contact.id,
    createdAt: turn.now,
  });
  turn.say("growth:child.saved", { name: child.name, code: child.code });
  turn.rt.log.info({ child: child.id, linkedParent: Boolean(parent) }, "child registered by kader");
}

async function startTwin(turn: Turn, kader: Kader, code: string): Promise<void> {
  const sibling = await childInPosyandu(turn.tx, kader, code);
  if (!sibling) return turn.say("growth:chat.child_not_found", { code });
  turn.say("growth:child.twin", { name: sibling.name });
  await turn.setState(CHILD_FLOW, "name", {
    twinOf: sibling.id,
    birthDate: sibling.birthDate,
    motherName: sibling.motherName,
    phone: sibling.parentPhone,
    nik: null,
  });
}

// --- BATAL UKUR, RIWAYAT, CARI ----------------------------------------------------------------

async function undoLast(turn: Turn): Promise<void> {
  const last = await lastUndoableReport(turn.tx, turn.contact.id, turn.now);
  if (!last) return turn.say("growth:undo.none");
  await cancelMeasurement(turn.tx, last.id, turn.now);
  const child = await childById(turn.tx, last.childId);
  turn.say("growth:undo.done", { name: child?.name ?? "", code: child?.code ?? "", date: formatDate(last.measuredOn) });
}

async function showHistory(turn: Turn, kader: Kader, code: string): Promise<void> {
  const child = await childInPosyandu(turn.tx, kader, code);
  if (!child) return turn.say("growth:chat.child_not_found", { code });
  const rows = await childHistory(turn.tx, child.id);
  if (rows.length === 0) return turn.say("growth:history.empty", { name: child.name, code: child.code });
  const lines = rows.map((m) => {
    const parts = [formatDate(m.measuredOn)];
    if (m.weightKg !== null) parts.push(`BB ${formatNumber(m.weightKg, 1)}`);
    if (m.lengthCm !== null) parts.push(`${m.position === "standing" ? "TB" : "PB"} ${formatNumber(m.lengthCm, 1)}`);
    if (m.growthCode) parts.push(m.twoT ? "2T" : m.growthCode);
    if (m.statusTbu && m.statusTbu !== "normal") parts.push(turn.t(`growth:status.tbu.${m.statusTbu}`));
    const wasting = m.statusBbtb ?? m.statusImtu;
    if (wasting && wasting !== "normal") parts.push(turn.t(`growth:status.bbtb.${wasting}`));
    if (m.bgm) parts.push("BGM");
    return parts.join(" · ");
  });
  turn.sayText(`${turn.t("growth:history.head", { name: child.name, code: child.code, age: ageText((k, v) => turn.t(k, v), child.birthDate, today(turn)) })}\n${lines.join("\n")}`);
}

async function search(turn: Turn, kader: Kader, query: string): Promise<void> {
  const digits = query.replace(/[\s.-]/g, "");
  const scope = whereInScope(kader.principal, { posyanduId: children.posyanduId });
  let match;
  if (/^\d{16}$/.test(digits)) match = eq(children.nikHash, turn.rt.nik.hashOf(digits));
  else if (/^[a-z0-9]{4,8}$/i.test(query) && /\d/.test(query)) match = eq(children.code, query.toUpperCase());
  else {
    const pattern = `%${query.replace(/[%_\\]/g, "")}%`;
    match = or(ilike(children.name, pattern), ilike(children.motherName, pattern));
  }
  const rows = await turn.tx.select().from(children).where(and(scope, match)).orderBy(asc(children.name)).limit(10);
  if (rows.length === 0) return turn.say("growth:search.none");
  const lines = rows.map((c) => turn.t("growth:search.row", { code: c.code, name: c.name, sex: c.sex, birth: formatDate(c.birthDate), mother: c.motherName ?? "-" }));
  turn.sayText(`${turn.t("growth:search.head")}\n${lines.join("\n")}`);
}

// --- HAMIL: LiLA and Hb of a pregnant woman --------------------------------------------------

function maternalValues(text: string): { muacCm?: number; hbGdl?: number } | "bad" {
  const s = text.toLowerCase();
  const out: { muacCm?: number; hbGdl?: number } = {};
  const lila = /\b(?:lila|lla|lingkar lengan)\s*[:=]?\s*(\d+(?:[.,]\d+)?)/.exec(s);
  const hb = /\b(?:hb|hemoglobin)\s*[:=]?\s*(\d+(?:[.,]\d+)?)/.exec(s);
  if (lila) out.muacCm = decimal(lila[1] as string);
  if (hb) out.hbGdl = decimal(hb[1] as string);
  // Anything outside what an adult arm or a blood test can show is a typo, not a finding.
  if (out.muacCm !== undefined && (out.muacCm < 15 || out.muacCm > 50)) return "bad";
  if (out.hbGdl !== undefined && (out.hbGdl < 3 || out.hbGdl > 20)) return "bad";
  return out;
}

async function handleMaternal(turn: Turn, kader: Kader, rest: string, pregnancyId?: string): Promise<void> {
  let pregnancy: { id: string; contactId: string; desaCode: string | null } | undefined;
  if (pregnancyId) {
    [pregnancy] = await turn.tx
      .select({ id: pregnancies.id, contactId: pregnancies.contactId, desaCode: contacts.desaCode })
      .from(pregnancies)
      .innerJoin(contacts, eq(contacts.id, pregnancies.contactId))
      .where(eq(pregnancies.id, pregnancyId));
  } else {
    const phoneText = /^[+\d][\d\s-]{7,}\d/.exec(rest)?.[0];
    const phone = phoneText ? normalisePhone(phoneText) : null;
    if (!phone) return turn.say("growth:maternal.usage");
    // Pregnant women registered in the kader's own desa only.
    [pregnancy] = await turn.tx
      .select({ id: pregnancies.id, contactId: pregnancies.contactId, desaCode: contacts.desaCode })
      .from(contactChannels)
      .innerJoin(contacts, eq(contacts.id, contactChannels.contactId))
      .innerJoin(pregnancies, and(eq(pregnancies.contactId, contacts.id), eq(pregnancies.status, "active")))
      .where(and(eq(contactChannels.phone, phone), eq(contacts.desaCode, kader.desaCode ?? "-")))
      .limit(1);
    if (!pregnancy) return turn.say("growth:maternal.not_found");
    rest = rest.slice((phoneText as string).length);
  }
  if (!pregnancy) return turn.say("growth:maternal.not_found");
  const values = maternalValues(rest);
  if (values === "bad") return turn.say("growth:maternal.bad_value");
  if (values.muacCm === undefined && values.hbGdl === undefined) {
    turn.say("growth:maternal.ask_values");
    return turn.setState(MATERNAL_FLOW, "values", { pregnancyId: pregnancy.id });
  }
  const flags = maternalFlags(values);
  await turn.tx.insert(maternalMeasurements).values({
    pregnancyId: pregnancy.id,
    measuredOn: today(turn),
    muacCm: values.muacCm ?? null,
    hbGdl: values.hbGdl ?? null,
    kek: flags.kek,
    anaemia: flags.anaemia,
    sentByContactId: turn.contact.id,
    createdAt: turn.now,
  });
  // The latest Hb sets the pregnancy's flag (reminders switch to the anaemia texts), and the mother hears her result.
  await maternalResultRecorded(turn.rt, turn.tx, { pregnancyId: pregnancy.id, measuredOn: today(turn), ...values, ...flags }, turn.now);
  const lines = [turn.t("growth:maternal.saved")];
  if (values.muacCm !== undefined) lines.push(turn.t(flags.kek ? "growth:maternal.kek" : "growth:maternal.muac_ok", { cm: formatNumber(values.muacCm, 1) }));
  if (values.hbGdl !== undefined) lines.push(turn.t(flags.anaemia ? "growth:maternal.anaemia" : "growth:maternal.hb_ok", { hb: formatNumber(values.hbGdl, 1) }));
  const reasons = [...(flags.kek ? (["kek"] as const) : []), ...(flags.anaemia ? (["anaemia"] as const) : [])];
  if (reasons.length > 0) {
    const r = await createReferral(turn.tx, turn.rt.i18n, { pregnancyId: pregnancy.id, desaCode: pregnancy.desaCode, posyanduId: null, reasons, createdByContactId: turn.contact.id }, turn.now);
    lines.push(turn.t("growth:reply.refer", { puskesmas: r.puskesmasName ?? turn.t("growth:reply.puskesmas_unknown"), reasons: reasonsText(turn.rt.i18n, turn.lang, reasons) }));
    if (r.created) lines.push(turn.t("growth:reply.referral_created", { number: r.referral.number }));
    else if (r.added.length > 0) lines.push(turn.t("growth:reply.referral_updated", { number: r.referral.number, added: reasonsText(turn.rt.i18n, turn.lang, r.added), reasons: reasonsText(turn.rt.i18n, turn.lang, r.referral.reasons) }));
    else lines.push(turn.t("growth:reply.referral_open", { number: r.referral.number }));
  }
  turn.sayText(lines.join("\n"));
}

/** A bidan desa whose chat is linked to her staff account records LiLA/Hb in her desa too. */
async function bidanOf(turn: Turn): Promise<Kader | null> {
  if (!turn.staffRolesAllowed) return null;
  const account = await accountForContact(turn.tx, turn.contact.id);
  if (account?.role !== "bidan" || !account.desaCode) return null;
  return { principal: principalOf(account), posyanduId: "", desaCode: account.desaCode };
}

const maternalFlow: Flow = {
  name: MATERNAL_FLOW,
  async start(turn) {
    turn.say("growth:maternal.usage");
  },
  async step(turn) {
    if (await leftForCommand(turn)) return;
    const pregnancyId = turn.state?.data.pregnancyId as string | undefined;
    await turn.clearState();
    const kader = turn.contact.role === "kader" ? kaderOf(turn, { kind: "maternal", rest: "" }) : await bidanOf(turn);
    if (!kader || !pregnancyId) return;
    return handleMaternal(turn, kader, turn.text, pregnancyId);
  },
};

// --- puskesmas staff: TERIMA R-12, HASIL R-12 ditangani ---------------------------------------

const OUTCOME_WORDS: Record<string, ReferralOutcome> = {
  datang: "datang",
  hadir: "datang",
  ditangani: "ditangani",
  dirawat: "ditangani",
  sembuh: "sembuh-membaik",
  membaik: "sembuh-membaik",
  waras: "sembuh-membaik", // Banjar: sembuh
};

async function handleReferralCommand(turn: Turn, c: Extract<Command, { kind: "referral" }>): Promise<boolean> {
  const account = turn.staffRolesAllowed ? await accountForContact(turn.tx, turn.contact.id) : null;
  if (!account) return false; // not staff: let the FAQ answer
  const principal = principalOf(account);
  const [ref] = await turn.tx.select({ id: referrals.id }).from(referrals).where(eq(referrals.number, c.number));
  if (!ref) {
    turn.say("growth:referral.not_found", { number: c.number });
    return true;
  }
  if (c.action === "ack") {
    const r = await acknowledgeReferral(turn.tx, principal, ref.id, account.id, turn.now);
    turn.say(r.ok ? "growth:referral.acknowledged" : `growth:referral.${r.reason}`, { number: c.number });
    return true;
  }
  const word = simple(c.rest).split(" ").find((w) => OUTCOME_WORDS[w]);
  const outcome = word ? OUTCOME_WORDS[word] : undefined;
  if (!outcome || !REFERRAL_OUTCOMES.includes(outcome)) {
    turn.say("growth:referral.outcome_usage", { number: c.number });
    return true;
  }
  const r = await recordReferralOutcome(turn.tx, principal, ref.id, outcome, account.id, turn.now);
  turn.say(r.ok ? "growth:referral.outcome_saved" : `growth:referral.${r.reason}`, { number: c.number, outcome: turn.t(`growth:outcome.${outcome}`) });
  return true;
}

// --- entry -----------------------------------------------------------------------------------

/** The growth module's domain handler. */
export async function growthHandler(turn: Turn): Promise<boolean> {
  const command = parseGrowthCommand(turn.text);
  if (!command) return false;
  if (command.kind === "referral") return handleReferralCommand(turn, command);
  // A parent asking "ukur lingkar kepala normal berapa?" is a question for the FAQ, not a report.
  if (command.kind === "report" && turn.contact.role !== "kader" && command.results.every(isParseError)) return false;
  if (command.kind === "search" && turn.contact.role !== "kader") return false;
  if (command.kind === "maternal" && turn.contact.role !== "kader") {
    const bidan = await bidanOf(turn);
    if (!bidan) return false;
    await handleMaternal(turn, bidan, command.rest);
    return true;
  }
  const kader = kaderOf(turn, command);
  if (!kader) return true;
  switch (command.kind) {
    case "new-child":
      await childFlow.start(turn);
      break;
    case "twin":
      await startTwin(turn, kader, command.code);
      break;
    case "guided-report":
      await ukurFlow.start(turn);
      break;
    case "report":
      await handleReports(turn, kader, command.results);
      break;
    case "undo":
      await undoLast(turn);
      break;
    case "history":
      await showHistory(turn, kader, command.code);
      break;
    case "search":
      await search(turn, kader, command.query);
      break;
    case "maternal":
      await handleMaternal(turn, kader, command.rest);
      break;
  }
  return true;
}

/**
 * The growth domain in the conversation. ANAK BARU is a kader's (register a child at the
 * posyandu); a parent's ANAK BARU belongs to the reminders. Plain BATAL is a kader's undo of the
 * last report when no dialogue is open; for everyone else it is the general "cancel".
 */
export const growthConversation: ConversationDomain = {
  name: "growth",
  flows: [confirmFlow, childFlow, ukurFlow, maternalFlow],
  handlers: [growthHandler],
  keywords: [
    { words: [...NEW_CHILD_WORDS, "batal"], roles: ["kader"] },
    { words: ["ukur", "ukor", "ukr", "batalkan"], prefixes: ["kembar", "kembaran", "riwayat", "cari", "terima r", "hasil r", "hamil", "bumil", "batianan", ...UNDO_VERBS.flatMap((v) => UNDO_OBJECTS.map((o) => `${v} ${o}`))] },
  ],
};
