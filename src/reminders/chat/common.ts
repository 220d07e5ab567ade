// What the reminder dialogues share: the text namespace, the SUDAH/BELUM words, the sex
// choices, the hour reminders come, and the registration check.
import { type Choice } from "../../conversation/choices.js";
import type { Turn } from "../../conversation/turn.js";
import { simplify } from "../../lib/input/index.js";
import { chosenHourOf } from "../enrol.js";
import { REPLY_DONE, REPLY_NOT_YET } from "../message.js";

export const NS = "reminders:chat.";
/** An ongoing pregnancy has HPHT at most 44 weeks back (post-term limit: HPL is 40 weeks after HPHT, Naegele). */
export const MAX_PREGNANCY_DAYS = 44 * 7;
/** Told at once when the HPHT given is this many weeks back or more (post-term, rules.ts post-term-41). */
export const POST_TERM_ALERT_WEEKS = 41;

export const DONE_WORDS = new Set(["sudah", "sdh", "sudh", "sdah", "udah", "udh", "dah", "hudah", "sampun", "done"]);
export const NOT_YET_WORDS = new Set(["belum", "blm", "blum", "belom", "balum", "baluman", "tunda", "nanti", "nnti", "kaina", "kena"]);
export const BIRTH_WORDS = /^(sudah|sdh|udah|udh|hudah) (lahir|melahirkan|beranak|baranak|lahiran)\b/;

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

export function sexChoices(turn: Turn): Choice[] {
  return [
    { label: turn.t(`${NS}sex.L`), payload: "sex:L" },
    { label: turn.t(`${NS}sex.P`), payload: "sex:P" },
  ];
}

/** The local hour this contact's reminders come ("08"): their JAM choice, else REMINDER_HOUR. */
export async function hourOf(turn: Turn): Promise<string> {
  return twoDigits((await chosenHourOf(turn.tx, turn.contact.id)) ?? turn.rt.config.REMINDER_HOUR);
}

export function twoDigits(hour: number): string {
  return String(hour).padStart(2, "0");
}

export function requireRegistered(turn: Turn): boolean {
  if (turn.contact.registeredAt) return true;
  turn.say(`${NS}notRegistered`);
  return false;
}
