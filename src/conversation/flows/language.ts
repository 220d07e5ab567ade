// BAHASA: choose Indonesian or Banjar. Also the first step of registration.
import { pickChoice } from "../choices.js";
import { updateContact } from "../../contacts/index.js";
import { isLang } from "../../i18n/index.js";
import type { Turn } from "../turn.js";
import { stepsOnly, type Flow } from "./flow.js";

export function languageChoices(turn: Turn) {
  // Each option in its own language, so either reader recognises theirs.
  return [
    { label: turn.rt.i18n.t("id", "conversation:lang.id"), payload: "lang:id" },
    { label: turn.rt.i18n.t("bjn", "conversation:lang.bjn"), payload: "lang:bjn" },
  ];
}

/** Applies a language answer; false when the answer is not a language choice. */
export async function applyLanguageAnswer(turn: Turn): Promise<boolean> {
  const picked =
    pickChoice(turn.message, languageChoices(turn)) ??
    pickChoice(turn.message, [
      { label: "indonesia", payload: "lang:id" },
      { label: "banjar", payload: "lang:bjn" },
    ]);
  const lang = picked?.slice("lang:".length);
  if (!isLang(lang)) return false;
  turn.contact = await updateContact(turn.tx, turn.contact.id, { lang });
  turn.lang = lang;
  return true;
}

export const languageFlow: Flow = {
  name: "language",
  state: stepsOnly("choose"),
  async start(turn) {
    turn.ask("conversation:lang.prompt", languageChoices(turn));
    await turn.setState("language", "choose");
  },
  async step(turn) {
    if (await applyLanguageAnswer(turn)) {
      await turn.clearState();
      turn.say("conversation:lang.set");
      return;
    }
    turn.askAgain("conversation:lang.prompt", languageChoices(turn));
  },
};
