// What every growth command needs: the kader (or bidan) and their area, today in WITA, and the
// assessment of a report under the referral rules in force.
import { and, eq } from "drizzle-orm";
import { whereInScope, type ScopePrincipal } from "../../platform/scope.js";
import { children, type Child } from "../../children/index.js";
import type { Turn } from "../../conversation/turn.js";
import { tidy } from "../../lib/input/index.js";
import type { DbOrTx } from "../../db/client.js";
import { referralRulesOf } from "../referrals.js";
import { evaluateReport, type Evaluation, type ReportValues } from "../reports.js";
import { localDate } from "../rules.js";
import type { Command } from "./commands.js";

export const CONFIRM_FLOW = "growth:confirm";
export const CHILD_FLOW = "growth:child";
export const UKUR_FLOW = "growth:ukur";
export const MATERNAL_FLOW = "growth:maternal";

export const today = (turn: Turn): string => localDate(turn.now, turn.rt.config.TIMEZONE);

/** A report assessed with the weighing referral rules in force (the Pokja's setting or the default). */
export async function evaluate(turn: Turn, child: Child, values: ReportValues): Promise<Evaluation> {
  const { rules } = await referralRulesOf(turn.tx, turn.rt.config.GROWTH_REFERRAL_RULES);
  return evaluateReport(turn.tx, child, values, today(turn), { rules });
}

export const simple = tidy;

export interface Kader {
  principal: ScopePrincipal;
  posyanduId: string;
  desaCode: string | null;
}

/** The kader's working area, or null after telling the person why they cannot use this yet. */
export function kaderOf(turn: Turn, command: Command): Kader | null {
  const c = turn.contact;
  if (!turn.staffRolesAllowed) {
    turn.say("conversation:staff_not_on_web");
    return null;
  }
  if (c.role === "kader" && c.kaderStatus === "active" && c.posyanduId) {
    return {
      principal: { role: "kader", posyanduId: c.posyanduId, puskesmasId: null, desaCode: null },
      posyanduId: c.posyanduId,
      desaCode: c.desaCode,
    };
  }
  if (c.role === "kader" && c.kaderStatus === "pending") turn.say("growth:chat.kader_pending");
  else if (c.role === "kader") turn.say("growth:chat.kader_inactive");
  else turn.say(command.kind === "report" || command.kind === "guided-report" ? "growth:chat.only_kader_report" : "growth:chat.only_kader");
  return null;
}

export async function childInPosyandu(db: DbOrTx, kader: Kader, code: string): Promise<Child | undefined> {
  const [row] = await db
    .select()
    .from(children)
    .where(and(eq(children.code, code.toUpperCase()), whereInScope(kader.principal, { posyanduId: children.posyanduId })));
  return row;
}
