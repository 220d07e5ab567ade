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
}

export const YES = "yes";
export const NO = "no";

export function yesNo(turn: Turn, yes = "buttons.yes", no = "buttons.no") {
  return [
    { label: turn.t(`conversation:${yes}`), payload: YES },
    { label: turn.t(`conversation:${no}`), payload: NO },
  ];
}
