// UKUR: storing reports and answering with the assessment, confirming implausible values, and
// the guided entry (UKUR alone).
import { type Child } from "../../children/index.js";
import { pickChoice, type Choice } from "../../conversation/choices.js";
import { z } from "zod";
import { stepState, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { isSkip, readDecimal, readYesNo } from "../../lib/input/index.js";
import { isParseError, parseReports, type ParseResult } from "../parse.js";
import { isBlocking, plausibilityKey, type PlausibilityWarning } from "../plausibility.js";
import { renderAssessment } from "../report-reply.js";
import { childById, reportValues, storeReport, type Evaluation, type ReportValues } from "../reports.js";
import { formatDate, formatNumber } from "../rules.js";
import { CONFIRM_FLOW, UKUR_FLOW, today, evaluate, simple, type Kader, kaderOf, childInPosyandu } from "./kader.js";
import { parseGrowthCommand } from "./commands.js";

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
  const stored = await storeReport(turn.tx, turn.rt.i18n, child, ev, {
    sentByContactId: turn.contact.id,
    now: turn.now,
    confirmed,
    source: "chat",
  });
  turn.sayText(renderAssessment((k, v) => turn.t(k, v), child, ev, stored));
  turn.rt.log.info(
    { measurement: stored.measurement.id, referral: stored.referral?.id ?? null, warnings: ev.warnings.length },
    "growth report stored",
  );
}

/** Handles the lines of a report message; implausible ones wait for confirmation. */
export async function handleReports(turn: Turn, kader: Kader, results: ParseResult[], alreadyPending: ReportValues[] = []): Promise<void> {
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
    const values = reportValues(child, r, today(turn));
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

// The reports waiting for the kader's confirmation (implausible values), the one asked about first.
const reportValuesSchema = z.object({
  childId: z.string(),
  measuredOn: z.string(),
  weightKg: z.number().optional(),
  lengthCm: z.number().optional(),
  position: z.enum(["lying", "standing"]).optional(),
  headCm: z.number().optional(),
  muacCm: z.number().optional(),
  oedema: z.boolean().optional(),
  weightGrams: z.number().optional(),
  weightTyped: z.number().optional(),
}) satisfies z.ZodType<ReportValues>;
const confirmState = stepState("confirm", { pending: z.array(reportValuesSchema) });

export const confirmFlow: Flow<z.infer<typeof confirmState>> = {
  name: CONFIRM_FLOW,
  state: confirmState,
  async start(turn) {
    const open = turn.state?.flow === CONFIRM_FLOW ? confirmState.safeParse(turn.state) : null;
    await askNextPending(turn, open?.success ? open.data.data.pending : []);
  },
  async step(turn, state) {
    const { pending } = state.data;
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

export function confirmAnswer(text: string): string | null {
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
export function leavesForCommand(turn: Turn): boolean {
  const command = parseGrowthCommand(turn.text);
  return !(!command || command.kind === "guided-report" || (command.kind === "report" && command.results.every(isParseError)));
}

// --- guided UKUR -----------------------------------------------------------------------------

// Guided UKUR: the child's code, then weight, then length (either may be skipped).
const ukurState = z.discriminatedUnion("step", [
  stepState("code", {}),
  stepState("weight", { code: z.string() }),
  stepState("length", { code: z.string(), kg: z.number().nullable() }),
]);

export const ukurFlow: Flow<z.infer<typeof ukurState>> = {
  name: UKUR_FLOW,
  state: ukurState,
  leavesFor: leavesForCommand,
  async start(turn) {
    turn.say("growth:guided.code");
    await turn.setState(UKUR_FLOW, "code");
  },
  async step(turn, state) {
    const number = readDecimal;
    switch (state.step) {
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
        return turn.setState(UKUR_FLOW, "length", { ...state.data, kg });
      }
      case "length": {
        const cm = isSkip(turn.text) ? null : number(turn.text);
        if (cm === null && !isSkip(turn.text)) return turn.say("growth:guided.length_again");
        await turn.clearState();
        const { code, kg } = state.data;
        if (kg === null && cm === null) return turn.say("growth:parse.missing-measurement");
        // "TB" names the number only; the position follows the child's age (rules.defaultPosition).
        const line = `UKUR ${code}${kg !== null ? ` BB ${kg}` : ""}${cm !== null ? ` TB ${cm}` : ""}`;
        const results = parseReports(line);
        const kader = kaderOf(turn, { kind: "guided-report" });
        if (!kader) return;
        return handleReports(turn, kader, results);
      }
    }
  },
};
