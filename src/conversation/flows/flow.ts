import { readYesNo } from "../../lib/input/yes-no.js";
import { pickChoice } from "../choices.js";
import type { Turn } from "../turn.js";

/** A multi-step dialogue; its position lives in the contact's conversation state. */
export interface Flow {
  name: string;
  start(turn: Turn): Promise<void>;
  /** Handles an answer while the contact is in this flow. */
  step(turn: Turn): Promise<void>;
  /**
   * Asks the current step's question again (after the bot answered something else in between: a
   * danger sign, a question, JAM). Without it the person is told to answer the last question.
   */
  reprompt?(turn: Turn): Promise<void>;
  /**
   * The step takes any text as its answer (a question for the bidan): a danger sign in it is
   * answered first and the step still gets the message.
   */
  freeText?: boolean;
  /**
   * True when this message, sent in the middle of the dialogue, is another command of the domain
   * (a kader's UKUR line while registering a child): the dialogue is left and the message routed
   * afresh, to the domain's handlers.
   */
  leavesFor?(turn: Turn): boolean;
}

export const YES = "yes" as const;
export const NO = "no" as const;

export function yesNo(turn: Turn, yes = "buttons.yes", no = "buttons.no") {
  return [
    { label: turn.t(`conversation:${yes}`), payload: YES },
    { label: turn.t(`conversation:${no}`), payload: NO },
  ];
}

/** The answer to a yes/no question: a button, its number or label, or a yes/no in the person's words. */
export function yesNoAnswer(turn: Turn, yes = "buttons.yes", no = "buttons.no"): typeof YES | typeof NO | null {
  const picked = pickChoice(turn.message, yesNo(turn, yes, no));
  if (picked === YES || picked === NO) return picked;
  const typed = readYesNo(turn.text);
  return typed === "yes" ? YES : typed === "no" ? NO : null;
}
