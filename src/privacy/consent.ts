// Reading consent to the privacy notice: a yes or no in the person's own words (lib/input), where a
// no word anywhere wins ("tidak setuju", "kada akur"), so a refusal is never read as consent.
import { readYesNo, type YesNo } from "../lib/input/yes-no.js";

export type ConsentAnswer = YesNo | null;

/** "akur" → yes, "kada akur" → no, a question or anything else → null. */
export const readConsent = (text: string): ConsentAnswer => readYesNo(text);
