// Choices offered as buttons AND as a numbered list in the text, because not every channel shows
// buttons (WhatsApp linked accounts do not); an answer may be the button payload, the number, or
// the option's label typed out.
import type { Button } from "../channels/channel.js";
import { foldLabel } from "../lib/input/text.js";

export interface Choice {
  label: string;
  payload: string;
}

/** Appends "1. label" lines to a prompt and returns the message with its buttons. */
export function withChoices(text: string, choices: Choice[]): { text: string; buttons: Button[] } {
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  return { text: `${text}\n${lines.join("\n")}`, buttons: choices.map((c) => ({ label: c.label, payload: c.payload })) };
}

const simplify = foldLabel;

/** The chosen option's payload, or null when the answer matches none. */
export function pickChoice(input: { text?: string; payload?: string }, choices: Choice[]): string | null {
  if (input.payload && choices.some((c) => c.payload === input.payload)) return input.payload;
  const text = simplify(input.text ?? "");
  if (!text) return null;
  const number = /^(?:no |nomor |nomer )?(\d{1,2})$/.exec(text);
  if (number) {
    const index = Number(number[1]) - 1;
    return choices[index]?.payload ?? null;
  }
  const exact = choices.find((c) => simplify(c.label) === text);
  if (exact) return exact.payload;
  // A typed label prefix ("orang tua", "banjar") chooses when it fits exactly one option.
  const partial = choices.filter((c) => simplify(c.label).includes(text) && text.length >= 3);
  return partial.length === 1 && partial[0] ? partial[0].payload : null;
}
