// A pregnancy: enrolment after registration (enrol:pregnant) and HPHT/HPL corrections.
import { stepsOnly, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { parseLooseDate, parsePregnancyAge, simplify } from "../../lib/input/index.js";
import { daysBetween } from "../dates.js";
import { localToday } from "../send-at.js";
import { enrolPregnancy } from "../enrol.js";
import { formatDate } from "../render.js";
import { gestationalAge, hphtFromHpl, hphtFromWeeks, hplFromHpht } from "../schedule.js";
import { NS, MAX_PREGNANCY_DAYS, POST_TERM_ALERT_WEEKS, hourOf } from "./common.js";

// --- pregnancy ------------------------------------------------------------------------------

type AnchorParse = { hpht: string } | { error: "unreadable" | "range" } | { unknown: true };

/** HPHT from "15-03-2026", "HPL 20-12-2026", "HPHT 1 maret", "12 minggu" (today = WITA date). */
export function readPregnancyAnchor(text: string, today: string): AnchorParse {
  const s = simplify(text);
  if (
    /^(tidak tahu|tdk tahu|gak tahu|ga tau|tidak tau|kada tahu|kada tahu ulun|ulun kada tahu|kada tau|lupa|belum tahu|balum tahu)\b/.test(s)
  )
    return { unknown: true };
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

export async function savePregnancy(turn: Turn, hpht: string): Promise<void> {
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
  state: stepsOnly("anchor"),
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
