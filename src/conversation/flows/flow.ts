import { z } from "zod";
import { readYesNo } from "../../lib/input/yes-no.js";
import { pickChoice } from "../choices.js";
import type { Turn } from "../turn.js";

/** Where a dialogue is: its step and what it has gathered so far. */
export interface DialogueStep {
  step: string;
  data: unknown;
}

/** A multi-step dialogue; its position lives in the contact's conversation state. */
export interface Flow<S extends DialogueStep = DialogueStep> {
  name: string;
  /**
   * The shape of this dialogue's saved state, parsed whenever it is read: a state that does not
   * fit (saved by an older version of the flow) ends the dialogue politely (router.ts).
   */
  state: z.ZodType<S>;
  start(turn: Turn): Promise<void>;
  /** Handles an answer while the contact is in this flow. */
  step(turn: Turn, state: S): Promise<void>;
  /**
   * Asks the current step's question again (after the bot answered something else in between: a
   * danger sign, a question, JAM). Without it the person is told to answer the last question.
   */
  reprompt?(turn: Turn, state: S): void | Promise<void>;
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

/** One step of a dialogue's state schema: the step's name and the data saved with it. */
export function stepState<Step extends string, Shape extends z.ZodRawShape>(step: Step, data: Shape) {
  return z.object({ step: z.literal(step), data: z.object(data) });
}

/** The state schema of a dialogue whose steps keep no data. */
export function stepsOnly<const Steps extends readonly [string, ...string[]]>(...steps: Steps) {
  return z.object({ step: z.enum(steps), data: z.object({}) });
}

/** The state schema of a flow that saves none (it ends with its start). */
export const NO_STATE = z.never();

/** A choice offered with a question, kept in the state to read the answer. */
export const choiceSchema = z.object({ label: z.string(), payload: z.string() });

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
