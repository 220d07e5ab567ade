// Yes and no in people's own words, in Indonesian, chat spelling or Banjar: "akur", "ok", "iya",
// "bujur", "inggih" are a yes; "kada", "tidak mau" a no. A no word anywhere wins ("tidak setuju",
// "kada akur"), so a refusal is never read as consent.
const YES_WORDS = new Set([
  "ya",
  "iya",
  "iyaa",
  "iy",
  "y",
  "yes",
  "ok",
  "oke",
  "okay",
  "okey",
  "okee",
  "sip",
  "setuju",
  "stuju",
  "satuju",
  "mau",
  "boleh",
  "baik",
  "baiklah",
  "siap",
  "akur",
  "bujur",
  "inggih",
  "ayuja",
  "ayu",
  "bisa",
  "lanjut",
  "sepakat",
]);
const NO_WORDS = new Set([
  "tidak",
  "tdk",
  "gak",
  "ga",
  "nggak",
  "ngga",
  "enggak",
  "engga",
  "no",
  "kada",
  "kadada",
  "jangan",
  "jgn",
  "tolak",
  "batal",
  "ogah",
  "emoh",
]);
/** Words that may stand beside a yes without changing it ("iya bu", "ulun setuju"). */
const FILLERS = new Set(["saya", "ulun", "aku", "pak", "bu", "kak", "sudah", "hudah", "banar", "banget"]);

export type YesNo = "yes" | "no";

/** "akur" → yes, "kada akur" → no; a question or anything longer than four words → null. */
export function readYesNo(text: string): YesNo | null {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\s]/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 4) return null;
  if (words.some((w) => NO_WORDS.has(w))) return "no";
  if (words.every((w) => YES_WORDS.has(w) || FILLERS.has(w)) && words.some((w) => YES_WORDS.has(w))) return "yes";
  return null;
}
