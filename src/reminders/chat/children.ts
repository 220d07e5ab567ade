// A parent's children: enrolment after registration and ANAK BARU (enrol:parent), by birth date
// or by a child code.
import { isUnderFive } from "../../children/balita.js";
import { linkByCode, linkByPhone } from "../../children/link-chat.js";
import { verifiedPhonesOf } from "../../children/linking.js";
import { z } from "zod";
import { NO, YES, stepState, yesNo, yesNoAnswer, type Flow } from "../../conversation/flows/flow.js";
import type { Turn } from "../../conversation/turn.js";
import { CHILD_CODE_PATTERN, parseLooseDate, readSex } from "../../lib/input/index.js";
import { compareDates } from "../dates.js";
import { localToday } from "../send-at.js";
import { enrolChild } from "../enrol.js";
import { formatDate } from "../render.js";
import { NS, replyIntent, sexChoices, hourOf } from "./common.js";

/**
 * A child code typed instead of a birth date: 4 characters from the code alphabet (older codes,
 * some letters only), or 5–8 mixing letters and digits (new codes), and not readable as a date.
 */
function looksLikeChildCode(word: string, today: string): boolean {
  if (!CHILD_CODE_PATTERN.test(word)) return false;
  if (word.length > 4 && !(/\d/.test(word) && /[A-Z]/.test(word))) return false;
  return "error" in readBirthDate(word, today);
}

// --- children -------------------------------------------------------------------------------

type BirthParse = { birthDate: string } | { error: "unreadable" | "future" | "old" };

export function readBirthDate(text: string, today: string): BirthParse {
  const date = parseLooseDate(text, today, "past");
  if (!date) return { error: "unreadable" };
  if (compareDates(date, today) > 0) return { error: "future" };
  if (!isUnderFive(date, today)) return { error: "old" };
  return { birthDate: date };
}

export async function askMoreChildren(turn: Turn, key: string, vars: Record<string, unknown>): Promise<void> {
  turn.ask(key, yesNo(turn), vars);
  await turn.setState("enrol:parent", "more");
}

const parentEnrolState = z.discriminatedUnion("step", [
  stepState("child", {}),
  stepState("name", { birthDate: z.string() }),
  stepState("sex", { birthDate: z.string(), name: z.string() }),
  stepState("more", {}),
]);

export const parentEnrolFlow: Flow<z.infer<typeof parentEnrolState>> = {
  name: "enrol:parent",
  state: parentEnrolState,
  async start(turn) {
    // A kader may have registered the person's children with their phone already: linked now.
    const linked = await linkByPhone(turn.rt, turn.tx, turn.contact, await verifiedPhonesOf(turn.tx, turn.contact.id));
    for (const child of linked)
      turn.say(`${NS}parent.linkedByPhone`, { name: child.name, birth: formatDate(child.birthDate), code: child.code });
    turn.say(linked.length > 0 ? `${NS}parent.askNext` : `${NS}parent.ask`);
    await turn.setState("enrol:parent", "child");
  },
  async step(turn, state) {
    const today = localToday(turn.rt, turn.now);
    switch (state.step) {
      case "child": {
        const code = turn.text
          .toUpperCase()
          .replace(/^KODE\s+/, "")
          .trim();
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
        await turn.setState("enrol:parent", "sex", { ...state.data, name });
        return;
      }
      case "sex": {
        const sex = readSex(turn.text, turn.message.payload);
        if (!sex) return turn.ask(`${NS}parent.askSex`, sexChoices(turn), { name: state.data.name });
        const child = await enrolChild(turn.rt, turn.tx, turn.contact, { birthDate: state.data.birthDate, name: state.data.name, sex });
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
    }
  },
};
