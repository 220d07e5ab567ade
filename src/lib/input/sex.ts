// A child's sex as parents and kader type it, in Indonesian, chat spelling and Banjar. Banjar:
// "lakian"/"lalakian" (laki-laki), "binian"/"babinian"/"bibinian" (perempuan), and the
// affectionate names "utuh" (a boy) and "diang" (a girl), used for any small child.
import { simplify } from "./text.js";

export type Sex = "L" | "P";

const BOY = new Set(["l", "lk", "laki", "laki laki", "laki-laki", "lakian", "lalakian", "cowok", "cowo", "pria", "putra", "utuh", "1"]);
const GIRL = new Set([
  "p",
  "pr",
  "perempuan",
  "prempuan",
  "binian",
  "babinian",
  "bibinian",
  "cewek",
  "cewe",
  "wanita",
  "putri",
  "diang",
  "2",
]);

/** "L" or "P" from a sex button ("sex:L"), its number (1 = L, 2 = P, the order sex questions offer) or a word. */
export function readSex(text: string, payload?: string): Sex | null {
  if (payload === "sex:L" || payload === "sex:P") return payload.slice(4) as Sex;
  const s = simplify(text).replace(/^[./-]+|[./-]+$/g, "");
  if (BOY.has(s)) return "L";
  if (GIRL.has(s)) return "P";
  return null;
}
