// "Skip this question" in the words people use for it, Banjar included (kadada: tidak ada; liwati:
// lewati). Optional answers (the mother's name, a phone number, a measurement) accept these.
import { tidy } from "./text.js";

const SKIP = new Set([
  "lewati",
  "lewat",
  "skip",
  "-",
  "tidak ada",
  "tdk ada",
  "ga ada",
  "gak ada",
  "kadada",
  "kada",
  "tidak",
  "liwati",
  "liwat",
]);

export const isSkip = (text: string): boolean => SKIP.has(tidy(text));
