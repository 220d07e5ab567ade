// The reminder conversations: enrolment after registration (enrol:pregnant, enrol:parent),
// corrections (HPHT/HPL <tanggal>), SUDAH LAHIR, KEGUGURAN / BAYI MENINGGAL (confirmed first),
// replies to reminders (SUDAH, BELUM/TUNDA), JAM (the hour reminders come) and the kader's TERLAMBAT list.
// The dialogues live in chat/ (pregnancy, children, birth, loss, done); this file routes a
// message to them.
import type { ConversationDomain } from "../conversation/domain.js";
import type { Turn } from "../conversation/turn.js";
import { isNewChildCommand, NEW_CHILD_WORDS, simplify } from "../lib/input/index.js";
import { localToday } from "./send-at.js";
import { parseHourCommand } from "./send-hour.js";
import { NS, DONE_WORDS, NOT_YET_WORDS, BIRTH_WORDS, replyIntent, sexChoices, requireRegistered } from "./chat/common.js";
import { readPregnancyAnchor, savePregnancy, pregnantEnrolFlow } from "./chat/pregnancy.js";
import { readBirthDate, parentEnrolFlow } from "./chat/children.js";
import { birthFlow } from "./chat/birth.js";
import { lossFlow, startLoss } from "./chat/loss.js";
import { doneFlowFor, overdue, reminderHour, reply } from "./chat/done.js";

export { replyIntent, type ReplyIntent } from "./chat/common.js";
export { readPregnancyAnchor } from "./chat/pregnancy.js";
export { readBirthDate } from "./chat/children.js";

export async function reminderHourHandler(turn: Turn): Promise<boolean> {
  const hourCommand = parseHourCommand(turn.text);
  if (!hourCommand) return false;
  if (requireRegistered(turn)) await reminderHour(turn, hourCommand);
  return true;
}

const LOSS_OF_PREGNANCY = ["keguguran", "kaguguran", "keguguran kandungan", "gugur kandungan"];
const LOSS_OF_CHILD = ["bayi", "anak", "baby"].flatMap((who) =>
  ["meninggal", "maninggal", "wafat", "mati", "meninggal dunia", "maninggal dunia"].map((w) => `${who} ${w}`),
);
const OVERDUE = ["terlambat", "talambat", "telat", "yang terlambat"];

/** Commands and replies of the reminder domain; false when the message is not for us. */
export async function reminderHandler(turn: Turn): Promise<boolean> {
  const s = simplify(turn.text);
  // Only corrections and births read a date (most messages are neither).
  const today = () => localToday(turn.rt, turn.now);

  const correction = /^(hpht|hpl)\s+\S/.exec(s);
  if (correction) {
    if (!requireRegistered(turn)) return true;
    const read = readPregnancyAnchor(s, today());
    if ("unknown" in read) turn.say(`${NS}pregnant.unknown`);
    else if ("error" in read) turn.say(read.error === "range" ? `${NS}pregnant.range` : `${NS}pregnant.retry`);
    else await savePregnancy(turn, read.hpht);
    return true;
  }
  const birth = BIRTH_WORDS.exec(s);
  if (birth) {
    if (!requireRegistered(turn)) return true;
    const rest = s.slice(birth[0].length).trim();
    const read = rest ? readBirthDate(rest, today()) : null;
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
  flows: [pregnantEnrolFlow, parentEnrolFlow, birthFlow, lossFlow, doneFlowFor(reminderHandler)],
  handlers: [reminderHandler],
  globalHandlers: [reminderHourHandler],
  keywords: [
    { words: NEW_CHILD_WORDS, roles: ["parent", "pregnant", "unregistered"] },
    {
      words: [...LOSS_OF_PREGNANCY, ...LOSS_OF_CHILD, ...OVERDUE],
      prefixes: ["hpht", "hpl", "jam", "jm", "pukul", "pkl", ...DONE_WORDS, ...NOT_YET_WORDS],
    },
  ],
};
