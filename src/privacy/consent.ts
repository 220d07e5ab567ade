// Reading consent to the privacy notice. People answer in their own words, in Indonesian, chat
// spelling or Banjar: "akur", "ok", "iya", "bujur" are a yes; "kada", "tidak mau" a no. A no word
// anywhere wins ("tidak setuju", "kada akur"), so a refusal is never read as consent.
const YES_WORDS = new Set([
  "ya", "iya", "iyaa", "iy", "y", "yes", "ok", "oke", "okay", "okey", "okee", "sip", "setuju", "stuju", "satuju", "mau", "boleh",
  "baik", "baiklah", "siap", "akur", "bujur", "inggih", "ayuja", "ayu", "bisa", "lanjut", "sepakat",
]);
const NO_WORDS = new Set(["tidak", "tdk", "gak", "ga", "nggak", "ngga", "enggak", "engga", "no", "kada", "kadada", "jangan", "jgn", "tolak", "batal", "ogah", "emoh"]);

export type ConsentAnswer = "yes" | "no" | null;

/** "akur" → yes, "kada akur" → no, a question or anything else → null. */
export function readConsent(text: string): ConsentAnswer {
  const words = text.toLowerCase().replace(/[^\p{L}\s]/gu, " ").split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 4) return null;
  if (words.some((w) => NO_WORDS.has(w))) return "no";
  if (words.every((w) => YES_WORDS.has(w) || ["saya", "ulun", "aku", "pak", "bu", "kak", "sudah", "hudah", "banar", "banget"].includes(w)) && words.some((w) => YES_WORDS.has(w))) return "yes";
  return null;
}
