import type { Turn } from "../turn.js";

/** A multi-step dialogue; its position lives in the contact's conversation state. */
export interface Flow {
  name: string;
  start(turn: Turn): Promise<void>;
  /** Handles an answer while the contact is in this flow. */
  step(turn: Turn): Promise<void>;
}

export const YES = "yes";
export const NO = "no";

export function yesNo(turn: Turn, yes = "buttons.yes", no = "buttons.no") {
  return [
    { label: turn.t(`conversation:${yes}`), payload: YES },
    { label: turn.t(`conversation:${no}`), payload: NO },
  ];
}
